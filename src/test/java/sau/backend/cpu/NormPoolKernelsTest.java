package sau.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import sau.backend.cpu.Pool2dKernel.Window;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/** Batch norm, pooling and upsampling kernels against their scalar references, on odd shapes. */
class NormPoolKernelsTest {

    private final Generator gen = new Generator(11);

    private float[] randn(int n, float mean, float std) {
        final float[] v = Tensor.randn(gen, n).toArray();
        for (int i = 0; i < n; i++) v[i] = mean + std * v[i];
        return v;
    }

    /** {N, C, inner}: vector loops with tails, inner shorter than a vector, plain features, and enough work to split. */
    private static final int[][] BN_SHAPES = {{3, 5, 37}, {4, 3, 5}, {7, 6, 1}, {2, 1, 8}, {16, 3, 4099}};

    @Test
    void batchNormTrainingForwardAndBackwardMatchReference() {
        for (int[] s : BN_SHAPES) {
            final int n = s[0], c = s[1], inner = s[2], numel = n * c * inner;
            final float[] x = randn(numel, 0.5f, 2f), g = randn(numel, 0, 1), w = randn(c, 1, 0.5f), b = randn(c, 0, 1);
            final float[][] ref = BatchNormKernel.forwardTrainingReference(x, n, c, inner, w, b, 1e-5f);
            final float[] mean = new float[c], var = new float[c], invStd = new float[c], y = new float[numel + 3];
            // an offset into a bigger array, as for a view
            final float[] xShifted = new float[numel + 3];
            System.arraycopy(x, 0, xShifted, 3, numel);
            BatchNormKernel.statistics(xShifted, 3, n, c, inner, mean, var);
            assertArrayEquals(ref[1], mean, 1e-5f, "mean " + java.util.Arrays.toString(s));
            assertArrayEquals(ref[2], var, 1e-4f, "var " + java.util.Arrays.toString(s));
            for (int k = 0; k < c; k++) invStd[k] = (float) (1 / Math.sqrt(var[k] + 1e-5));
            BatchNormKernel.normalize(xShifted, 3, y, 3, n, c, inner, mean, invStd, w, b);
            assertArrayEquals(ref[0], java.util.Arrays.copyOfRange(y, 3, numel + 3), 1e-4f, "y " + java.util.Arrays.toString(s));

            for (boolean training : new boolean[] {true, false}) {
                final float[][] bref = BatchNormKernel.backwardReference(x, g, n, c, inner, mean, invStd, w, training);
                final float[] sumG = new float[c], sumGXhat = new float[c], dx = new float[numel];
                BatchNormKernel.gradSums(x, 0, g, 0, n, c, inner, mean, invStd, sumG, sumGXhat);
                BatchNormKernel.inputGrad(x, 0, g, 0, dx, 0, n, c, inner, mean, invStd, w, sumG, sumGXhat, training);
                assertArrayEquals(bref[0], dx, 2e-4f, "dx " + training + " " + java.util.Arrays.toString(s));
                assertArrayEquals(bref[1], sumGXhat, 2e-3f, "dw " + java.util.Arrays.toString(s));
                assertArrayEquals(bref[2], sumG, 2e-3f, "db " + java.util.Arrays.toString(s));
            }
        }
    }

    @Test
    void batchNormVarianceSurvivesALargeMean() {
        // x = 1000 + small noise: E[x²] − E[x]² in float would lose every digit of the variance
        final int n = 8, c = 2, inner = 333;
        final float[] x = randn(n * c * inner, 1000f, 0.05f);
        final float[] ref = BatchNormKernel.forwardTrainingReference(x, n, c, inner, null, null, 1e-5f)[2];
        final float[] mean = new float[c], var = new float[c];
        BatchNormKernel.statistics(x, 0, n, c, inner, mean, var);
        for (int k = 0; k < c; k++) assertEquals(ref[k], var[k], 1e-3 * ref[k], "channel " + k);
    }

    @Test
    void batchNormGivesTheSameBitsOnAnyNumberOfThreads() {
        final int n = 16, c = 5, inner = 3001, numel = n * c * inner;
        final float[] x = randn(numel, 0, 1), g = randn(numel, 0, 1);
        final int before = Parallel.threads();
        float[][] first = null;
        try {
            for (int t = 1; t <= 3; t++) {
                Parallel.setThreads(t);
                final float[] mean = new float[c], var = new float[c], sumG = new float[c], sumGXhat = new float[c];
                BatchNormKernel.statistics(x, 0, n, c, inner, mean, var);
                BatchNormKernel.gradSums(x, 0, g, 0, n, c, inner, mean, var, sumG, sumGXhat);
                final float[][] now = {mean, var, sumG, sumGXhat};
                if (first == null) first = now;
                else for (int k = 0; k < now.length; k++) assertArrayEquals(first[k], now[k], 0f, t + " threads");
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    private record PoolCase(int planes, int h, int w, Window wh, Window ww, boolean ceil) {}

    private static final PoolCase[] POOLS = {
        new PoolCase(3, 7, 9, new Window(2, 2, 0, 1), new Window(2, 2, 0, 1), false),
        new PoolCase(2, 7, 9, new Window(3, 2, 1, 1), new Window(3, 2, 1, 1), true),
        new PoolCase(2, 6, 5, new Window(3, 2, 0, 1), new Window(2, 2, 1, 1), true),   // last window partly outside
        new PoolCase(4, 5, 5, new Window(2, 2, 1, 1), new Window(2, 2, 1, 1), true),   // ceil would start in the right padding
        new PoolCase(2, 9, 8, new Window(3, 1, 1, 2), new Window(2, 3, 1, 2), false),  // dilation
        new PoolCase(1, 11, 13, new Window(5, 3, 2, 1), new Window(4, 1, 2, 1), true),
    };

    @Test
    void maxPoolMatchesReference() {
        for (PoolCase p : POOLS) {
            final int outH = p.wh.outputSize(p.h, p.ceil), outW = p.ww.outputSize(p.w, p.ceil);
            final float[] x = randn(p.planes * p.h * p.w, 0, 1);
            final int[] refIdx = new int[p.planes * outH * outW];
            final float[] ref = Pool2dKernel.maxForwardReference(x, p.planes, p.h, p.w, p.wh, p.ww, outH, outW, refIdx);
            final float[] y = new float[ref.length], idx = new float[refIdx.length];
            Pool2dKernel.maxForward(x, 0, y, idx, p.planes, p.h, p.w, p.wh, p.ww, outH, outW);
            assertArrayEquals(ref, y, 0f, p.toString());
            assertArrayEquals(refIdx, indices(idx), p.toString());
        }
    }

    @Test
    void maxPoolPropagatesNaN() {
        final float[] x = {1, Float.NaN, 3, 4};
        final float[] y = new float[1], idx = new float[1];
        Pool2dKernel.maxForward(x, 0, y, idx, 1, 2, 2, new Window(2, 2, 0, 1), new Window(2, 2, 0, 1), 1, 1);
        assertEquals(Float.NaN, y[0]);
        assertEquals(1, Pool2dKernel.floatAsIndex(idx[0]));
    }

    /** The direct 2×2 stride-2 loop: first largest tap, the last NaN wins, −∞ everywhere still gives a tap. */
    @Test
    void maxPool2x2KeepsTheGeneralRules() {
        final float nan = Float.NaN, inf = Float.NEGATIVE_INFINITY;
        final float[] x = {
            1, nan, 3, 3, inf, inf, 5, 2, 9,
            4, 2, 3, 1, inf, inf, 5, nan, 0,
            nan, 7, 0, 0, 2, 2, 1, 1, 1,
            7, nan, 0, 0, 2, 2, 1, 1, 1,
            8, 8, 8, 8, 8, 8, 8, 8, 8};
        final Window w = new Window(2, 2, 0, 1);
        final int[] refIdx = new int[8];
        final float[] ref = Pool2dKernel.maxForwardReference(x, 1, 5, 9, w, w, 2, 4, refIdx);
        final float[] y = new float[8], idx = new float[8];
        Pool2dKernel.maxForward(x, 0, y, idx, 1, 5, 9, w, w, 2, 4);
        assertArrayEquals(ref, y, 0f);
        assertArrayEquals(refIdx, indices(idx));
        assertArrayEquals(new int[] {1, 2, 4, 16, 28, 20, 22, 24}, indices(idx));
    }

    @Test
    void avgPoolMatchesReference() {
        for (PoolCase p : POOLS) {
            if (p.wh.dilation() != 1 || p.ww.dilation() != 1) continue;
            final int outH = p.wh.outputSize(p.h, p.ceil), outW = p.ww.outputSize(p.w, p.ceil);
            final float[] x = randn(p.planes * p.h * p.w, 0, 1);
            for (boolean includePad : new boolean[] {true, false}) {
                final float[] ref = Pool2dKernel.avgForwardReference(x, p.planes, p.h, p.w, p.wh, p.ww, outH, outW, includePad);
                final float[] y = new float[ref.length];
                Pool2dKernel.avgForward(x, 0, y, p.planes, p.h, p.w, p.wh, p.ww, outH, outW, includePad);
                assertArrayEquals(ref, y, 1e-5f, p + " includePad=" + includePad);
            }
        }
    }

    @Test
    void outputSizesFollowPyTorch() {
        assertEquals(2, new Window(2, 2, 0, 1).outputSize(5, false));
        assertEquals(3, new Window(2, 2, 0, 1).outputSize(5, true));
        assertEquals(3, new Window(2, 2, 1, 1).outputSize(5, false));
        assertEquals(3, new Window(2, 2, 1, 1).outputSize(5, true)); // a 4th window would start in the right padding
        assertEquals(3, new Window(3, 2, 0, 1).outputSize(6, true));
        assertEquals(2, new Window(3, 2, 0, 1).outputSize(6, false));
        assertEquals(5, new Window(3, 1, 1, 2).outputSize(7, false));
    }

    @Test
    void adaptiveAvgPoolMatchesReference() {
        final int[][] sizes = {{7, 9, 3, 4}, {5, 5, 3, 3}, {6, 4, 6, 4}, {3, 2, 5, 7}, {13, 11, 1, 1}};
        for (int[] s : sizes) {
            final float[] x = randn(3 * s[0] * s[1], 0, 1);
            final float[] ref = Pool2dKernel.adaptiveAvgForwardReference(x, 3, s[0], s[1], s[2], s[3]);
            final float[] y = new float[ref.length];
            Pool2dKernel.adaptiveAvgForward(x, 0, y, 3, s[0], s[1], s[2], s[3]);
            assertArrayEquals(ref, y, 1e-5f, java.util.Arrays.toString(s));
        }
    }

    @Test
    void upsamplingMatchesReference() {
        // {inH, inW, outH, outW}: exact ×2, fractional, downsampling, to size 1
        final int[][] sizes = {{3, 5, 6, 10}, {4, 3, 7, 8}, {9, 7, 4, 3}, {2, 3, 1, 1}, {5, 5, 5, 5}};
        for (int[] s : sizes) {
            final float[] x = randn(2 * s[0] * s[1], 0, 1);
            final double rh = (double) s[0] / s[2], rw = (double) s[1] / s[3];
            final float[] y = new float[2 * s[2] * s[3]];
            UpsampleKernel.nearestForward(x, 0, y, 2, s[0], s[1], s[2], s[3], rh, rw);
            assertArrayEquals(UpsampleKernel.nearestForwardReference(x, 2, s[0], s[1], s[2], s[3], rh, rw), y, 0f, "nearest " + java.util.Arrays.toString(s));
            for (boolean align : new boolean[] {false, true}) {
                UpsampleKernel.bilinearForward(x, 0, y, 2, s[0], s[1], s[2], s[3], align, rh, rw);
                assertArrayEquals(UpsampleKernel.bilinearForwardReference(x, 2, s[0], s[1], s[2], s[3], align, rh, rw), y, 1e-5f,
                        "bilinear align=" + align + " " + java.util.Arrays.toString(s));
            }
        }
    }

    /**
     * The vector lanes of the 2×2 pool, against the reference: rows of 74 pixels (several vectors
     * and a tail of single windows, with 8 or 16 lanes) and rows of exactly one vector (two rows
     * of windows per vector, and an odd last row on its own); many ties, NaNs and −∞ in every
     * position of a window.
     */
    @Test
    void maxPool2x2VectorLanesKeepTheRules() {
        final int lanes = FloatVector.SPECIES_PREFERRED.length();
        final SplittableRandom rng = new SplittableRandom(11);
        final Window win = new Window(2, 2, 0, 1);
        for (int[] size : new int[][] {{6, 74}, {11, lanes}}) {
            final int planes = 3, h = size[0], w = size[1], outH = h / 2, outW = w / 2;
            final float[] x = new float[planes * h * w];
            for (int i = 0; i < x.length; i++) {
                final int pick = rng.nextInt(12);
                x[i] = pick == 0 ? Float.NaN : pick == 1 ? Float.NEGATIVE_INFINITY : rng.nextInt(3);
            }
            final int[] refIdx = new int[planes * outH * outW];
            final float[] ref = Pool2dKernel.maxForwardReference(x, planes, h, w, win, win, outH, outW, refIdx);
            final float[] y = new float[ref.length], idx = new float[ref.length];
            Pool2dKernel.maxForward(x, 0, y, idx, planes, h, w, win, win, outH, outW);
            assertArrayEquals(ref, y, 0f, h + "x" + w);
            assertArrayEquals(refIdx, indices(idx), h + "x" + w);
        }
    }

    /** Indices kept as float bits come back exactly, also past 2^24 where a float value could not hold them. */
    @Test
    void maxPoolIndicesSurviveAFloatArray() {
        final int[] indices = {0, 1, 77, 1 << 23, (1 << 24) + 1, 0x7F7FFFFF};
        final float[] stored = new float[indices.length];
        for (int i = 0; i < indices.length; i++) stored[i] = Pool2dKernel.indexAsFloat(indices[i]);
        assertArrayEquals(indices, indices(java.util.Arrays.copyOf(stored, stored.length)));
    }

    private static int[] indices(float[] stored) {
        final int[] out = new int[stored.length];
        for (int i = 0; i < out.length; i++) out[i] = Pool2dKernel.floatAsIndex(stored[i]);
        return out;
    }
}
