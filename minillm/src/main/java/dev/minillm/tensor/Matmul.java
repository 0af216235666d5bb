package dev.minillm.tensor;

import dev.minillm.common.Simd;

import java.util.Arrays;

/**
 * Matrix multiplication, C = A·B, on row-major float arrays: the one operation that takes most of
 * the time of training and running a language model.
 *
 * <p>Chapter 3 builds it five times, from the textbook triple loop to SIMD on every core (see
 * {@link Kernel}); {@code bin/minillm bench matmul} measures each in GFLOP/s. The methods without a
 * kernel argument pick the fastest one for the size, and every kernel gives the same answer up to
 * float rounding.
 *
 * <p>Matrices are slices of flat arrays: an m×k matrix starting at {@code aOffset} holds element
 * (i, p) at {@code a[aOffset + i*k + p]}. A transposed operand is the same numbers read with the
 * row and column strides swapped, so no copy is needed ({@link Operands}).
 */
public final class Matmul {

    /** The kernels of chapter 3, each faster than the one before on large matrices. */
    public enum Kernel {
        /** The definition as three loops i-j-p: one dot product per output. The readable reference. */
        NAIVE,
        /** The same arithmetic with the loops ordered i-p-j, so the inner loop walks rows of B and C. */
        LOOP_ORDER,
        /** LOOP_ORDER on tiles of B small enough to stay in cache while every row of A uses them. */
        BLOCKED,
        /** Packed tiles and a register-blocked Vector API micro-kernel: 6×2 vectors of C stay in registers. */
        SIMD,
        /** SIMD on every core: each worker computes whole bands of C, so results never depend on scheduling. */
        PARALLEL
    }

    /** Below this many multiply-adds (m·k·n) a worker pool costs more than it saves. */
    static final long PARALLEL_THRESHOLD = 1L << 18;

    private Matmul() {}

    // ---------------------------------------------------------------- the API: C = A·B, A·Bᵀ, Aᵀ·B

    /** C[m×n] = A[m×k]·B[k×n], all row-major; C is overwritten. Picks the fastest kernel for the size. */
    public static void multiply(float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset,
                                int m, int k, int n) {
        multiply(best(m, k, n), a, aOffset, b, bOffset, c, cOffset, m, k, n);
    }

    /** C[m×n] = A[m×k]·Bᵀ with B stored row-major as n×k (a linear layer's weight); C is overwritten. */
    public static void multiplyTransposedB(float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset,
                                           int m, int k, int n) {
        multiplyTransposedB(best(m, k, n), a, aOffset, b, bOffset, c, cOffset, m, k, n);
    }

    /** C[m×n] = Aᵀ·B[k×n] with A stored row-major as k×m (a weight gradient's shape); C is overwritten. */
    public static void multiplyTransposedA(float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset,
                                           int m, int k, int n) {
        multiplyTransposedA(best(m, k, n), a, aOffset, b, bOffset, c, cOffset, m, k, n);
    }

    /** {@link #multiply(float[], int, float[], int, float[], int, int, int, int)} with the given kernel. */
    public static void multiply(Kernel kernel, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset,
                                int m, int k, int n) {
        // A(i, p) = a[aOffset + i*k + p], B(p, j) = b[bOffset + p*n + j]
        run(kernel, new Operands(a, aOffset, k, 1, b, bOffset, n, 1, c, cOffset, n, m, k, n));
    }

    /** {@link #multiplyTransposedB(float[], int, float[], int, float[], int, int, int, int)} with the given kernel. */
    public static void multiplyTransposedB(Kernel kernel, float[] a, int aOffset, float[] b, int bOffset,
                                           float[] c, int cOffset, int m, int k, int n) {
        // B is stored n×k, so B(p, j) = b[bOffset + j*k + p]: row stride 1, column stride k.
        run(kernel, new Operands(a, aOffset, k, 1, b, bOffset, 1, k, c, cOffset, n, m, k, n));
    }

    /** {@link #multiplyTransposedA(float[], int, float[], int, float[], int, int, int, int)} with the given kernel. */
    public static void multiplyTransposedA(Kernel kernel, float[] a, int aOffset, float[] b, int bOffset,
                                           float[] c, int cOffset, int m, int k, int n) {
        // A is stored k×m, so A(i, p) = a[aOffset + p*m + i]: row stride 1, column stride m.
        run(kernel, new Operands(a, aOffset, 1, m, b, bOffset, n, 1, c, cOffset, n, m, k, n));
    }

    /** The kernel the plain methods use: threads only when the work pays for them. */
    static Kernel best(int m, int k, int n) {
        return (long) m * k * n >= PARALLEL_THRESHOLD && WorkerPool.THREADS > 1 ? Kernel.PARALLEL : Kernel.SIMD;
    }

    private static void run(Kernel kernel, Operands x) {
        x.check();
        if (x.k() == 0) { // an empty sum is zero; no kernel has to think about it
            for (int i = 0; i < x.m(); i++) {
                Arrays.fill(x.c(), x.cIndex(i, 0), x.cIndex(i, 0) + x.n(), 0f);
            }
            return;
        }
        switch (kernel) {
            case NAIVE -> naive(x);
            case LOOP_ORDER -> loopOrder(x);
            case BLOCKED -> blocked(x);
            case SIMD -> simd(x);
            case PARALLEL -> parallel(x);
        }
    }

    // ---------------------------------------------------------------- operands

    /**
     * The three matrices of C = A·B as slices of flat arrays, with strides: A(i, p) lives at
     * {@code a[aOffset + i*aRowStride + p*aColStride]}. Row-major A[m×k] has strides (k, 1); the
     * same array read as its transpose has strides (1, k). C is always row-major, with row stride
     * {@code cRowStride} (n, or more when C is a band of a wider matrix).
     */
    record Operands(float[] a, int aOffset, int aRowStride, int aColStride,
                    float[] b, int bOffset, int bRowStride, int bColStride,
                    float[] c, int cOffset, int cRowStride,
                    int m, int k, int n) {

        float a(int i, int p) {
            return a[aOffset + i * aRowStride + p * aColStride];
        }

        float b(int p, int j) {
            return b[bOffset + p * bRowStride + j * bColStride];
        }

        int cIndex(int i, int j) {
            return cOffset + i * cRowStride + j;
        }

        /** Rows [from, to) of C, with the rows of A they need; B is shared. */
        Operands rows(int from, int to) {
            return new Operands(a, aOffset + from * aRowStride, aRowStride, aColStride, b, bOffset, bRowStride,
                    bColStride, c, cIndex(from, 0), cRowStride, to - from, k, n);
        }

        /** Columns [from, to) of C, with the columns of B they need; A is shared. */
        Operands columns(int from, int to) {
            return new Operands(a, aOffset, aRowStride, aColStride, b, bOffset + from * bColStride, bRowStride,
                    bColStride, c, cIndex(0, from), cRowStride, m, k, to - from);
        }

        void check() {
            if (m < 0 || k < 0 || n < 0) {
                throw new IllegalArgumentException("matmul: sizes must not be negative, got m=" + m + ", k=" + k + ", n=" + n);
            }
            need("A", a, aOffset, (long) m * k, m + "×" + k);
            need("B", b, bOffset, (long) k * n, k + "×" + n);
            need("C", c, cOffset, (long) m * n, m + "×" + n);
        }

        private static void need(String name, float[] array, int offset, long size, String shape) {
            if (array == null) {
                throw new IllegalArgumentException("matmul: " + name + " is null");
            }
            if (offset < 0 || offset + size > array.length) {
                throw new IllegalArgumentException("matmul: " + name + " (" + shape + ") needs " + size
                        + " floats from offset " + offset + ", but its array has length " + array.length
                        + "; check the shapes and the offset");
            }
        }
    }

    // ---------------------------------------------------------------- 1. NAIVE

    /** C(i, j) = Σ_p A(i, p)·B(p, j): the definition, one dot product per output. */
    static void naive(Operands x) {
        for (int i = 0; i < x.m(); i++) {
            for (int j = 0; j < x.n(); j++) {
                float sum = 0f;
                for (int p = 0; p < x.k(); p++) {
                    sum += x.a(i, p) * x.b(p, j);
                }
                x.c()[x.cIndex(i, j)] = sum;
            }
        }
    }

    // ---------------------------------------------------------------- 2. LOOP_ORDER

    /**
     * The same sums, accumulated in another order. In NAIVE the inner loop reads B down a column:
     * every step jumps a whole row (n floats) ahead, so each step touches a new 64-byte cache line
     * and uses 4 of its bytes. With the loops ordered i-p-j, the inner loop adds A(i, p) times row p
     * of B to row i of C: both are read left to right, every cache line is used whole, and the
     * loop is simple enough for the JIT to compile into SIMD instructions (a few floats per
     * instruction; it still loads and stores C for every multiply-add, which SIMD avoids).
     *
     * <p>When B is stored transposed (A·Bᵀ) its rows are the columns we need, so the contiguous
     * order is the NAIVE one, i-j-p: a dot product of two rows.
     */
    static void loopOrder(Operands x) {
        float[] a = x.a(), b = x.b(), c = x.c();
        int m = x.m(), k = x.k(), n = x.n();
        if (x.bColStride() != 1) { // A·Bᵀ: row j of the stored B is column j of B
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int bj = x.bOffset() + j * x.bColStride();
                    float sum = 0f;
                    for (int p = 0; p < k; p++) {
                        sum += x.a(i, p) * b[bj + p];
                    }
                    c[x.cIndex(i, j)] = sum;
                }
            }
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = x.cIndex(i, 0);
            Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                addScaledRow(c, ci, x.a(i, p), b, x.bOffset() + p * x.bRowStride(), n);
            }
        }
    }

    /** row[at ..+length] += scale · source[from ..+length]: simple enough for the JIT to turn into SIMD code. */
    private static void addScaledRow(float[] row, int at, float scale, float[] source, int from, int length) {
        for (int j = 0; j < length; j++) {
            row[at + j] += scale * source[from + j];
        }
    }

    // ---------------------------------------------------------------- 3. BLOCKED

    /** BLOCKED's tile of B: 64 rows × 128 columns = 32 KiB, the L1 data cache of most x86 cores. */
    static final int TILE_K = 64, TILE_N = 128;

    /**
     * LOOP_ORDER reads all of B (k×n floats) once per row of A. When B outgrows a cache, every row
     * of A fetches it again from the next, slower level (L2, L3, then memory). Here B
     * is cut into tiles that fit in the L1 cache; each tile is copied once into a small contiguous
     * buffer (whatever B's layout) and then used by every row of A while it is still in cache.
     */
    static void blocked(Operands x) {
        float[] a = x.a(), c = x.c();
        int m = x.m(), k = x.k(), n = x.n();
        for (int i = 0; i < m; i++) {
            Arrays.fill(c, x.cIndex(i, 0), x.cIndex(i, 0) + n, 0f);
        }
        float[] tile = new float[TILE_K * TILE_N];
        for (int j0 = 0; j0 < n; j0 += TILE_N) {
            int nb = Math.min(TILE_N, n - j0);
            for (int p0 = 0; p0 < k; p0 += TILE_K) {
                int kb = Math.min(TILE_K, k - p0);
                for (int p = 0; p < kb; p++) { // tile = B[p0:p0+kb, j0:j0+nb], row-major
                    for (int j = 0; j < nb; j++) {
                        tile[p * nb + j] = x.b(p0 + p, j0 + j);
                    }
                }
                for (int i = 0; i < m; i++) {
                    int ci = x.cIndex(i, j0);
                    int ai = x.aOffset() + i * x.aRowStride() + p0 * x.aColStride();
                    for (int p = 0; p < kb; p++) {
                        addScaledRow(c, ci, a[ai + p * x.aColStride()], tile, p * nb, nb);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- 4. SIMD and 5. PARALLEL

    /** The Vector API kernel; BLOCKED when the jdk.incubator.vector module is absent. */
    static void simd(Operands x) {
        // MatmulKernels is only loaded when the module exists, so its Vector API imports never fail.
        if (Simd.AVAILABLE) {
            MatmulKernels.multiply(x);
        } else {
            blocked(x);
        }
    }

    /**
     * SIMD on every core. C is cut into one band per worker, along its longer side, and each worker
     * runs the single-core kernel on its band: no two workers write the same output, and each output
     * is summed in the same order as by SIMD, so the result is identical whatever the scheduling.
     * The bands are whole multiples of the micro-kernel's tile, and a band needs A's rows (or B's
     * columns) of its own plus all of the other operand, which every worker reads but none writes.
     */
    static void parallel(Operands x) {
        int workers = WorkerPool.THREADS;
        boolean byRows = x.m() >= x.n();
        int length = byRows ? x.m() : x.n();
        int unit = Simd.AVAILABLE ? (byRows ? MatmulKernels.MR : MatmulKernels.NR) : 1;
        int units = (length + unit - 1) / unit;
        int bands = Math.min(workers, units);
        if (bands <= 1) {
            simd(x);
            return;
        }
        WorkerPool.run(bands, band -> {
            int from = Math.min(length, (int) ((long) units * band / bands) * unit);
            int to = Math.min(length, (int) ((long) units * (band + 1) / bands) * unit);
            if (from < to) {
                simd(byRows ? x.rows(from, to) : x.columns(from, to));
            }
        });
    }
}
