#!/usr/bin/env python3
"""Golden tensors from PyTorch for the Java tests of dev.minillm.nn (chapter 4).

Writes into the output folder (default: ../resources/golden/nn next to this script):

  sequential.safetensors  Linear, each activation, LayerNorm, Linear in a row: output and gradients
  mlp_lm.safetensors      the MLP language model of Bengio et al. (2003) with direct connections:
                          logits and loss of every full window of a batch, the gradients, and the
                          parameters after two training steps as dev.minillm.nn.Trainer takes them
                          (clipping at norm 1, warmup + cosine learning rate, AdamW with weight
                          decay on matrices only)
  geometry.safetensors    cosine similarities, and PCA of a matrix: the top eigenvalues and
                          eigenvectors of its covariance (signs fixed: largest entry positive) and
                          the projected points

Tensors are named as in the Java model (e.g. "hidden.weight"). Inputs come from Python's
random.Random with fixed seeds, so they are the same everywhere. Needs only PyTorch
(Debian: sudo apt-get install python3-torch); rnn_golden.py reuses values() and save().

Usage: python3 nn_golden.py [output-folder]
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


def ints(seed, count, high):
    """count integers in [0, high) from random.Random(seed), as a float tensor (safetensors here are F32)."""
    rng = random.Random(seed)
    return torch.tensor([float(rng.randrange(high)) for _ in range(count)])


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
    head += b" " * (-len(head) % 8)
    temp = path + ".tmp"
    with open(temp, "wb") as out:
        out.write(struct.pack("<Q", len(head)))
        out.write(head)
        for data in blobs:
            out.write(data)
    os.replace(temp, path)  # atomic: never a half-written file


def fill(module, seed, low=-0.5, high=0.5):
    """Every parameter of the module from values(seed + index)."""
    with torch.no_grad():
        for index, (_, p) in enumerate(module.named_parameters()):
            p.copy_(values(seed + index, tuple(p.shape), low, high))


# ---------------------------------------------------------------------------------- Sequential

def sequential():
    """Linear(5, 8), tanh, sigmoid, relu, gelu(tanh), silu, LayerNorm(8), Linear(8, 3), as nn.Sequential."""
    model = torch.nn.Sequential(
        torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8), torch.nn.Sigmoid(), torch.nn.Linear(8, 8),
        torch.nn.ReLU(), torch.nn.Linear(8, 8), torch.nn.GELU(approximate="tanh"), torch.nn.Linear(8, 8),
        torch.nn.SiLU(), torch.nn.LayerNorm(8), torch.nn.Linear(8, 3))
    fill(model, 300, -0.8, 0.8)
    tensors = {f"initial.{name}": p.detach().clone() for name, p in model.named_parameters()}
    x = values(320, (4, 5)).requires_grad_(True)
    out = model(x)
    r = values(321, tuple(out.shape))
    (out * r).sum().backward()
    tensors.update({"x": x.detach(), "out": out, "r": r, "grad.x": x.grad})
    tensors.update({f"grad.{name}": p.grad for name, p in model.named_parameters()})
    return tensors


# ---------------------------------------------------------------------------------- MLP language model

class MlpLanguageModel(torch.nn.Module):
    """y = b + W x + U tanh(d + H x), x the n concatenated embeddings (dev.minillm.nn.MlpLanguageModel)."""

    def __init__(self, vocab, context, embedding, hidden):
        super().__init__()
        self.context = context
        self.embedding = torch.nn.Embedding(vocab, embedding)
        self.hidden = torch.nn.Linear(context * embedding, hidden)
        self.output = torch.nn.Linear(hidden, vocab)
        self.direct = torch.nn.Linear(context * embedding, vocab, bias=False)

    def logits(self, inputs):  # (B, T) -> (B * (T - n + 1), V)
        windows = inputs.unfold(1, self.context, 1)              # (B, T-n+1, n)
        x = self.embedding(windows).reshape(-1, self.context * self.embedding.embedding_dim)
        return self.output(torch.tanh(self.hidden(x))) + self.direct(x)

    def loss(self, inputs, targets):
        return F.cross_entropy(self.logits(inputs), targets[:, self.context - 1:].reshape(-1), ignore_index=-100)


def warmup_cosine(step, max_lr, min_lr, warmup, decay):
    """dev.minillm.tensor.LearningRateSchedule.WarmupCosine."""
    if step < warmup:
        return max_lr * (step + 1) / warmup
    if step > decay or decay == warmup:
        return min_lr
    ratio = (step - warmup) / (decay - warmup)
    return min_lr + 0.5 * (1 + math.cos(math.pi * ratio)) * (max_lr - min_lr)


def mlp_lm():
    vocab, context, embedding, hidden, batch, length = 11, 3, 4, 8, 2, 6
    model = MlpLanguageModel(vocab, context, embedding, hidden)
    fill(model, 400)
    tensors = {f"initial.{name}": p.detach().clone() for name, p in model.named_parameters()}
    inputs = ints(420, batch * length, vocab).reshape(batch, length)
    targets = ints(421, batch * length, vocab).reshape(batch, length)
    targets[1, 4] = -100.0  # an ignored position
    tensors.update({"inputs": inputs, "targets": targets})
    x, y = inputs.long(), targets.long()
    logits = model.logits(x)
    loss = model.loss(x, y)
    loss.backward()
    tensors.update({"logits": logits, "loss": loss})
    tensors.update({f"grad.{name}": p.grad.clone() for name, p in model.named_parameters()})

    # two steps of dev.minillm.nn.Trainer: lr 1e-2 -> 1e-3, 1 warmup step over 2 steps, clip 1, AdamW
    max_lr, min_lr, warmup, steps = 1e-2, 1e-3, 1, 2
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=max_lr, betas=(0.9, 0.99), eps=1e-8)
    for step in range(steps):
        optimizer.zero_grad()
        loss = model.loss(x, y)
        loss.backward()
        tensors[f"step{step}.loss"] = loss.detach().clone()
        tensors[f"step{step}.norm"] = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        for group in optimizer.param_groups:
            group["lr"] = warmup_cosine(step, max_lr, min_lr, warmup, steps)
        optimizer.step()
    tensors.update({f"trained.{name}": p.detach().clone() for name, p in model.named_parameters()})
    return tensors


# ---------------------------------------------------------------------------------- embedding geometry

def geometry():
    table = values(500, (20, 6))
    table[:, 0] *= 3.0  # unequal variances, so the principal directions are well separated
    table[:, 3] *= 2.0
    cosine = F.cosine_similarity(table.unsqueeze(1), table.unsqueeze(0), dim=-1, eps=1e-12)
    centred = table.double() - table.double().mean(0)
    covariance = centred.T @ centred / (table.shape[0] - 1)
    eigenvalues, eigenvectors = torch.linalg.eigh(covariance)   # ascending
    order = torch.argsort(eigenvalues, descending=True)[:2]
    components = eigenvectors[:, order].T                      # (2, m)
    for c in range(components.shape[0]):
        if components[c, components[c].abs().argmax()] < 0:
            components[c] = -components[c]
    points = centred @ components.T                            # (V, 2)
    return {"table": table, "cosine": cosine, "variances": eigenvalues[order].float(),
            "components": components.float(), "points": points.float()}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "resources", "golden", "nn")
    os.makedirs(folder, exist_ok=True)
    metadata = {"generator": "minillm/src/test/python/nn_golden.py", "torch": torch.__version__}
    for name, make in (("sequential", sequential), ("mlp_lm", mlp_lm), ("geometry", geometry)):
        tensors = make()
        save(os.path.join(folder, name + ".safetensors"), tensors, metadata)
        print(f"{name}.safetensors: {len(tensors)} tensors")


if __name__ == "__main__":
    main()
