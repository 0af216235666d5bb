#!/usr/bin/env python3
"""Golden tensors from PyTorch for the Java tests of dev.minillm.rnn (chapter 5).

Writes into the output folder (default: ../resources/golden/rnn next to this script):

  cells.safetensors   one step of nn.RNNCell, nn.LSTMCell and nn.GRUCell from a given state:
                      the new state and the gradients of the input, the state and every parameter
                      for the loss sum(h * r) (+ sum(c * q) for the LSTM)
  layers.safetensors  nn.RNN, nn.LSTM and nn.GRU (one layer, batch_first) over 5 steps: outputs,
                      last state, and the gradients
  ssm.safetensors     the diagonal linear state-space layer h_t = a*h_{t-1} + B x_t,
                      y_t = C h_t + D x_t with a = sigmoid(theta), written as the plain loop
  rnn_lm.safetensors  the char-LSTM language model (embedding, LSTM, linear head) on two consecutive
                      batches, the second starting from the first's final state, detached
                      (truncated backpropagation through time)

PyTorch's weight_ih / bias_ih / weight_hh / bias_hh are stored under the Java names input.weight /
input.bias / recurrent.weight / recurrent.bias. Reuses values() and save() from nn_golden.py.

Usage: python3 rnn_golden.py [output-folder]
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # no __pycache__ next to the committed scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nn_golden import ints, save, values  # noqa: E402

torch.set_num_threads(1)

JAVA_NAMES = {"weight_ih": "input.weight", "bias_ih": "input.bias",
              "weight_hh": "recurrent.weight", "bias_hh": "recurrent.bias"}


def java_name(name):
    """weight_ih_l0 -> input.weight; rnn.weight_hh_l0 -> rnn.cell.recurrent.weight."""
    prefix, _, last = name.rpartition(".")
    base = last.removesuffix("_l0")
    java = JAVA_NAMES.get(base, last)
    if last.endswith("_l0"):
        java = "cell." + java
    return prefix + "." + java if prefix else java


def fill(module, seed, low=-0.6, high=0.6):
    with torch.no_grad():
        for index, (_, p) in enumerate(module.named_parameters()):
            p.copy_(values(seed + index, tuple(p.shape), low, high))


def parameters(module, prefix=""):
    return {prefix + java_name(name): p for name, p in module.named_parameters()}


def cells():
    tensors = {}
    batch, inputs, hidden = 3, 4, 5
    for index, (kind, make) in enumerate((("rnn", torch.nn.RNNCell), ("lstm", torch.nn.LSTMCell),
                                          ("gru", torch.nn.GRUCell))):
        seed = 600 + 100 * index
        cell = make(inputs, hidden)
        fill(cell, seed)
        params = parameters(cell)
        tensors.update({f"{kind}.initial.{name}": p.detach().clone() for name, p in params.items()})
        x = values(seed + 50, (batch, inputs)).requires_grad_(True)
        h = values(seed + 51, (batch, hidden), -1, 1).requires_grad_(True)
        r = values(seed + 52, (batch, hidden))
        tensors.update({f"{kind}.x": x.detach(), f"{kind}.h": h.detach(), f"{kind}.r": r})
        if kind == "lstm":
            c = values(seed + 53, (batch, hidden), -1, 1).requires_grad_(True)
            q = values(seed + 54, (batch, hidden))
            h1, c1 = cell(x, (h, c))
            (h1 * r).sum().add((c1 * q).sum()).backward()
            tensors.update({f"{kind}.c": c.detach(), f"{kind}.q": q, f"{kind}.out.c": c1, f"{kind}.grad.c": c.grad})
        else:
            h1 = cell(x, h)
            (h1 * r).sum().backward()
        tensors.update({f"{kind}.out.h": h1, f"{kind}.grad.x": x.grad, f"{kind}.grad.h": h.grad})
        tensors.update({f"{kind}.grad.{name}": p.grad for name, p in params.items()})
    return tensors


def layers():
    tensors = {}
    batch, time, inputs, hidden = 2, 5, 3, 4
    for index, (kind, make) in enumerate((("rnn", torch.nn.RNN), ("lstm", torch.nn.LSTM), ("gru", torch.nn.GRU))):
        seed = 1000 + 100 * index
        layer = make(inputs, hidden, batch_first=True)
        fill(layer, seed)
        params = parameters(layer)
        tensors.update({f"{kind}.initial.{name}": p.detach().clone() for name, p in params.items()})
        x = values(seed + 50, (batch, time, inputs)).requires_grad_(True)
        h0 = values(seed + 51, (batch, hidden), -1, 1).requires_grad_(True)
        r = values(seed + 52, (batch, time, hidden))
        rh = values(seed + 53, (batch, hidden))
        tensors.update({f"{kind}.x": x.detach(), f"{kind}.h0": h0.detach(), f"{kind}.r": r, f"{kind}.rh": rh})
        if kind == "lstm":
            c0 = values(seed + 54, (batch, hidden), -1, 1).requires_grad_(True)
            rc = values(seed + 55, (batch, hidden))
            out, (hn, cn) = layer(x, (h0.unsqueeze(0), c0.unsqueeze(0)))
            loss = (out * r).sum() + (hn[0] * rh).sum() + (cn[0] * rc).sum()
            loss.backward()
            tensors.update({f"{kind}.c0": c0.detach(), f"{kind}.rc": rc, f"{kind}.out.c": cn[0],
                            f"{kind}.grad.c0": c0.grad})
        else:
            out, hn = layer(x, h0.unsqueeze(0))
            ((out * r).sum() + (hn[0] * rh).sum()).backward()
        tensors.update({f"{kind}.out.outputs": out, f"{kind}.out.h": hn[0], f"{kind}.grad.x": x.grad,
                        f"{kind}.grad.h0": h0.grad})
        tensors.update({f"{kind}.grad.{name}": p.grad for name, p in params.items()})
    return tensors


def ssm():
    batch, time, inputs, state, outputs = 2, 7, 3, 4, 2
    theta = values(1500, (state,), -1, 3).requires_grad_(True)
    B = values(1501, (state, inputs), -0.6, 0.6).requires_grad_(True)
    C = values(1502, (outputs, state), -0.6, 0.6).requires_grad_(True)
    D = values(1503, (outputs, inputs), -0.6, 0.6).requires_grad_(True)
    x = values(1504, (batch, time, inputs)).requires_grad_(True)
    tensors = {"initial.decay_logit": theta.detach().clone(), "initial.B": B.detach().clone(),
               "initial.C": C.detach().clone(), "initial.D": D.detach().clone(), "x": x.detach().clone()}
    a = torch.sigmoid(theta)
    h = torch.zeros(batch, state)
    ys = []
    for t in range(time):
        h = a * h + x[:, t] @ B.T
        ys.append(h @ C.T + x[:, t] @ D.T)
    y = torch.stack(ys, 1)  # (B, T, O)
    r = values(1505, tuple(y.shape))
    (y * r).sum().backward()
    tensors.update({"out": y, "r": r, "grad.x": x.grad, "grad.decay_logit": theta.grad, "grad.B": B.grad,
                    "grad.C": C.grad, "grad.D": D.grad})
    return tensors


class CharLstm(torch.nn.Module):
    def __init__(self, vocab, embedding, hidden):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, embedding)
        self.rnn = torch.nn.LSTM(embedding, hidden, batch_first=True)
        self.head = torch.nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        out, state = self.rnn(self.embedding(x), state)
        return self.head(out), state


def rnn_lm():
    vocab, embedding, hidden, batch, time = 9, 5, 6, 2, 5
    model = CharLstm(vocab, embedding, hidden)
    fill(model, 1600)
    params = parameters(model)
    tensors = {f"initial.{name}": p.detach().clone() for name, p in params.items()}
    state = None
    for part in range(2):
        inputs = ints(1650 + 2 * part, batch * time, vocab).reshape(batch, time)
        targets = ints(1651 + 2 * part, batch * time, vocab).reshape(batch, time)
        model.zero_grad()
        logits, state = model(inputs.long(), state)
        loss = F.cross_entropy(logits.reshape(-1, vocab), targets.long().reshape(-1))
        loss.backward()
        state = tuple(s.detach() for s in state)  # truncated BPTT: carry the memory, not the graph
        tensors.update({f"batch{part}.inputs": inputs, f"batch{part}.targets": targets, f"batch{part}.loss": loss})
        tensors.update({f"batch{part}.grad.{name}": p.grad.clone() for name, p in params.items()})
    return tensors


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "resources", "golden", "rnn")
    os.makedirs(folder, exist_ok=True)
    metadata = {"generator": "minillm/src/test/python/rnn_golden.py", "torch": torch.__version__}
    for name, make in (("cells", cells), ("layers", layers), ("ssm", ssm), ("rnn_lm", rnn_lm)):
        tensors = make()
        save(os.path.join(folder, name + ".safetensors"), tensors, metadata)
        print(f"{name}.safetensors: {len(tensors)} tensors")


if __name__ == "__main__":
    main()
