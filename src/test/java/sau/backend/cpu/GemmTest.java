package sau.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GemmTest {

    /** One problem: sizes, transposes, and padding around every matrix to test ld and offsets. */
    private record Case(boolean transA, boolean transB, int m, int n, int k, int pad, float beta) {}

    private static final int[][] SIZES = {
        {1, 1, 1}, {7, 13, 5}, {33, 65, 17}, {129, 31, 257}, {6, 16, 256}, {5, 40, 300}, {1, 300, 70},
    };

    @Test
    void matchesReferenceForAllTransposesAndOddSizes() {
        for (int[] s : SIZES) {
            for (int t = 0; t < 4; t++) {
                for (float beta : new float[] {0f, 1f, 0.5f}) {
                    check(new Case((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 0, beta));
                    check(new Case((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 3, beta));
                }
            }
        }
    }

    @Test
    void crossesEveryBlockBoundary() {
        // Larger than MC, a block's depth and (with AVX2 and AVX-512) several NR panels, with
        // edges everywhere; shallower than DEEP (blocks of SHALLOW_KC), and deeper (blocks of KC).
        check(new Case(false, false, Gemm.MC + 7, 3 * Gemm.NR + 5, Gemm.KC + 9, 1, 1f));
        check(new Case(true, true, Gemm.MC + 7, 3 * Gemm.NR + 5, Gemm.KC + 9, 0, 0f));
        check(new Case(true, false, Gemm.MC + 7, 3 * Gemm.NR + 5, Gemm.DEEP + Gemm.KC / 2 + 9, 1, 0.5f));
        // B transposed with a last panel of whole blocks of 8 columns: transposed, then zeros.
        check(new Case(false, true, 13, 2 * Gemm.NR + 8, Gemm.KC + 9, 0, 1f));
    }

    @Test
    void prePackedAGivesTheSameBits() {
        // Packed once, then used for the product: exactly what packing on the way computes,
        // on one thread and sliced over two (tall: by rows; wide: by columns).
        final int saved = Parallel.threads();
        try {
            for (Case cs : new Case[] {
                    new Case(false, false, Gemm.MC + 7, 3 * Gemm.NR + 5, Gemm.KC + 9, 1, 1f),
                    new Case(true, true, 301, 97, 300, 2, 0f),
                    new Case(true, false, 13, 2000, 2 * Gemm.KC + 3, 0, 0.5f),
                    new Case(false, true, 5, 7, 3, 0, 0f),
                    // large enough that the threads pack A's panels side by side
                    new Case(false, false, 301, 40, 1000, 0, 1f),
                    new Case(true, false, 301, 40, 1000, 1, 0f)}) {
                for (int threads : new int[] {1, 2}) {
                    final float[] expected = run(cs, threads);
                    final Inputs in = inputs(cs);
                    final Gemm.PackedA packed = Gemm.pack(cs.transA, cs.m, cs.k, in.a, in.aOff, in.lda, new float[1]);
                    Gemm.gemm(packed, cs.transB, cs.n, in.b, in.bOff, in.ldb, cs.beta, in.c, in.cOff, in.ldc);
                    assertArrayEquals(expected, in.c, cs + " on " + threads + " threads");
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void tilesStartOnCacheLinesOnlyWhenThatIsCheap() {
        // C's element 0 lies HEADER floats into a line, so 4 columns left of it is a line start;
        // on wide C at the price of a column of tiles, which only 8-float vectors pay.
        assertEquals(Gemm.PAID_SHIFT ? Gemm.HEADER : 0, Gemm.lead(9, Gemm.WIDE * Gemm.NR, 0, Gemm.WIDE * Gemm.NR), "wide C");
        assertEquals(0, Gemm.lead(9, Gemm.WIDE * Gemm.NR, Gemm.LINE - Gemm.HEADER, Gemm.WIDE * Gemm.NR), "already on a line");
        assertEquals(0, Gemm.lead(9, Gemm.WIDE * Gemm.NR, 0, Gemm.WIDE * Gemm.NR + 1), "rows start at different places in a line");
        assertEquals(Gemm.HEADER, Gemm.lead(1, 100, 0, 101), "a single row has one place");
        assertEquals(Gemm.HEADER, Gemm.lead(9, 2 * Gemm.NR - Gemm.HEADER, 0, 2 * Gemm.NR), "no extra column of tiles");
        assertEquals(0, Gemm.lead(9, 2 * Gemm.NR, 0, 2 * Gemm.NR), "an extra column of tiles on narrow C");
    }

    @Test
    void tilesLeftOfCGiveTheSameBits() {
        // C at every offset within a line: the tiles start from 0 to 15 columns left of C, and
        // each element must still be summed exactly as with no shift (offset LINE - HEADER), on
        // one thread and with the columns split over two, for both layouts of B.
        final int saved = Parallel.threads();
        try {
            final int m = Gemm.MR + 3, n = Gemm.WIDE * Gemm.NR + 5, k = Gemm.KC + 9, ldc = n + Gemm.LINE - n % Gemm.LINE;
            for (boolean transB : new boolean[] {false, true}) {
                final Inputs in = inputs(new Case(false, transB, m, n, k, 0, 1f));
                final float[] c0 = random(new SplittableRandom(7), m * ldc);
                final float[] reference = product(in, transB, m, n, k, c0, Gemm.LINE - Gemm.HEADER, ldc, 1);
                final float[] naive = Arrays.copyOf(c0, c0.length);
                Gemm.gemmReference(false, transB, m, n, k, in.a, in.aOff, in.lda, in.b, in.bOff, in.ldb, 1f, naive, 0, ldc);
                for (int i = 0; i < naive.length; i++) {
                    assertEquals(naive[i], reference[i], 4 * k * Math.ulp(1f), "transB " + transB + ", C[" + i + "]");
                }
                for (int cOff = 0; cOff < Gemm.LINE; cOff++) {
                    for (int threads : new int[] {1, 2}) {
                        assertArrayEquals(reference, product(in, transB, m, n, k, c0, cOff, ldc, threads),
                                "transB " + transB + ", C at offset " + cOff + " on " + threads + " threads");
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** {@code c0 + op(A)·op(B)} computed with C placed at {@code cOff}; returns C without the offset. */
    private static float[] product(Inputs in, boolean transB, int m, int n, int k, float[] c0, int cOff, int ldc, int threads) {
        Parallel.setThreads(threads);
        final float[] c = new float[cOff + c0.length];
        System.arraycopy(c0, 0, c, cOff, c0.length);
        Gemm.gemm(false, transB, m, n, k, in.a, in.aOff, in.lda, in.b, in.bOff, in.ldb, 1f, c, cOff, ldc);
        return Arrays.copyOfRange(c, cOff, c.length);
    }

    @Test
    void sumsRunInTheOrderOfTheDepthBlocks() {
        // The same bits as a scalar loop in the order of inBlockOrder, on one thread or two.
        // Products shallower than DEEP keep blocks of SHALLOW_KC, the sums that small models and
        // the tests that train them were made with.
        final int saved = Parallel.threads();
        try {
            for (int k : new int[] {300, 1000, Gemm.DEEP, 2 * Gemm.KC + 5}) {
                assertEquals(Math.ceilDiv(k, k >= Gemm.DEEP ? Gemm.KC : Gemm.SHALLOW_KC), Gemm.depthBlocks(k), "blocks of depth " + k);
                for (float beta : new float[] {0f, 1f, 0.5f}) {
                    // The deeper ones big enough to be sliced over two threads.
                    final Case cs = new Case(k % 2 == 0, false, 4 * Gemm.MR + 1, 8 * Gemm.NR + 3, k, 1, beta);
                    final Inputs in = inputs(cs);
                    final float[] expected = Arrays.copyOf(in.c, in.c.length);
                    for (int i = 0; i < cs.m; i++) {
                        for (int j = 0; j < cs.n; j++) expected[in.cOff + i * in.ldc + j] = inBlockOrder(cs, in, i, j);
                    }
                    for (int threads : new int[] {1, 2}) {
                        assertArrayEquals(expected, run(cs, threads), cs + " on " + threads + " threads");
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /**
     * Element (i, j) of C as {@link Gemm} sums it: block by block ({@link Gemm#depthBlocks}), each
     * block's products fused-multiply-added in order of depth from zero, then added to C (to
     * beta·C for the first block).
     */
    private static float inBlockOrder(Case cs, Inputs in, int i, int j) {
        final int blocks = Gemm.depthBlocks(cs.k);
        float c = in.c[in.cOff + i * in.ldc + j];
        for (int block = 0; block < blocks; block++) {
            float sum = 0f;
            for (int p = Parallel.chunkStart(cs.k, blocks, block); p < Parallel.chunkStart(cs.k, blocks, block + 1); p++) {
                final float a = cs.transA ? in.a[in.aOff + p * in.lda + i] : in.a[in.aOff + i * in.lda + p];
                final float b = cs.transB ? in.b[in.bOff + j * in.ldb + p] : in.b[in.bOff + p * in.ldb + j];
                sum = Math.fma(a, b, sum);
            }
            c = block > 0 ? sum + c : cs.beta == 0f ? sum : sum + cs.beta * c;
        }
        return c;
    }

    @Test
    void zeroDepthScalesC() {
        final float[] c = {1f, 2f, Float.NaN, 4f};
        Gemm.gemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f}, c);
        final float[] d = {1f, 2f, 3f, 4f};
        Gemm.gemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, 2f, d, 0, 2);
        assertArrayEquals(new float[] {2f, 4f, 6f, 8f}, d);
    }

    @Test
    void emptyOutputIsANoOp() {
        final float[] c = {7f};
        Gemm.gemm(false, false, 0, 5, 3, new float[0], 0, 3, new float[15], 0, 5, 0f, c, 0, 5);
        Gemm.gemm(false, false, 5, 0, 3, new float[15], 0, 3, new float[0], 0, 1, 0f, c, 0, 1);
        assertEquals(7f, c[0]);
    }

    @Test
    void aTransposedAMayEndAtItsLastValue() {
        // op(A) = Aᵀ with A stored 48 × 18 in rows 29 apart, in an array that ends right after
        // A's last value: packing reads A's columns 8 at a time, and must not read past m on
        // the last row. Rows 12–17 of op(A) are a whole panel of 6 with only 6 columns left.
        final int m = 18, n = 40, k = 48, lda = 29;
        final SplittableRandom rng = new SplittableRandom(5);
        final float[] a = random(rng, (k - 1) * lda + m), b = random(rng, k * n);
        final float[] c = new float[m * n], expected = new float[m * n];
        Gemm.gemm(true, false, m, n, k, a, 0, lda, b, 0, n, 0f, c, 0, n);
        Gemm.gemmReference(true, false, m, n, k, a, 0, lda, b, 0, n, 0f, expected, 0, n);
        for (int i = 0; i < c.length; i++) assertEquals(expected[i], c[i], 4 * k * Math.ulp(1f), "C[" + i / n + "][" + i % n + "]");
    }

    @Test
    void rejectsArraysThatAreTooSmall() {
        assertThrows(IllegalArgumentException.class, () ->
                Gemm.gemm(false, false, 2, 2, 2, new float[3], 0, 2, new float[4], 0, 2, 0f, new float[4], 0, 2));
        assertThrows(IllegalArgumentException.class, () ->
                Gemm.gemm(false, false, 2, 2, 2, new float[4], 0, 1, new float[4], 0, 2, 0f, new float[4], 0, 2));
    }

    @Test
    void theTransposedProductIsTheExactTranspose() {
        // Conv2dKernel computes a weight gradient as (cols · dYᵀ)ᵀ instead of dY · colsᵀ: the same
        // products added in the same order, so the same bits, through edges, several depth
        // blocks, an accumulation (beta 1) and either slicing over threads.
        final int saved = Parallel.threads();
        try {
            final SplittableRandom random = new SplittableRandom(11);
            for (int[] size : new int[][] {{13, 150, 2 * Gemm.KC + 7}, {64, 576, 300}, {7, 5, 9}}) {
                final int m = size[0], n = size[1], k = size[2];
                final float[] a = new float[m * k], b = new float[n * k];
                for (int i = 0; i < a.length; i++) a[i] = (float) random.nextDouble(-1, 1);
                for (int i = 0; i < b.length; i++) b[i] = (float) random.nextDouble(-1, 1);
                for (int threads : new int[] {1, 2}) {
                    Parallel.setThreads(threads);
                    final float[] c = new float[m * n], ct = new float[n * m];
                    for (float beta : new float[] {0f, 1f}) {
                        Gemm.gemm(false, true, m, n, k, a, 0, k, b, 0, k, beta, c, 0, n);
                        Gemm.gemm(false, true, n, m, k, b, 0, k, a, 0, k, beta, ct, 0, m);
                    }
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            assertEquals(c[i * n + j], ct[j * m + i], m + "×" + n + "×" + k + " on " + threads + " threads at " + i + ", " + j);
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void resultDoesNotDependOnThreadCount() {
        final int saved = Parallel.threads();
        try {
            // Tall (split by rows) and short-and-wide (split by columns), both big enough to be
            // split at all; deep, four depth blocks and twice as tall as wide, so that the shared
            // packing of B goes round both its buffers twice, in two pieces each.
            final Case tall = new Case(false, true, 301, 97, 300, 0, 0f);
            final Case wide = new Case(false, false, 13, 2000, 400, 0, 1f);
            final Case deep = new Case(false, false, 32 * Gemm.NR + 7, 16 * Gemm.NR + 3, 3 * Gemm.KC + 5, 1, 1f);
            // Its sums checked bit for bit in one element of every tile (every 5th row, 31st column).
            final Inputs in = inputs(deep);
            final float[] c = run(deep, 2);
            for (int i = 0; i < deep.m; i += 5) {
                for (int j = 0; j < deep.n; j += 31) assertEquals(inBlockOrder(deep, in, i, j), c[in.cOff + i * in.ldc + j], "deep, C[" + i + "][" + j + "]");
            }
            for (Case cs : new Case[] {tall, wide, deep, transposedA(tall), transposedA(wide)}) {
                assertTrue((long) cs.m * cs.n * cs.k >= Gemm.PARALLEL_WORK, cs + " would run on one thread");
                final float[] one = run(cs, 1);
                assertArrayEquals(one, run(cs, 2), cs + " on 2 threads");
                assertArrayEquals(one, run(cs, 3), cs + " on 3 threads");
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    private static Case transposedA(Case cs) {
        return new Case(!cs.transA, cs.transB, cs.m, cs.n, cs.k, cs.pad, cs.beta);
    }

    /** Runs the fast GEMM on the case's deterministic inputs with the given thread count; returns C. */
    private static float[] run(Case cs, int threads) {
        Parallel.setThreads(threads);
        final Inputs in = inputs(cs);
        Gemm.gemm(cs.transA, cs.transB, cs.m, cs.n, cs.k, in.a, in.aOff, in.lda,
                in.b, in.bOff, in.ldb, cs.beta, in.c, in.cOff, in.ldc);
        return in.c;
    }

    private record Inputs(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc) {}

    /** Random A, B and C for a case; with beta 0, C is filled with NaN, which must be ignored. */
    private static Inputs inputs(Case cs) {
        final SplittableRandom rng = new SplittableRandom(cs.m * 31L + cs.n * 17L + cs.k);
        final int aRows = cs.transA ? cs.k : cs.m, aCols = cs.transA ? cs.m : cs.k;
        final int bRows = cs.transB ? cs.n : cs.k, bCols = cs.transB ? cs.k : cs.n;
        final int lda = aCols + cs.pad, ldb = bCols + 2 * cs.pad, ldc = cs.n + cs.pad;
        final int aOff = cs.pad, bOff = 2 * cs.pad, cOff = cs.pad;
        final float[] a = random(rng, aOff + aRows * lda + cs.pad);
        final float[] b = random(rng, bOff + bRows * ldb + cs.pad);
        final float[] c = random(rng, cOff + cs.m * ldc + cs.pad);
        if (cs.beta == 0f) {
            for (int i = 0; i < cs.m; i++) Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + cs.n, Float.NaN);
        }
        return new Inputs(a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    private static float[] random(SplittableRandom rng, int size) {
        final float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }

    private static void check(Case cs) {
        final Inputs fast = inputs(cs);
        final Inputs ref = inputs(cs);
        Gemm.gemm(cs.transA, cs.transB, cs.m, cs.n, cs.k, fast.a, fast.aOff, fast.lda,
                fast.b, fast.bOff, fast.ldb, cs.beta, fast.c, fast.cOff, fast.ldc);
        Gemm.gemmReference(cs.transA, cs.transB, cs.m, cs.n, cs.k, ref.a, ref.aOff, ref.lda,
                ref.b, ref.bOff, ref.ldb, cs.beta, ref.c, ref.cOff, ref.ldc);
        // Inputs are in [-1, 1]: a sum of k products has rounding error of order k·eps.
        final float tolerance = 4 * cs.k * Math.ulp(1f) + 1e-6f;
        for (int i = 0; i < fast.c.length; i++) {
            final float x = fast.c[i], y = ref.c[i];
            final boolean same = Float.compare(x, y) == 0;
            if (!same && !(Math.abs(x - y) <= tolerance * Math.max(1f, Math.abs(y)))) {
                fail(cs + ": C[" + i + "] is " + x + ", reference " + y);
            }
        }
    }
}
