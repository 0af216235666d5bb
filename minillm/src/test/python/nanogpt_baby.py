#!/usr/bin/env python3
"""PyTorch side of `bin/minillm bench gpt`: nanoGPT's "baby GPT" for CPUs, trained on the same
character stream as the Java side, with the same schedule.

The model is dev.minillm.transformer.GPT with GPTConfig.nanogptBaby: 4 pre-norm blocks (layer norm,
causal multi-head attention with a fused QKV projection, GELU MLP of 4C, biases), learned positions,
a final layer norm and an output head tied to the token embedding; initialised as GPT-2 (normal 0.02,
residual projections 0.02 / sqrt(2 * layers), zero biases). Training: random windows of 64 + 1 tokens
(nanoGPT's get_batch), batch 12, AdamW (betas 0.9, 0.99, weight decay 0.1 on matrices only), learning
rate 1e-3 with 100 warmup steps and cosine decay to 1e-4 at the last iteration, gradients clipped at
norm 1, dropout 0.

The Java side writes the train and validation token ids as little-endian int32 files. Prints lines
"tokens_per_second <x>" (training only) and "validation_loss <y>" (mean cross-entropy over every
non-overlapping window of the validation stream), after a "#" line describing the setup.

Usage: python3 nanogpt_baby.py TRAIN.bin VALIDATION.bin VOCAB [--iters 2000] [--threads 2] [--seed 1337]
"""
import argparse
import array
import math
import time

import torch
import torch.nn.functional as F

LAYERS, HEADS, DIM, BLOCK, BATCH = 4, 4, 128, 64, 12


class Attention(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = torch.nn.Linear(DIM, 3 * DIM)
        self.proj = torch.nn.Linear(DIM, DIM)
        self.register_buffer("mask", torch.ones(BLOCK, BLOCK).triu(1).bool())

    def forward(self, x):  # (B, T, C)
        b, t, c = x.shape
        q, k, v = (z.view(b, t, HEADS, c // HEADS).transpose(1, 2) for z in self.qkv(x).split(c, dim=2))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(c // HEADS)                 # (B, nh, T, T)
        att = att.masked_fill(self.mask[:t, :t], float("-inf")).softmax(-1)
        return self.proj((att @ v).transpose(1, 2).reshape(b, t, c))


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = torch.nn.LayerNorm(DIM, eps=1e-5)
        self.attention = Attention()
        self.norm2 = torch.nn.LayerNorm(DIM, eps=1e-5)
        self.fc = torch.nn.Linear(DIM, 4 * DIM)
        self.mlp_proj = torch.nn.Linear(4 * DIM, DIM)

    def forward(self, x):
        x = x + self.attention(self.norm1(x))
        return x + self.mlp_proj(F.gelu(self.fc(self.norm2(x)), approximate="tanh"))


class GPT(torch.nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.vocab = vocab
        self.tokens = torch.nn.Embedding(vocab, DIM)
        self.positions = torch.nn.Embedding(BLOCK, DIM)
        self.blocks = torch.nn.ModuleList([Block() for _ in range(LAYERS)])
        self.final_norm = torch.nn.LayerNorm(DIM, eps=1e-5)
        for name, p in self.named_parameters():
            if name.endswith("bias"):
                torch.nn.init.zeros_(p)
            elif "norm" in name:
                torch.nn.init.ones_(p)
            elif name.endswith("proj.weight"):  # residual projections
                torch.nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * LAYERS))
            else:
                torch.nn.init.normal_(p, 0.0, 0.02)

    def loss(self, ids, targets):  # (B, T), (B, T)
        x = self.tokens(ids) + self.positions(torch.arange(ids.shape[1]))
        for block in self.blocks:
            x = block(x)
        logits = self.final_norm(x) @ self.tokens.weight.T                     # (B, T, V), tied head
        return F.cross_entropy(logits.reshape(-1, self.vocab), targets.reshape(-1))


def read_ids(path):
    ids = array.array("i")
    with open(path, "rb") as f:
        ids.frombytes(f.read())
    return torch.tensor(ids, dtype=torch.long)


def learning_rate(step, iters, peak=1e-3, low=1e-4, warmup=100):
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, iters - warmup))
    return low + 0.5 * (peak - low) * (1 + math.cos(math.pi * progress))


@torch.no_grad()
def validation_loss(model, ids):
    windows = (len(ids) - 1) // BLOCK
    x = ids[: windows * BLOCK].view(windows, BLOCK)
    y = ids[1: windows * BLOCK + 1].view(windows, BLOCK)
    losses = [model.loss(x[i:i + BATCH], y[i:i + BATCH]) * len(x[i:i + BATCH]) for i in range(0, windows, BATCH)]
    return (sum(losses) / windows).item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("train")
    parser.add_argument("validation")
    parser.add_argument("vocab", type=int)
    parser.add_argument("--iters", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1337)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train, validation = read_ids(args.train), read_ids(args.validation)
    model = GPT(args.vocab)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=1e-3, betas=(0.9, 0.99))
    print(f"# torch {torch.__version__}, {args.threads} threads, {sum(p.numel() for p in model.parameters()):,} "
          f"parameters, {args.iters} iterations")
    start = time.perf_counter()
    for step in range(args.iters):
        starts = torch.randint(len(train) - BLOCK - 1, (BATCH,))
        x = torch.stack([train[s:s + BLOCK] for s in starts])
        y = torch.stack([train[s + 1:s + BLOCK + 1] for s in starts])
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, args.iters)
        loss = model.loss(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    seconds = time.perf_counter() - start
    print(f"tokens_per_second {args.iters * BATCH * BLOCK / seconds:.1f}")
    print(f"validation_loss {validation_loss(model, validation):.4f}")


if __name__ == "__main__":
    main()
