"""PyTorch's CPU matmul on the sizes of `bin/minillm bench matmul`, for comparison.

Usage: python3 bench_matmul.py --threads 1,2 --sizes 64,128,256 [--seconds 0.25] [--rounds 3] [--warmup 0.3]
Prints a comment line "# torch <version>, ..." and then one line per thread count and size,
"<threads> <n> <best seconds>", for the Java benchmark to read; exits with status 3 when PyTorch is
not installed. Like the Java side: float32, random n×n matrices, a warm-up in the first round, then
rounds over all thread counts and sizes, each timing at least 3 runs for at least --seconds; the
best run counts.
"""
import argparse
import ctypes
import re
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


def blas(torch):
    """The library behind torch.mm on the CPU, as the build reports it (MKL, OpenBLAS, ...)."""
    try:
        found = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
        return found.group(1) if found else "unknown BLAS"
    except Exception:  # an unusual build: the figure is still worth having
        return "unknown BLAS"


def openblas():
    """The system OpenBLAS this process has loaded, or None.

    A PyTorch built against the system BLAS (Debian's python3-torch: BLAS_INFO=generic) calls an
    OpenBLAS with its own thread pool, which torch.set_num_threads does not reach: "1 thread"
    would still multiply on every core. Its thread count is set directly instead.
    """
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps if "blas" in line.split()[-1]})
    except OSError:  # not Linux
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_set_num_threads  # raises AttributeError when absent
            return lib
        except (OSError, AttributeError):
            continue
    return None


def describe_openblas(lib):
    """Version and the kernels it chose for this CPU, e.g. "0.3.21, Cooperlake kernels"."""
    try:
        lib.openblas_get_config.restype = ctypes.c_char_p
        lib.openblas_get_corename.restype = ctypes.c_char_p
        version = lib.openblas_get_config().decode().split()[1]
        return f"{version}, {lib.openblas_get_corename().decode()} kernels, threads set directly"
    except (AttributeError, IndexError, UnicodeDecodeError):
        return "(threads set directly)"


def set_threads(torch, lib, n):
    torch.set_num_threads(n)
    if lib is not None:
        lib.openblas_set_num_threads(n)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", required=True, help="comma-separated thread counts, e.g. 1,2")
    parser.add_argument("--sizes", required=True, help="comma-separated square sizes")
    parser.add_argument("--seconds", type=float, default=0.25, help="timed runs per size and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all sizes; each size keeps its best")
    parser.add_argument("--warmup", type=float, default=0.3, help="seconds of warm-up per size in the first round")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed", file=sys.stderr)
        sys.exit(3)
    threads = [int(t) for t in args.threads.split(",")]
    sizes = [int(s) for s in args.sizes.split(",")]
    generator = torch.Generator().manual_seed(0)
    torch.mm(torch.ones(2, 2), torch.ones(2, 2))  # loads the BLAS library
    lib = openblas()
    library = blas(torch) if lib is None else "OpenBLAS " + describe_openblas(lib)
    print(f"# torch {torch.__version__} ({library}), on {' and '.join(map(str, threads))} threads", flush=True)
    matrices = {}
    for n in sizes:
        a = torch.randn(n, n, generator=generator, dtype=torch.float32)
        b = torch.randn(n, n, generator=generator, dtype=torch.float32)
        matrices[n] = (a, b, torch.empty(n, n, dtype=torch.float32))
    best = {}
    for r in range(args.rounds):
        for t in threads:
            set_threads(torch, lib, t)
            for n in sizes:
                a, b, c = matrices[n]
                run = lambda: torch.mm(a, b, out=c)
                if r == 0:
                    best_time(run, 1, args.warmup)
                key = (t, n)
                best[key] = min(best.get(key, float("inf")), best_time(run, 3, args.seconds))
    for t in threads:
        for n in sizes:
            print(t, n, best[(t, n)], flush=True)


if __name__ == "__main__":
    main()
