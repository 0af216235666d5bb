#!/usr/bin/env python3
"""Golden tensors from PyTorch for the Java tests of dev.minillm.tensor.

Writes three safetensors files into the output folder (default: ../resources/golden next to
this script):

  ops.safetensors         one case per op: inputs, output, the upstream gradient r, and the
                          gradients of the inputs for the loss sum(output * r)
  mlp.safetensors         a small MLP (Linear, GELU, LayerNorm, Linear, cross-entropy with an
                          ignored target): 3 training steps with gradient clipping, AdamW with
                          parameter groups and a warmup + cosine learning rate
  optimizers.safetensors  3 steps of SGD with momentum and of Adam with L2 weight decay

Inputs come from Python's random.Random with fixed seeds (not torch's generator), so they are
the same on every machine and every PyTorch version. Needs only PyTorch (Debian:
sudo apt-get install python3-torch); the files are written by a small hand-written safetensors
writer, since the `safetensors` package is not in Debian.

Usage: python3 golden.py [output-folder]
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


def values(seed, shape, low=-2.0, high=2.0):
    """A float32 tensor of uniform numbers from random.Random(seed)."""
    rng = random.Random(seed)
    count = math.prod(shape)
    return torch.tensor([rng.uniform(low, high) for _ in range(count)], dtype=torch.float32).reshape(shape)


def away_from_zero(seed, shape):
    """Uniform in ±[0.1, 2]: no kinks (relu, abs) within a finite-difference step."""
    x = values(seed, shape, 0.1, 2.0)
    signs = values(seed + 1000, shape, -1.0, 1.0).sign()
    return x * signs


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


# ---------------------------------------------------------------------------------- ops

def ops():
    """Each case: named inputs (those in `grads` need gradients), a function of them, a seed."""
    x34 = lambda s: values(s, (3, 4))
    positive = lambda s, shape: values(s, shape, 0.5, 2.0)
    causal = torch.tril(torch.ones(4, 4))
    cases = [
        # name, inputs, differentiable input names, function
        ("add_broadcast", {"x": values(1, (2, 3, 4)), "y": values(2, (3, 1))}, "xy", lambda x, y: x + y),
        ("sub_broadcast", {"x": x34(3), "y": values(4, (4,))}, "xy", lambda x, y: x - y),
        ("mul_broadcast", {"x": values(5, (2, 3, 4)), "y": values(6, (2, 1, 4))}, "xy", lambda x, y: x * y),
        ("div", {"x": x34(7), "y": positive(8, (3, 4))}, "xy", lambda x, y: x / y),
        ("div_scalar_broadcast", {"x": x34(9), "y": positive(10, ())}, "xy", lambda x, y: x / y),
        ("neg", {"x": values(11, (5,))}, "x", lambda x: -x),
        ("pow_cube", {"x": x34(12)}, "x", lambda x: x ** 3),
        ("pow_sqrt", {"x": positive(13, (3, 4))}, "x", lambda x: x ** 0.5),
        ("exp", {"x": x34(14)}, "x", torch.exp),
        ("log", {"x": positive(15, (3, 4))}, "x", torch.log),
        ("sqrt", {"x": positive(16, (3, 4))}, "x", torch.sqrt),
        ("tanh", {"x": x34(17)}, "x", torch.tanh),
        ("sigmoid", {"x": x34(18)}, "x", torch.sigmoid),
        ("relu", {"x": away_from_zero(19, (3, 4))}, "x", F.relu),
        ("gelu_tanh", {"x": values(20, (3, 4), -4, 4)}, "x", lambda x: F.gelu(x, approximate="tanh")),
        ("silu", {"x": values(21, (3, 4), -4, 4)}, "x", F.silu),
        ("sum_all", {"x": values(22, (2, 3, 4))}, "x", lambda x: x.sum()),
        ("sum_axis1", {"x": values(23, (2, 3, 4))}, "x", lambda x: x.sum(1)),
        ("mean_all", {"x": values(24, (2, 3, 4))}, "x", lambda x: x.mean()),
        ("mean_last_keepdim", {"x": values(25, (2, 3, 4))}, "x", lambda x: x.mean(-1, keepdim=True)),
        ("max_axis1", {"x": values(26, (2, 3, 4))}, "x", lambda x: x.max(1).values),
        ("var_last", {"x": values(27, (2, 3, 5))}, "x", lambda x: x.var(-1)),
        ("var_axis0_population", {"x": values(28, (4, 3))}, "x", lambda x: x.var(0, unbiased=False)),
        ("matmul", {"x": x34(29), "y": values(30, (4, 5))}, "xy", lambda x, y: x @ y),
        ("matmul_batched", {"x": values(31, (2, 3, 4)), "y": values(32, (2, 4, 5))}, "xy", lambda x, y: x @ y),
        ("matmul_broadcast", {"x": values(33, (2, 1, 3, 4)), "y": values(34, (3, 4, 2))}, "xy", lambda x, y: x @ y),
        ("matmul_transposed", {"x": x34(35), "y": values(36, (5, 4))}, "xy", lambda x, y: x @ y.t()),
        ("matmul_3d_by_2d", {"x": values(37, (2, 3, 4)), "y": values(38, (4, 5))}, "xy", lambda x, y: x @ y),
        ("transpose_reshape", {"x": values(39, (2, 3, 4))}, "x", lambda x: x.transpose(0, 2).reshape(4, 6)),
        ("permute", {"x": values(40, (2, 3, 4))}, "x", lambda x: x.permute(2, 0, 1) * 2),
        ("slice", {"x": values(41, (3, 5))}, "x", lambda x: x[:, 1:4]),
        ("concat", {"x": values(42, (2, 3)), "y": values(43, (2, 2))}, "xy", lambda x, y: torch.cat([x, y], 1)),
        ("split", {"x": values(44, (2, 6))}, "x",
         lambda x: torch.cat(list(reversed(torch.split(x, [2, 4], 1))), 1)),
        ("index_select", {"x": values(45, (6, 4)), "ids": torch.tensor([1., 3., 1., 5., 0.])}, "x",
         lambda x, ids: x.index_select(0, ids.long())),
        ("softmax", {"x": values(46, (3, 5), -4, 4)}, "x", lambda x: x.softmax(-1)),
        ("softmax_axis0", {"x": values(47, (3, 5), -4, 4)}, "x", lambda x: x.softmax(0)),
        ("log_softmax", {"x": values(48, (3, 5), -4, 4)}, "x", lambda x: x.log_softmax(-1)),
        ("cross_entropy", {"x": values(49, (6, 5), -4, 4), "targets": torch.tensor([0., 4., -100., 2., 1., 3.])},
         "x", lambda x, t: F.cross_entropy(x, t.long(), ignore_index=-100)),
        ("cross_entropy_large_logits", {"x": values(50, (4, 7), -100, 100), "targets": torch.tensor([6., 0., 3., 3.])},
         "x", lambda x, t: F.cross_entropy(x, t.long())),
        ("layer_norm", {"x": values(51, (3, 8)), "w": values(52, (8,)), "b": values(53, (8,))}, "xwb",
         lambda x, w, b: F.layer_norm(x, (8,), w, b, 1e-5)),
        ("rms_norm", {"x": values(54, (3, 8)), "w": values(55, (8,))}, "xw",
         lambda x, w: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * w),
        ("masked_fill", {"x": values(56, (2, 4, 4)), "mask": causal}, "x", lambda x, m: x.masked_fill(m == 0, 0.5)),
        ("causal_softmax", {"x": values(57, (2, 4, 4)), "mask": causal}, "x",
         lambda x, m: x.masked_fill(m == 0, float("-inf")).softmax(-1)),
    ]
    tensors = {}
    for index, (name, inputs, differentiable, function) in enumerate(cases):
        leaves = {}
        for key, value in inputs.items():
            leaf = value.clone().requires_grad_(key in differentiable)
            leaves[key] = leaf
            tensors[f"{name}.{key}"] = value
        out = function(*leaves.values())
        r = values(10_000 + index, tuple(out.shape))
        (out * r).sum().backward()
        tensors[f"{name}.out"] = out
        tensors[f"{name}.r"] = r
        for key, leaf in leaves.items():
            if leaf.requires_grad:
                tensors[f"{name}.grad.{key}"] = leaf.grad
    return tensors


# ---------------------------------------------------------------------------------- MLP + AdamW

class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(6, 16)
        self.ln = torch.nn.LayerNorm(16)
        self.fc2 = torch.nn.Linear(16, 5)

    def forward(self, x):  # (B, 6) -> (B, 5)
        return self.fc2(self.ln(F.gelu(self.fc1(x), approximate="tanh")))


def warmup_cosine(step, max_lr=1e-2, min_lr=1e-3, warmup=2, decay=10):
    """The same schedule as LearningRateSchedule.WarmupCosine."""
    if step < warmup:
        return max_lr * (step + 1) / warmup
    if step > decay:
        return min_lr
    ratio = (step - warmup) / (decay - warmup)
    return min_lr + 0.5 * (1 + math.cos(math.pi * ratio)) * (max_lr - min_lr)


def mlp():
    model = MLP()
    with torch.no_grad():
        for index, (name, p) in enumerate(model.named_parameters()):
            p.copy_(values(100 + index, tuple(p.shape), -0.5, 0.5) + (1.0 if name == "ln.weight" else 0.0))
    tensors = {f"initial.{name}": p.detach().clone() for name, p in model.named_parameters()}
    x = values(120, (8, 6))
    targets = torch.tensor([0, 4, 2, -100, 1, 3, 3, 0])
    tensors["x"] = x
    tensors["targets"] = targets.float()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=warmup_cosine(0), betas=(0.9, 0.95), eps=1e-8)
    for step in range(3):
        for group in optimizer.param_groups:
            group["lr"] = warmup_cosine(step)
        optimizer.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits, targets, ignore_index=-100)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        tensors[f"step{step}.logits"] = logits
        tensors[f"step{step}.loss"] = loss
        tensors[f"step{step}.norm"] = norm
        for name, p in model.named_parameters():
            tensors[f"step{step}.grad.{name}"] = p.grad.clone()  # after clipping
        optimizer.step()
        for name, p in model.named_parameters():
            tensors[f"step{step}.after.{name}"] = p.detach().clone()
    return tensors


# ---------------------------------------------------------------------------------- SGD and Adam

def optimizers():
    """Minimise sum(c * p^2) + sum(d * p) from fixed p: 3 steps each of SGD+momentum and Adam+L2."""
    c, d = values(200, (6,), 0.5, 2.0), values(201, (6,))
    tensors = {"c": c, "d": d, "initial": values(202, (6,))}
    setups = {
        "sgd": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9),
        "sgd_weight_decay": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.0, weight_decay=0.05),
        "adam": lambda p: torch.optim.Adam([p], lr=0.05, betas=(0.8, 0.9), eps=1e-8, weight_decay=0.01),
    }
    for name, make in setups.items():
        p = tensors["initial"].clone().requires_grad_(True)
        optimizer = make(p)
        for step in range(3):
            optimizer.zero_grad()
            ((c * p * p).sum() + (d * p).sum()).backward()
            optimizer.step()
            tensors[f"{name}.step{step}"] = p.detach().clone()
    return tensors


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "resources", "golden")
    os.makedirs(folder, exist_ok=True)
    metadata = {"generator": "minillm/src/test/python/golden.py", "torch": torch.__version__}
    for name, make in (("ops", ops), ("mlp", mlp), ("optimizers", optimizers)):
        tensors = make()
        save(os.path.join(folder, name + ".safetensors"), tensors, metadata)
        print(f"{name}.safetensors: {len(tensors)} tensors")


if __name__ == "__main__":
    main()
