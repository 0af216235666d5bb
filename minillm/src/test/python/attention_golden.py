#!/usr/bin/env python3
"""Golden tensors from PyTorch for the Java tests of dev.minillm.attention.

Writes attention.safetensors into the output folder (default: ../resources/golden/attention next
to this script). Four cases, each with its inputs, parameters, output, attention weights, the
upstream gradient r, and the gradients of the inputs and parameters for the loss sum(output * r):

  causal       causal multi-head self-attention in nanoGPT's layout: one fused Linear(C, 3C) whose
               output splits into q, k, v, each (B, T, C) -> (B, nh, T, hs); output Linear(C, C).
               B=2, T=7, C=12, nh=3 (odd T, hs=4)
  padded       the same layer with a padding mask (1 = token, 0 = padding), left-padded so that a
               padding query sees no key at all: such rows get zero weights (minillm's rule, where
               PyTorch would give NaN)
  cross        cross-attention: q = Linear(C, C)(x), k, v = Linear(Ck, 2C)(context) split in two,
               a padding mask on the context. B=2, Tq=5, Tk=6, C=12, Ck=10, nh=2
  temperature  scaled dot-product attention alone, causal, temperature 0.5, (B, nh, T, hs) = (1, 2, 5, 3)

The attention is written out by hand (matmul, masked_fill, softmax, matmul), as in the chapter:
torch.nn.functional.scaled_dot_product_attention does not exist in PyTorch 1.13. Inputs come from
Python's random.Random with fixed seeds, so they are the same on every machine and PyTorch version.
Needs only PyTorch (Debian: sudo apt-get install python3-torch).

Usage: python3 attention_golden.py [output-folder]
"""
import json
import math
import os
import random
import struct
import sys

import torch
import torch.nn.functional as F

torch.set_num_threads(1)  # one thread: sums are always added in the same order


def values(seed, shape, low=-1.0, high=1.0):
    """A float32 tensor of uniform numbers from random.Random(seed)."""
    rng = random.Random(seed)
    count = math.prod(shape)
    return torch.tensor([rng.uniform(low, high) for _ in range(count)], dtype=torch.float32).reshape(shape)


def save(path, tensors, metadata):
    """safetensors: 8-byte little-endian header length, JSON header, then little-endian float32 data."""
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, tensor in tensors.items():
        flat = tensor.detach().contiguous().to(torch.float32).reshape(-1).tolist()
        data = struct.pack("<%df" % len(flat), *flat)
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    head += b" " * (-len(head) % 8)  # pad so the data starts 8-byte aligned
    temp = path + ".tmp"
    with open(temp, "wb") as out:
        out.write(struct.pack("<Q", len(head)))
        out.write(head)
        for data in blobs:
            out.write(data)
    os.replace(temp, path)  # atomic: never a half-written file


def attention(q, k, v, causal=False, keep=None, temperature=1.0):
    """softmax(q k^T / (sqrt(d) * temperature) + mask) v; keep (B, Tk) is 1 for tokens, 0 for padding."""
    tq, tk, d = q.shape[-2], k.shape[-2], q.shape[-1]
    att = q @ k.transpose(-2, -1) / (math.sqrt(d) * temperature)  # (..., Tq, Tk)
    hidden = torch.zeros(tq, tk, dtype=torch.bool)
    if causal:  # query i is position i + Tk - Tq: it sees keys 0 .. i + Tk - Tq
        hidden = torch.ones(tq, tk, dtype=torch.bool).triu(tk - tq + 1)
    if keep is not None:
        hidden = hidden | (keep == 0)[:, None, None, :]  # (B, 1, Tq, Tk)
    empty = hidden.all(-1, keepdim=True)  # queries that may see no key: zero weights, not NaN
    att = att.masked_fill(hidden & ~empty, float("-inf")).softmax(-1).masked_fill(empty, 0.0)
    return att @ v, att


def split_heads(x, nh):  # (B, T, C) -> (B, nh, T, hs)
    b, t, c = x.shape
    return x.view(b, t, nh, c // nh).transpose(1, 2)


def merge_heads(y):  # (B, nh, T, hs) -> (B, T, C)
    b, nh, t, hs = y.shape
    return y.transpose(1, 2).contiguous().view(b, t, nh * hs)


def record(tensors, name, inputs, out, weights, r_seed):
    """Stores inputs, output, weights, r and the gradients of sum(out * r) for every input needing one."""
    r = values(r_seed, out.shape)
    (out * r).sum().backward()
    for key, tensor in inputs.items():
        tensors[f"{name}.{key}"] = tensor.detach()
        if tensor.requires_grad:
            tensors[f"{name}.grad.{key}"] = tensor.grad
    tensors[f"{name}.out"] = out.detach()
    tensors[f"{name}.weights"] = weights.detach()
    tensors[f"{name}.r"] = r


def self_attention(tensors, name, causal, keep, seed):
    b, t, c, nh = 2, 7, 12, 3
    inputs = {
        "x": values(seed, (b, t, c), -2, 2),
        "qkv.weight": values(seed + 1, (3 * c, c), -0.5, 0.5),
        "qkv.bias": values(seed + 2, (3 * c,), -0.5, 0.5),
        "proj.weight": values(seed + 3, (c, c), -0.5, 0.5),
        "proj.bias": values(seed + 4, (c,), -0.5, 0.5),
    }
    for tensor in inputs.values():
        tensor.requires_grad_(True)
    q, k, v = F.linear(inputs["x"], inputs["qkv.weight"], inputs["qkv.bias"]).split(c, dim=2)
    y, weights = attention(split_heads(q, nh), split_heads(k, nh), split_heads(v, nh), causal, keep)
    out = F.linear(merge_heads(y), inputs["proj.weight"], inputs["proj.bias"])
    if keep is not None:
        inputs["mask"] = keep
    record(tensors, name, inputs, out, weights, seed + 5)


def cross_attention(tensors, seed):
    b, tq, tk, c, ck, nh = 2, 5, 6, 12, 10, 2
    keep = torch.tensor([[1., 1., 1., 1., 0., 0.], [1., 1., 1., 1., 1., 1.]])
    inputs = {
        "x": values(seed, (b, tq, c), -2, 2),
        "context": values(seed + 1, (b, tk, ck), -2, 2),
        "q.weight": values(seed + 2, (c, c), -0.5, 0.5),
        "q.bias": values(seed + 3, (c,), -0.5, 0.5),
        "kv.weight": values(seed + 4, (2 * c, ck), -0.5, 0.5),
        "kv.bias": values(seed + 5, (2 * c,), -0.5, 0.5),
        "proj.weight": values(seed + 6, (c, c), -0.5, 0.5),
        "proj.bias": values(seed + 7, (c,), -0.5, 0.5),
    }
    for tensor in inputs.values():
        tensor.requires_grad_(True)
    q = F.linear(inputs["x"], inputs["q.weight"], inputs["q.bias"])
    k, v = F.linear(inputs["context"], inputs["kv.weight"], inputs["kv.bias"]).split(c, dim=2)
    y, weights = attention(split_heads(q, nh), split_heads(k, nh), split_heads(v, nh), False, keep)
    out = F.linear(merge_heads(y), inputs["proj.weight"], inputs["proj.bias"])
    inputs["mask"] = keep
    record(tensors, "cross", inputs, out, weights, seed + 8)


def temperature(tensors, seed):
    inputs = {key: values(seed + i, (1, 2, 5, 3), -2, 2).requires_grad_(True) for i, key in enumerate("qkv")}
    out, weights = attention(inputs["q"], inputs["k"], inputs["v"], causal=True, temperature=0.5)
    record(tensors, "temperature", inputs, out, weights, seed + 3)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "resources", "golden", "attention")
    os.makedirs(folder, exist_ok=True)
    tensors = {}
    self_attention(tensors, "causal", True, None, 100)
    padded = torch.tensor([[0., 0., 1., 1., 1., 1., 1.], [1., 1., 1., 1., 1., 1., 1.]])  # left padding
    self_attention(tensors, "padded", True, padded, 200)
    cross_attention(tensors, 300)
    temperature(tensors, 400)
    metadata = {"generator": "minillm/src/test/python/attention_golden.py", "torch": torch.__version__}
    save(os.path.join(folder, "attention.safetensors"), tensors, metadata)
    print(f"attention.safetensors: {len(tensors)} tensors")


if __name__ == "__main__":
    main()
