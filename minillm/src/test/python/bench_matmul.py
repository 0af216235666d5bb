"""PyTorch's CPU matmul on the sizes of `bin/minillm bench matmul`, for comparison.

Usage: python3 bench_matmul.py --threads 2 --sizes 64,128,256 [--seconds 0.25] [--rounds 3]
Prints one line per size, "<n> <best seconds>", for the Java benchmark to read; exits with status 3
when PyTorch is not installed. Like the Java side: float32, random n×n matrices, a warm-up, then
rounds over all sizes, each timing at least 3 runs for at least --seconds; the best run counts.
"""
import argparse
import sys
import time


def best_time(run, runs, seconds):
    best = float("inf")
    start = time.perf_counter()
    i = 0
    while i < runs or time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
        i += 1
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--sizes", required=True, help="comma-separated square sizes")
    parser.add_argument("--seconds", type=float, default=0.25, help="timed runs per size and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all sizes; each size keeps its best")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed", file=sys.stderr)
        sys.exit(3)
    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(0)
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads", flush=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    best = {}
    for r in range(args.rounds):
        for n in sizes:
            a = torch.randn(n, n, generator=generator, dtype=torch.float32)
            b = torch.randn(n, n, generator=generator, dtype=torch.float32)
            c = torch.empty(n, n, dtype=torch.float32)
            run = lambda: torch.mm(a, b, out=c)
            best_time(run, 2, 0.3 if r == 0 else 0)  # warm-up
            best[n] = min(best.get(n, float("inf")), best_time(run, 3, args.seconds))
    for n in sizes:
        print(n, best[n], flush=True)


if __name__ == "__main__":
    main()
