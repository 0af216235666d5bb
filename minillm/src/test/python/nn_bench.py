#!/usr/bin/env python3
"""PyTorch side of `bin/minillm bench nn`: training tokens per second of the chapter 4 MLP language
model and the chapter 5 char-LSTM, in the same configurations as the Java side.

Each training step does what dev.minillm.nn.Trainer does: sample B random windows of T + 1 tokens
from a token stream (nanoGPT's get_batch), forward, cross-entropy, backward, clip the global
gradient norm to 1, set the warmup + cosine learning rate, AdamW step (weight decay 0.1 on
matrices only, betas 0.9 and 0.99).

Prints one line per model, "<name> <tokens per second>", after a line starting with "#" that
describes the setup. Tokens per second count the B * T tokens of each batch, as the Java Trainer
does (the MLP with n tokens of context predicts B * (T - n + 1) of them).

Usage: python3 nn_bench.py [--threads 2] [--vocab 69] [--seconds 5]
                           [--mlp n,m,h,B,T] [--lstm m,H,B,T] [--only mlp|lstm]
"""
import argparse
import math
import time

import torch
import torch.nn.functional as F


class MLP(torch.nn.Module):
    """Bengio et al. (2003): n embeddings concatenated, a tanh hidden layer, logits over the vocabulary."""

    def __init__(self, vocab, context, embedding, hidden):
        super().__init__()
        self.context = context
        self.embedding = torch.nn.Embedding(vocab, embedding)
        self.hidden = torch.nn.Linear(context * embedding, hidden)
        self.output = torch.nn.Linear(hidden, vocab)

    def loss(self, x, y):
        B, T = x.shape
        n = self.context
        windows = x.unfold(1, n, 1)                                 # (B, T-n+1, n)
        e = self.embedding(windows).reshape(B * (T - n + 1), -1)    # (B*(T-n+1), n*m)
        logits = self.output(torch.tanh(self.hidden(e)))
        return F.cross_entropy(logits, y[:, n - 1:].reshape(-1))


class CharLSTM(torch.nn.Module):
    """Embedding, one LSTM layer, a linear head."""

    def __init__(self, vocab, embedding, hidden):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, embedding)
        self.rnn = torch.nn.LSTM(embedding, hidden, batch_first=True)
        self.head = torch.nn.Linear(hidden, vocab)

    def loss(self, x, y):
        h, _ = self.rnn(self.embedding(x))
        return F.cross_entropy(self.head(h).reshape(-1, self.head.out_features), y.reshape(-1))


def measure(model, tokens, batch, block, seconds):
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=1e-3, betas=(0.9, 0.99))
    generator = torch.Generator().manual_seed(1337)

    def lr_at(step, max_lr=1e-3, min_lr=1e-4, warmup=100, decay_steps=2000):
        if step < warmup:
            return max_lr * (step + 1) / warmup
        ratio = min(1.0, (step - warmup) / (decay_steps - warmup))
        return min_lr + 0.5 * (1 + math.cos(math.pi * ratio)) * (max_lr - min_lr)

    def step(i):
        starts = torch.randint(len(tokens) - block, (batch,), generator=generator)
        x = torch.stack([tokens[s:s + block] for s in starts])
        y = torch.stack([tokens[s + 1:s + block + 1] for s in starts])
        optimizer.zero_grad(set_to_none=True)
        loss = model.loss(x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        for group in optimizer.param_groups:
            group["lr"] = lr_at(i)
        optimizer.step()

    for i in range(3):  # warm-up: allocator, thread pool
        step(i)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds or steps < 3:
        step(steps)
        steps += 1
    elapsed = time.perf_counter() - start
    return steps * batch * block / elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--vocab", type=int, default=69)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--mlp", default="8,32,512,32,64", help="context n, embedding m, hidden h, batch B, block T")
    parser.add_argument("--lstm", default="64,256,32,64", help="embedding m, hidden H, batch B, block T")
    parser.add_argument("--only", choices=["mlp", "lstm"])
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads", flush=True)
    tokens = torch.randint(args.vocab, (1_000_000,), generator=torch.Generator().manual_seed(0))
    if args.only in (None, "mlp"):
        n, m, h, batch, block = (int(v) for v in args.mlp.split(","))
        model = MLP(args.vocab, n, m, h)
        print("mlp %.1f" % measure(model, tokens, batch, block, args.seconds), flush=True)
    if args.only in (None, "lstm"):
        m, hidden, batch, block = (int(v) for v in args.lstm.split(","))
        model = CharLSTM(args.vocab, m, hidden)
        print("lstm %.1f" % measure(model, tokens, batch, block, args.seconds), flush=True)


if __name__ == "__main__":
    main()
