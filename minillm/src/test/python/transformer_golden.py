#!/usr/bin/env python3
"""Golden tensors from PyTorch for the Java tests of dev.minillm.transformer (chapter 7).

Writes gpt.safetensors into the output folder (default: ../resources/golden/transformer next to
this script), with two cases of a tiny GPT (V = 50, 16 positions, 2 layers, 2 heads, C = 32):

  gpt.*    GPT-2 style: layer norm, GELU MLP (tanh approximation), biases
  llama.*  Llama style: RMS norm, SwiGLU (hidden 88), no biases

For each case: initial.<name> the weights (named as in dev.minillm.transformer.GPT), inputs and
targets (B = 2, T = 16; one target is -100, ignored), logits (B, T, V), loss, grad.<name> the
gradient of the loss for every parameter, and after 5 AdamW steps on the same batch (lr 1e-2,
betas (0.9, 0.95), eps 1e-8, weight decay 0.1 on matrices only, gradients clipped at norm 1):
losses (5) the loss before each step (the weights themselves are left out to keep the file
small; the losses of steps 1-4 depend on every weight). The output head is the
token embedding (weight tying); dropout is 0.

Usage: python3 transformer_golden.py [output-folder]   (needs PyTorch: sudo apt-get install python3-torch)
"""
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nn_golden import fill, ints, save  # noqa: E402  (the shared safetensors writer and seeded inputs)

torch.set_num_threads(1)  # one thread: sums are always added in the same order

VOCAB, BLOCK, LAYERS, HEADS, DIM, EPS = 50, 16, 2, 2, 32, 1e-5


class RMSNorm(torch.nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * self.weight


class MultiHeadAttention(torch.nn.Module):
    def __init__(self, bias):
        super().__init__()
        self.qkv = torch.nn.Linear(DIM, 3 * DIM, bias=bias)
        self.proj = torch.nn.Linear(DIM, DIM, bias=bias)

    def forward(self, x):  # (B, T, C)
        b, t, c = x.shape
        q, k, v = (z.view(b, t, HEADS, c // HEADS).transpose(1, 2) for z in self.qkv(x).split(c, dim=2))
        att = q @ k.transpose(-2, -1) / math.sqrt(c // HEADS)                  # (B, nh, T, T)
        att = att.masked_fill(torch.ones(t, t).triu(1).bool(), float("-inf")).softmax(-1)
        return self.proj((att @ v).transpose(1, 2).reshape(b, t, c))            # (B, T, C)


class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(DIM, 4 * DIM)
        self.proj = torch.nn.Linear(4 * DIM, DIM)

    def forward(self, x):
        return self.proj(F.gelu(self.fc(x), approximate="tanh"))


class SwiGLU(torch.nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.gate = torch.nn.Linear(DIM, hidden, bias=False)
        self.up = torch.nn.Linear(DIM, hidden, bias=False)
        self.proj = torch.nn.Linear(hidden, DIM, bias=False)

    def forward(self, x):
        return self.proj(F.silu(self.gate(x)) * self.up(x))


class Block(torch.nn.Module):
    def __init__(self, llama):
        super().__init__()
        norm = (lambda: RMSNorm(DIM)) if llama else (lambda: torch.nn.LayerNorm(DIM, eps=EPS))
        self.norm1 = norm()
        self.attention = MultiHeadAttention(bias=not llama)
        self.norm2 = norm()
        self.mlp = SwiGLU((8 * DIM // 3 + 7) // 8 * 8) if llama else MLP()

    def forward(self, x):
        x = x + self.attention(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class GPT(torch.nn.Module):
    def __init__(self, llama):
        super().__init__()
        self.tokenEmbedding = torch.nn.Embedding(VOCAB, DIM)
        self.positionEmbedding = torch.nn.Embedding(BLOCK, DIM)
        self.blocks = torch.nn.ModuleList([Block(llama) for _ in range(LAYERS)])
        self.finalNorm = RMSNorm(DIM) if llama else torch.nn.LayerNorm(DIM, eps=EPS)

    def forward(self, ids):  # (B, T) -> (B, T, V)
        x = self.tokenEmbedding(ids) + self.positionEmbedding(torch.arange(ids.shape[1]))
        for block in self.blocks:
            x = block(x)
        return self.finalNorm(x) @ self.tokenEmbedding.weight.T  # tied head

    def loss(self, ids, targets):
        return F.cross_entropy(self(ids).reshape(-1, VOCAB), targets.reshape(-1), ignore_index=-100)


def case(name, llama, seed):
    model = GPT(llama)
    fill(model, seed, -0.3, 0.3)
    tensors = {f"initial.{n}": p.detach().clone() for n, p in model.named_parameters()}
    inputs = ints(seed + 100, 2 * BLOCK, VOCAB).reshape(2, BLOCK)
    targets = ints(seed + 101, 2 * BLOCK, VOCAB).reshape(2, BLOCK)
    targets[1, 3] = -100.0
    x, y = inputs.long(), targets.long()
    logits = model(x)
    loss = model.loss(x, y)
    loss.backward()
    tensors.update({"inputs": inputs, "targets": targets, "logits": logits, "loss": loss})
    tensors.update({f"grad.{n}": p.grad.clone() for n, p in model.named_parameters()})

    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=1e-2, betas=(0.9, 0.95), eps=1e-8)
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        step_loss = model.loss(x, y)
        step_loss.backward()
        losses.append(step_loss.item())
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    tensors["losses"] = torch.tensor(losses)
    return {f"{name}.{key}": value for key, value in tensors.items()}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "resources", "golden", "transformer")
    os.makedirs(folder, exist_ok=True)
    tensors = {**case("gpt", False, 700), **case("llama", True, 800)}
    metadata = {"generator": "minillm/src/test/python/transformer_golden.py", "torch": torch.__version__}
    save(os.path.join(folder, "gpt.safetensors"), tensors, metadata)
    print(f"gpt.safetensors: {len(tensors)} tensors")


if __name__ == "__main__":
    main()
