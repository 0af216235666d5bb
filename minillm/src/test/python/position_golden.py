#!/usr/bin/env python3
"""Golden tensors from PyTorch for the Java tests of dev.minillm.position (chapter 8).

Writes positions.safetensors into the output folder (default: ../resources/golden/position next
to this script), computed the way the reference code bases do it, not the way the Java does:

  sinusoidal            the table of "Attention Is All You Need" for 10 positions in 12 dimensions
                        (as in the PyTorch tutorial: div_term = exp(arange(0, C, 2) * -ln(10000) / C))
  rope.x                queries or keys (B = 2, nh = 2, T = 7, hs = 8), random in [-2, 2]
  rope.interleaved      x turned as Meta's Llama does it: pairs (2i, 2i+1) as complex numbers times
                        exp(i·p·theta_i) (torch.polar, view_as_complex), theta 10000
  rope.half             x turned as Hugging Face's Llama does it: x·cos + rotate_half(x)·sin
  rope.scaled           rope.half with position interpolation, positions p / 4 (theta 500000)
  rope.grad_interleaved the gradient of sum(rope.interleaved · rope.projection) with respect to x
  rope.grad_half        the same for rope.half
  alibi.slopes6         ALiBi's slopes for 6 heads (the paper's get_slopes, not a power of two)
  alibi.slopes8         ... for 8 heads
  alibi.bias6           the (6, T = 5, T) bias: -m_h·(i - j) below the diagonal, 0 above
  alibi.q, .k, .v       (1, 6, 5, 4); alibi.output = softmax(q·kᵀ/2 + bias, causal)·v, and
  alibi.grad_q, .grad_k, .grad_v the gradients of sum(output · alibi.projection)

Usage: python3 position_golden.py [output-folder]   (needs PyTorch: sudo apt-get install python3-torch)
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nn_golden import save, values  # noqa: E402  (the shared safetensors writer and seeded inputs)

torch.set_num_threads(1)  # one thread: sums are always added in the same order


def sinusoidal(length, dim):
    position = torch.arange(length, dtype=torch.float64).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, dim, 2, dtype=torch.float64) * (-math.log(10000.0) / dim))
    table = torch.zeros(length, dim, dtype=torch.float64)
    table[:, 0::2] = torch.sin(position * div_term)
    table[:, 1::2] = torch.cos(position * div_term)
    return table.float()


def freqs_cis(head_size, length, theta, scale=1.0):
    freqs = 1.0 / (theta ** (torch.arange(0, head_size, 2, dtype=torch.float64)[: head_size // 2] / head_size))
    t = torch.arange(length, dtype=torch.float64) / scale
    return torch.polar(torch.ones(length, head_size // 2, dtype=torch.float64), torch.outer(t, freqs))


def rope_interleaved(x, theta=10000.0):  # Meta's llama/model.py apply_rotary_emb
    xc = torch.view_as_complex(x.double().reshape(*x.shape[:-1], -1, 2))
    return torch.view_as_real(xc * freqs_cis(x.shape[-1], x.shape[-2], theta)).flatten(-2).float()


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def rope_half(x, theta=10000.0, scale=1.0):  # Hugging Face's modeling_llama apply_rotary_pos_emb
    angles = torch.angle(freqs_cis(x.shape[-1], x.shape[-2], theta, scale))
    emb = torch.cat((angles, angles), dim=-1)
    return (x.double() * emb.cos() + rotate_half(x.double()) * emb.sin()).float()


def get_slopes(n):  # the ALiBi paper's code
    def power_of_2(n):
        start = 2 ** (-2 ** -(math.log2(n) - 3))
        return [start * start ** i for i in range(n)]

    if math.log2(n).is_integer():
        return power_of_2(n)
    closest = 2 ** math.floor(math.log2(n))
    return power_of_2(closest) + get_slopes(2 * closest)[0::2][: n - closest]


def alibi_bias(slopes, length):
    i = torch.arange(length).unsqueeze(1)
    j = torch.arange(length).unsqueeze(0)
    distance = (i - j).clamp(min=0).double()
    return (-torch.tensor(slopes, dtype=torch.float64).view(-1, 1, 1) * distance).float()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "resources", "golden", "position")
    os.makedirs(folder, exist_ok=True)
    tensors = {"sinusoidal": sinusoidal(10, 12)}

    x = values(800, (2, 2, 7, 8))
    projection = values(801, (2, 2, 7, 8))
    tensors["rope.x"] = x
    tensors["rope.projection"] = projection
    for name, turn in (("interleaved", rope_interleaved), ("half", rope_half)):
        leaf = x.clone().requires_grad_(True)
        out = turn(leaf)
        (out * projection).sum().backward()
        tensors["rope." + name] = out.detach()
        tensors["rope.grad_" + name] = leaf.grad
    tensors["rope.scaled"] = rope_half(x, theta=500000.0, scale=4.0)

    slopes6 = get_slopes(6)
    tensors["alibi.slopes6"] = torch.tensor(slopes6, dtype=torch.float32)
    tensors["alibi.slopes8"] = torch.tensor(get_slopes(8), dtype=torch.float32)
    bias = alibi_bias(slopes6, 5)
    tensors["alibi.bias6"] = bias
    q, k, v = (values(810 + n, (1, 6, 5, 4)).requires_grad_(True) for n in range(3))
    scores = q @ k.transpose(-2, -1) / math.sqrt(4) + bias
    scores = scores.masked_fill(torch.ones(5, 5).triu(1).bool(), float("-inf"))
    output = scores.softmax(-1) @ v
    alibi_projection = values(813, (1, 6, 5, 4))
    (output * alibi_projection).sum().backward()
    tensors.update({"alibi.q": q.detach(), "alibi.k": k.detach(), "alibi.v": v.detach(),
                    "alibi.output": output.detach(), "alibi.projection": alibi_projection,
                    "alibi.grad_q": q.grad, "alibi.grad_k": k.grad, "alibi.grad_v": v.grad})

    metadata = {"generator": "minillm/src/test/python/position_golden.py", "torch": torch.__version__}
    save(os.path.join(folder, "positions.safetensors"), tensors, metadata)
    print(f"positions.safetensors: {len(tensors)} tensors")


if __name__ == "__main__":
    main()
