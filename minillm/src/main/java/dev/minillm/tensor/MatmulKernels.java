package dev.minillm.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The SIMD kernel of {@link Matmul}, with the Vector API: loaded only when the
 * {@code jdk.incubator.vector} module is present (see {@code Simd.AVAILABLE}).
 *
 * <p>The structure is the one of BLIS and GotoBLAS, in three layers:
 * <ol>
 *   <li>A <b>micro-kernel</b> computes an MR×NR tile of C (6 rows × 2 vectors) held in 12 vector
 *       registers for the whole sum over p. Each step loads 2 vectors of B and 6 numbers of A and
 *       does 12 fused multiply-adds (FMA: a·b + c in one instruction, one rounding), so the
 *       arithmetic, not the memory, sets the pace. 12 independent sums also hide the FMA's latency
 *       (4 cycles): the core can start one every cycle because none waits for the previous one.</li>
 *   <li><b>Packing</b>: before use, a KC×NC block of B and an MC×KC block of A are copied into
 *       buffers laid out in the exact order the micro-kernel reads them (B by panels of NR columns,
 *       A by panels of MR rows), zero-padded to whole panels. The micro-kernel then reads both
 *       strictly sequentially, whatever the original layout: a transposed operand only changes how
 *       packing reads it, and the edges of C are the only place that needs care about sizes.</li>
 *   <li><b>Cache blocking</b>: a panel of packed B (KC×NR floats) stays in the L1 cache while
 *       every row panel of the A block uses it, and the packed A block (MC×KC) stays in L2.</li>
 * </ol>
 */
final class MatmulKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector register: 16 with AVX-512, 8 with AVX2. */
    private static final int LANES = SPECIES.length();

    /** Rows of C per micro-kernel tile. */
    static final int MR = 6;
    /** Columns of C per micro-kernel tile: two vectors. */
    static final int NR = 2 * LANES;
    /** Depth of a packed block: a KC×NR panel of B is 32 KiB with AVX-512 (16 KiB with AVX2), L1-sized. */
    static final int KC = 256;
    /** Rows of A per packed block: MC×KC floats (96 KiB) stay in L2. A multiple of MR. */
    static final int MC = 96;
    /** Columns of B per packed block: KC×NC floats (2 MiB with AVX-512) stay in L3. A multiple of NR. */
    static final int NC = 64 * NR;
    /** Up to this many rows, the direct kernels run: packing B would cost as much as using it once. */
    static final int FEW_ROWS = 4;

    /**
     * Each thread's buffers, reused from call to call: packed A and packed B (grown to the largest
     * block met so far) and one MR×NR tile for the edges of C.
     */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(
            () -> new float[][] {new float[0], new float[0], new float[MR * NR]});

    private MatmulKernels() {}

    /** C = A·B for any strides of A and B; C row-major. */
    static void multiply(Matmul.Operands x) {
        if (x.m() <= FEW_ROWS) {
            if (x.bRowStride() == 1 && x.aColStride() == 1) { // A·Bᵀ: rows of A meet rows of the stored B
                dotRows(x);
                return;
            }
            if (x.bColStride() == 1) {
                axpyRows(x);
                return;
            }
        }
        packed(x);
    }

    /** The packed, register-blocked kernel, for any strides. */
    private static void packed(Matmul.Operands x) {
        int m = x.m(), k = x.k(), n = x.n();
        float[][] buffers = BUFFERS.get();
        int kc0 = Math.min(KC, k);
        if (buffers[0].length < roundUp(Math.min(MC, m), MR) * kc0) {
            buffers[0] = new float[roundUp(Math.min(MC, m), MR) * kc0];
        }
        if (buffers[1].length < roundUp(Math.min(NC, n), NR) * kc0) {
            buffers[1] = new float[roundUp(Math.min(NC, n), NR) * kc0];
        }
        float[] packedA = buffers[0], packedB = buffers[1], edge = buffers[2];
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean accumulate = pc > 0; // the first block overwrites C, later ones add to it
                packB(x, pc, kc, jc, nc, packedB);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(x, ic, mc, pc, kc, packedA);
                    // jr outside, ir inside: one panel of B (in L1) meets every panel of A (in L2).
                    for (int jr = 0; jr < nc; jr += NR) {
                        for (int ir = 0; ir < mc; ir += MR) {
                            microKernel(kc, packedA, ir * kc, packedB, jr * kc, x.c(), x.cIndex(ic + ir, jc + jr),
                                    x.cRowStride(), Math.min(MR, mc - ir), Math.min(NR, nc - jr), accumulate, edge);
                        }
                    }
                }
            }
        }
    }

    private static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    /**
     * Copies B[pc:pc+kc, jc:jc+nc] into panels of NR columns: panel q holds, for each p, the NR
     * numbers B(pc+p, jc+q·NR ..), contiguous. Columns past nc are zeros, so the micro-kernel
     * always computes whole tiles. The loops follow B's contiguous direction, whatever its layout.
     */
    private static void packB(Matmul.Operands x, int pc, int kc, int jc, int nc, float[] packed) {
        float[] b = x.b();
        int rowStride = x.bRowStride(), colStride = x.bColStride();
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int panel = jr * kc;
            int src = x.bOffset() + pc * rowStride + (jc + jr) * colStride;
            if (cols < NR) {
                Arrays.fill(packed, panel, panel + kc * NR, 0f); // the padding columns stay zero
            }
            if (colStride == 1 && cols == NR) { // row-major B: each row of a panel is two vector copies
                for (int p = 0; p < kc; p++) {
                    FloatVector.fromArray(SPECIES, b, src + p * rowStride).intoArray(packed, panel + p * NR);
                    FloatVector.fromArray(SPECIES, b, src + p * rowStride + LANES).intoArray(packed, panel + p * NR + LANES);
                }
            } else if (colStride == 1) {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, src + p * rowStride, packed, panel + p * NR, cols);
                }
            } else { // B stored transposed: walk each stored row (a column of B) along p
                for (int j = 0; j < cols; j++) {
                    for (int p = 0; p < kc; p++) {
                        packed[panel + p * NR + j] = b[src + j * colStride + p * rowStride];
                    }
                }
            }
        }
    }

    /** Copies A[ic:ic+mc, pc:pc+kc] into panels of MR rows: for each p, the MR numbers A(ic+q·MR .., pc+p). */
    private static void packA(Matmul.Operands x, int ic, int mc, int pc, int kc, float[] packed) {
        float[] a = x.a();
        int rowStride = x.aRowStride(), colStride = x.aColStride();
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int panel = ir * kc;
            int src = x.aOffset() + (ic + ir) * rowStride + pc * colStride;
            if (rows < MR) {
                Arrays.fill(packed, panel, panel + kc * MR, 0f); // the padding rows stay zero
            }
            if (colStride == 1) { // row-major A: read each row left to right
                for (int r = 0; r < rows; r++) {
                    for (int p = 0; p < kc; p++) {
                        packed[panel + p * MR + r] = a[src + r * rowStride + p];
                    }
                }
            } else { // A stored transposed: the MR numbers of one p sit side by side
                for (int p = 0; p < kc; p++) {
                    for (int r = 0; r < rows; r++) {
                        packed[panel + p * MR + r] = a[src + p * colStride + r * rowStride];
                    }
                }
            }
        }
    }

    /**
     * C[6 × 2 vectors] (+)= packed A panel · packed B panel, over kc steps. The twelve accumulators
     * are separate local variables, not an array, so the JIT keeps them in registers; the loop is
     * written out by hand for the same reason.
     */
    private static void microKernel(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int cRowStride,
                                    int rows, int cols, boolean accumulate, float[] edge) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + LANES);
            FloatVector a0 = FloatVector.broadcast(SPECIES, a[ai]); // A(r, p) in every lane
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(SPECIES, a[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(SPECIES, a[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        if (rows == MR && cols == NR) {
            storeRow(c00, c01, c, ci, accumulate);
            storeRow(c10, c11, c, ci + cRowStride, accumulate);
            storeRow(c20, c21, c, ci + 2 * cRowStride, accumulate);
            storeRow(c30, c31, c, ci + 3 * cRowStride, accumulate);
            storeRow(c40, c41, c, ci + 4 * cRowStride, accumulate);
            storeRow(c50, c51, c, ci + 5 * cRowStride, accumulate);
            return;
        }
        // An edge tile, partly outside C. Masked stores could write just the inside part, but a
        // mask that reaches past the end of the array sends the JIT to a slow path that also slows
        // every later call (100× measured). So the whole tile goes to a scratch buffer, and the
        // part inside C is copied from there.
        c00.intoArray(edge, 0);
        c01.intoArray(edge, LANES);
        c10.intoArray(edge, NR);
        c11.intoArray(edge, NR + LANES);
        c20.intoArray(edge, 2 * NR);
        c21.intoArray(edge, 2 * NR + LANES);
        c30.intoArray(edge, 3 * NR);
        c31.intoArray(edge, 3 * NR + LANES);
        c40.intoArray(edge, 4 * NR);
        c41.intoArray(edge, 4 * NR + LANES);
        c50.intoArray(edge, 5 * NR);
        c51.intoArray(edge, 5 * NR + LANES);
        for (int r = 0; r < rows; r++) {
            int row = ci + r * cRowStride;
            for (int j = 0; j < cols; j++) {
                c[row + j] = accumulate ? c[row + j] + edge[r * NR + j] : edge[r * NR + j];
            }
        }
    }

    /** Writes (or adds) one full row of a tile to C. */
    private static void storeRow(FloatVector lo, FloatVector hi, float[] c, int at, boolean accumulate) {
        if (accumulate) {
            lo = lo.add(FloatVector.fromArray(SPECIES, c, at));
            hi = hi.add(FloatVector.fromArray(SPECIES, c, at + LANES));
        }
        lo.intoArray(c, at);
        hi.intoArray(c, at + LANES);
    }

    // ---------------------------------------------------------------- few rows (a vector times a matrix)

    /**
     * C(i, j) = row i of A · row j of the stored Bᵀ, four rows of B at a time: each vector of A is
     * loaded once for four FMAs, and the four sums are reduced across lanes only once, at the end.
     * Reading B is the whole cost here (each number is used once), so B is read once, in order.
     */
    private static void dotRows(Matmul.Operands x) {
        float[] a = x.a(), b = x.b(), c = x.c();
        int k = x.k(), n = x.n(), bRow = x.bColStride(); // stored B is n×k: row j starts at j*bRow
        int upper = SPECIES.loopBound(k);
        for (int i = 0; i < x.m(); i++) {
            int ai = x.aOffset() + i * x.aRowStride();
            int ci = x.cIndex(i, 0);
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                int b0 = x.bOffset() + j * bRow, b1 = b0 + bRow, b2 = b1 + bRow, b3 = b2 + bRow;
                FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
                int p = 0;
                for (; p < upper; p += LANES) {
                    FloatVector av = FloatVector.fromArray(SPECIES, a, ai + p);
                    s0 = av.fma(FloatVector.fromArray(SPECIES, b, b0 + p), s0);
                    s1 = av.fma(FloatVector.fromArray(SPECIES, b, b1 + p), s1);
                    s2 = av.fma(FloatVector.fromArray(SPECIES, b, b2 + p), s2);
                    s3 = av.fma(FloatVector.fromArray(SPECIES, b, b3 + p), s3);
                }
                float d0 = s0.reduceLanes(VectorOperators.ADD), d1 = s1.reduceLanes(VectorOperators.ADD);
                float d2 = s2.reduceLanes(VectorOperators.ADD), d3 = s3.reduceLanes(VectorOperators.ADD);
                for (; p < k; p++) { // the tail of k that does not fill a vector
                    d0 += a[ai + p] * b[b0 + p];
                    d1 += a[ai + p] * b[b1 + p];
                    d2 += a[ai + p] * b[b2 + p];
                    d3 += a[ai + p] * b[b3 + p];
                }
                c[ci + j] = d0;
                c[ci + j + 1] = d1;
                c[ci + j + 2] = d2;
                c[ci + j + 3] = d3;
            }
            for (; j < n; j++) { // the last 0-3 rows of B, one at a time
                int bj = x.bOffset() + j * bRow;
                FloatVector s0 = FloatVector.zero(SPECIES);
                int p = 0;
                for (; p < upper; p += LANES) {
                    s0 = FloatVector.fromArray(SPECIES, a, ai + p).fma(FloatVector.fromArray(SPECIES, b, bj + p), s0);
                }
                float d0 = s0.reduceLanes(VectorOperators.ADD);
                for (; p < k; p++) {
                    d0 += a[ai + p] * b[bj + p];
                }
                c[ci + j] = d0;
            }
        }
    }

    /**
     * Row i of C = Σ_p A(i, p) · row p of B, for B with contiguous rows: a strip of 4 vectors of
     * C stays in registers while p runs down B, so C is written once and B is read in rows. The
     * rows of A come inside the strip loop, so the strip of B (k × 4 vectors) they all read is
     * still in the L2 cache for the second row.
     */
    private static void axpyRows(Matmul.Operands x) {
        float[] a = x.a(), b = x.b(), c = x.c();
        int m = x.m(), k = x.k(), n = x.n(), bRow = x.bRowStride(), aCol = x.aColStride();
        int strip = 4 * LANES;
        int j = 0;
        for (; j + strip <= n; j += strip) {
            for (int i = 0; i < m; i++) {
                int ai = x.aOffset() + i * x.aRowStride();
                FloatVector s0 = FloatVector.zero(SPECIES), s1 = s0, s2 = s0, s3 = s0;
                for (int p = 0, bp = x.bOffset() + j; p < k; p++, bp += bRow) {
                    FloatVector av = FloatVector.broadcast(SPECIES, a[ai + p * aCol]);
                    s0 = av.fma(FloatVector.fromArray(SPECIES, b, bp), s0);
                    s1 = av.fma(FloatVector.fromArray(SPECIES, b, bp + LANES), s1);
                    s2 = av.fma(FloatVector.fromArray(SPECIES, b, bp + 2 * LANES), s2);
                    s3 = av.fma(FloatVector.fromArray(SPECIES, b, bp + 3 * LANES), s3);
                }
                int ci = x.cIndex(i, j);
                s0.intoArray(c, ci);
                s1.intoArray(c, ci + LANES);
                s2.intoArray(c, ci + 2 * LANES);
                s3.intoArray(c, ci + 3 * LANES);
            }
        }
        for (; j + LANES <= n; j += LANES) { // the last whole vectors of columns
            for (int i = 0; i < m; i++) {
                int ai = x.aOffset() + i * x.aRowStride();
                FloatVector s0 = FloatVector.zero(SPECIES);
                for (int p = 0, bp = x.bOffset() + j; p < k; p++, bp += bRow) {
                    s0 = FloatVector.broadcast(SPECIES, a[ai + p * aCol]).fma(FloatVector.fromArray(SPECIES, b, bp), s0);
                }
                s0.intoArray(c, x.cIndex(i, j));
            }
        }
        for (; j < n; j++) { // fewer columns than a vector: scalar (no masks, see microKernel)
            for (int i = 0; i < m; i++) {
                int ai = x.aOffset() + i * x.aRowStride();
                float sum = 0f;
                for (int p = 0, bp = x.bOffset() + j; p < k; p++, bp += bRow) {
                    sum += a[ai + p * aCol] * b[bp];
                }
                c[x.cIndex(i, j)] = sum;
            }
        }
    }

    /**
     * GFLOP/s of the calling thread doing nothing but FMAs on 12 independent registers: the speed
     * limit of a core, which matmul can approach only when memory keeps up. {@code steps} rounds of
     * 12 vector FMAs, each 2 operations per lane.
     */
    static double fmaGflops(long steps) {
        FloatVector scale = FloatVector.broadcast(SPECIES, 0.999999f), shift = FloatVector.broadcast(SPECIES, 1e-7f);
        FloatVector x0 = FloatVector.broadcast(SPECIES, 1f), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0;
        FloatVector x6 = x0, x7 = x0, x8 = x0, x9 = x0, x10 = x0, x11 = x0;
        long start = System.nanoTime();
        for (long s = 0; s < steps; s++) {
            x0 = x0.fma(scale, shift);
            x1 = x1.fma(scale, shift);
            x2 = x2.fma(scale, shift);
            x3 = x3.fma(scale, shift);
            x4 = x4.fma(scale, shift);
            x5 = x5.fma(scale, shift);
            x6 = x6.fma(scale, shift);
            x7 = x7.fma(scale, shift);
            x8 = x8.fma(scale, shift);
            x9 = x9.fma(scale, shift);
            x10 = x10.fma(scale, shift);
            x11 = x11.fma(scale, shift);
        }
        long nanos = System.nanoTime() - start;
        // Use the results, or the JIT would remove the loop as dead code.
        sink = x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7).add(x8).add(x9).add(x10).add(x11)
                .reduceLanes(VectorOperators.ADD);
        return 12.0 * 2 * LANES * steps / nanos;
    }

    @SuppressWarnings("unused")
    private static volatile float sink;
}
