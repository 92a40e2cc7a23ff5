package sau.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class SauKernelTest {

    private static final double C = Math.sqrt(2 / Math.PI);

    /** erf in double: the series of ErfTest, and ±1 where erfc is below 1e-17. */
    private static double erf(double z) {
        return Math.abs(z) > 6 ? Math.signum(z) : ErfTest.erfReference(z);
    }

    /** G in double. */
    private static double g(double x, double a, double n, SauVariant v) {
        final double gaussian = C / (2 * n) * Math.exp(-n * n * x * x / 2);
        final double first = switch (v) {
            case PAPER -> gaussian;
            case EXACT -> (1 - a) * gaussian;
            case ZERO_CENTRED -> x * gaussian;
        };
        return first + (1 + a) / 2 * x + (1 - a) / 2 * x * erf(n * x / Math.sqrt(2));
    }

    /** {∂G/∂x, ∂G/∂α, ∂G/∂n} in double, from the formulas in SauKernel's comments. */
    private static double[] derivatives(double x, double a, double n, SauVariant v) {
        final double e = Math.exp(-n * n * x * x / 2);
        final double erf = erf(n * x / Math.sqrt(2));
        final double smooth = (1 + a) / 2 + (1 - a) / 2 * erf;
        final double tail = x * (1 - erf) / 2;
        return switch (v) {
            case PAPER -> new double[] {
                smooth - a / 2 * n * x * C * e, tail, -C * e / 2 * (1 / (n * n) + a * x * x)};
            case EXACT -> new double[] {smooth, tail - C * e / (2 * n), -(1 - a) * C * e / (2 * n * n)};
            case ZERO_CENTRED -> new double[] {
                smooth + C * e * (1 / (2 * n) + n * x * ((1 - a) / 2 - x / 2)),
                tail,
                C * e * x * (x * ((1 - a) / 2 - x / 2) - 1 / (2 * n * n))};
        };
    }

    // ---- (a) the reference table: PAPER, α = 0.15, values computed in float64 ----

    private static final double[][] TABLE = {
        // n, x, G, ∂G/∂x, ∂G/∂α
        {1, -1.0, -4.288624132260e-02, 3.211525745196e-01, -8.413447460685e-01},
        {1, 0.5, 7.209368728058e-01, 7.113381925756e-01, 1.542687693630e-01},
        {20000, 1.0e-05, 2.597584222901e-05, 6.306394722040e-01, 4.207402905609e-06},
        {20000, -5.0e-05, -2.144312066130e-06, 3.211525745196e-01, -4.206723730343e-05},
    };

    @Test
    void matchesTheReferenceTable() {
        final float[] alpha = {0.15f};
        for (double[] row : TABLE) {
            final float n = (float) row[0];
            final float[] x = {(float) row[1]};
            // The double formulas of this test, at the exact table x.
            assertEquals(row[2], g(row[1], 0.15, row[0], SauVariant.PAPER), 1e-12 * Math.abs(row[2]));
            final double[] d = derivatives(row[1], 0.15, row[0], SauVariant.PAPER);
            assertEquals(row[3], d[0], 1e-12 * Math.abs(row[3]));
            assertEquals(row[4], d[1], 1e-12 * Math.abs(row[4]));

            // The float kernels, fast and reference.
            final float[] y = new float[1];
            final float[] gradX = new float[1];
            final float[] gradAlpha = new float[1];
            SauKernel.forward(x, 0, y, 0, 1, 1, 1, alpha, n, SauVariant.PAPER);
            SauKernel.backward(x, 0, new float[] {1}, 0, gradX, 0, 1, 1, 1, alpha, n, SauVariant.PAPER, gradAlpha, null);
            assertRelative(row[2], y[0], "G at n = " + n + ", x = " + x[0]);
            assertRelative(row[3], gradX[0], "dG/dx at n = " + n + ", x = " + x[0]);
            assertRelative(row[4], gradAlpha[0], "dG/dalpha at n = " + n + ", x = " + x[0]);

            SauKernel.forwardReference(x, 0, y, 0, 1, 1, 1, alpha, n, SauVariant.PAPER);
            gradAlpha[0] = 0;
            SauKernel.backwardReference(x, 0, new float[] {1}, 0, gradX, 0, 1, 1, 1, alpha, n, SauVariant.PAPER,
                    gradAlpha, null);
            assertRelative(row[2], y[0], "reference G at n = " + n + ", x = " + x[0]);
            assertRelative(row[3], gradX[0], "reference dG/dx at n = " + n + ", x = " + x[0]);
            assertRelative(row[4], gradAlpha[0], "reference dG/dalpha at n = " + n + ", x = " + x[0]);
        }
    }

    private static void assertRelative(double expected, float actual, String what) {
        assertEquals(expected, actual, 1e-6 * Math.abs(expected), what);
    }

    // ---- (c) the derivative formulas against central differences of G, in double ----

    @Test
    void derivativesMatchFiniteDifferences() {
        final double[][] points = {{1, -1.3}, {1, 0.4}, {2.5, -0.2}, {2.5, 1.7}, {0.3, 3.1}, {20000, 3e-5}, {20000, -7e-6}};
        for (SauVariant v : SauVariant.values()) {
            for (double a : new double[] {0.15, -0.3, 0.8}) {
                for (double[] p : points) {
                    final double n = p[0];
                    final double x = p[1];
                    final double[] d = derivatives(x, a, n, v);
                    final double hx = 1e-5 / n;
                    final double ha = 1e-5;
                    final double hn = 1e-5 * n;
                    final double[] fd = {
                        (g(x + hx, a, n, v) - g(x - hx, a, n, v)) / (2 * hx),
                        (g(x, a + ha, n, v) - g(x, a - ha, n, v)) / (2 * ha),
                        (g(x, a, n + hn, v) - g(x, a, n - hn, v)) / (2 * hn),
                    };
                    final String at = v + " at n = " + n + ", x = " + x + ", alpha = " + a;
                    // Each derivative is compared on the scale of G's change over the step.
                    final double[] scale = {1, Math.abs(x) + 1 / n, (Math.abs(x) + 1 / n) / n};
                    for (int k = 0; k < 3; k++) {
                        assertEquals(fd[k], d[k], 1e-7 * scale[k], "derivative " + k + " of " + at);
                    }
                }
            }
        }
    }

    // ---- (b) the fast kernels against the scalar references ----

    private static final int[][] SHAPES = {
        {1, 1, 1}, {3, 5, 7}, {2, 3, 1}, {1, 1, 1037}, {4, 37, 33}, {3, 700, 1}, {2, 3, 1500}, {5, 1, 6571},
    };

    @Test
    void fastMatchesReference() {
        final Random random = new Random(42);
        for (int[] shape : SHAPES) {
            for (boolean perChannel : new boolean[] {false, true}) {
                for (SauVariant v : SauVariant.values()) {
                    for (float n : new float[] {1f, 3.7f, 20000f}) {
                        compare(random, shape[0], shape[1], shape[2], perChannel, v, n);
                    }
                }
            }
        }
    }

    private static void compare(Random random, int outer, int channels, int inner, boolean perChannel,
                                SauVariant v, float n) {
        // Mostly where n·x is of order 1 and the Gaussian matters, some far out in the saturated tails.
        compare(random, outer, channels, inner, perChannel, v, n,
                i -> (float) (random.nextGaussian() * (random.nextInt(4) == 0 ? 3 : 1.5 / n)));
    }

    /** Where the kernels switch to the saturated fast path: z² > 87, |x| > √174/n. */
    private static double threshold(float n) {
        return Math.sqrt(174) / n;
    }

    /**
     * x at the fast path's threshold: runs of vectors all just beyond it (fast path), vectors
     * with one lane just inside it (full path), alone and in runs, and a few exactly at ±T.
     */
    @Test
    void fastPathMatchesReferenceAcrossTheThreshold() {
        final Random random = new Random(3);
        final int v = Exp.SPECIES.length();
        for (float n : new float[] {20000f, 3.7f, 1f}) {
            final double t = threshold(n);
            for (SauVariant variant : SauVariant.values()) {
                for (boolean perChannel : new boolean[] {false, true}) {
                    compare(random, 3, 5, 211, perChannel, variant, n, i -> {
                        final int vector = i / v;
                        final boolean inside = vector % 7 == 3 || vector % 11 < 3 ? i % v == vector % v : false;
                        final double factor = inside ? 1 - 0.05 * random.nextDouble() : 1 + 0.05 * random.nextDouble();
                        final double sign = random.nextBoolean() ? 1 : -1;
                        return i % 97 == 0 ? (float) (sign * t) : (float) (sign * t * factor);
                    });
                }
            }
        }
    }

    /** The fast path gives the full path's bits: one lane near 0 sends its whole vector down the full path. */
    @Test
    void fastPathGivesTheFullPathsBits() {
        final int v = Exp.SPECIES.length();
        final int total = 64 * v;
        final float n = 20000f;
        final Random random = new Random(5);
        for (SauVariant variant : SauVariant.values()) {
            final float[] x = new float[total];
            final float[] gradY = new float[total];
            for (int i = 0; i < total; i++) {
                x[i] = (float) ((random.nextBoolean() ? 1 : -1) * threshold(n) * (1.001 + 10 * random.nextDouble()));
                gradY[i] = (float) random.nextGaussian();
            }
            final float[] mixed = x.clone();
            for (int i = 0; i < total; i += v) mixed[i] = 1e-6f;
            final float[] alpha = {0.15f};
            final float[] y = new float[total];
            final float[] yMixed = new float[total];
            SauKernel.forward(x, 0, y, 0, 1, 1, total, alpha, n, variant);
            SauKernel.forward(mixed, 0, yMixed, 0, 1, 1, total, alpha, n, variant);
            final float[] gradX = new float[total];
            final float[] gradXMixed = new float[total];
            SauKernel.backward(x, 0, gradY, 0, gradX, 0, 1, 1, total, alpha, n, variant, null, null);
            SauKernel.backward(mixed, 0, gradY, 0, gradXMixed, 0, 1, 1, total, alpha, n, variant, null, null);
            for (int i = 0; i < total; i++) {
                if (i % v == 0) continue;
                assertEquals(Float.floatToIntBits(yMixed[i]), Float.floatToIntBits(y[i]), variant + ": y at " + i);
                assertEquals(Float.floatToIntBits(gradXMixed[i]), Float.floatToIntBits(gradX[i]),
                        variant + ": gradX at " + i);
            }
        }
    }

    /** A NaN fails the saturation test, in a group of four vectors (the first) and after the groups (the last). */
    @Test
    void nanGoesThroughTheFullPath() {
        final int total = 5 * Exp.SPECIES.length();
        final float[] x = new float[total];
        Arrays.fill(x, 1f);
        x[5] = Float.NaN;
        x[total - 2] = Float.NaN;
        final float[] y = new float[total];
        final float[] gradX = new float[total];
        SauKernel.forward(x, 0, y, 0, 1, 1, total, new float[] {0.15f}, 20000f, SauVariant.PAPER);
        SauKernel.backward(x, 0, x, 0, gradX, 0, 1, 1, total, new float[] {0.15f}, 20000f, SauVariant.PAPER, null, null);
        assertTrue(Float.isNaN(y[5]) && Float.isNaN(gradX[5]));
        assertTrue(Float.isNaN(y[total - 2]) && Float.isNaN(gradX[total - 2]));
        assertEquals(1f, y[0]);
        assertEquals(1f, y[total - 1]);
    }

    private static void compare(Random random, int outer, int channels, int inner, boolean perChannel,
                                SauVariant v, float n, IntFunction<Float> xAt) {
        final String what = v + " n = " + n + " shape (" + outer + ", " + channels + ", " + inner + ")"
                + (perChannel ? " per channel" : " per layer");
        final int total = outer * channels * inner;
        final int xOff = 3;
        final int gOff = 5;
        final int outOff = 7;
        final float[] x = new float[xOff + total];
        final float[] gradY = new float[gOff + total];
        for (int i = 0; i < total; i++) {
            x[xOff + i] = xAt.apply(i);
            gradY[gOff + i] = (float) random.nextGaussian();
        }
        final float[] alpha = new float[perChannel ? channels : 1];
        for (int c = 0; c < alpha.length; c++) alpha[c] = 0.5f * random.nextFloat() - 0.1f;

        final float[] y = sentinel(outOff + total + 4);
        final float[] yRef = new float[outOff + total];
        SauKernel.forward(x, xOff, y, outOff, outer, channels, inner, alpha, n, v);
        SauKernel.forwardReference(x, xOff, yRef, outOff, outer, channels, inner, alpha, n, v);
        for (int i = 0; i < total; i++) {
            final float xi = x[xOff + i];
            assertEquals(yRef[outOff + i], y[outOff + i], 2e-6 * (Math.abs(xi) + 1 / n), what + ": y at " + i);
        }
        assertUntouched(y, outOff, total, what);

        final float[] gradX = sentinel(outOff + total + 4);
        final float[] gradXRef = new float[outOff + total];
        final float[] gradAlpha = new float[alpha.length];
        final float[] gradAlphaRef = new float[alpha.length];
        Arrays.fill(gradAlpha, 0.25f);
        Arrays.fill(gradAlphaRef, 0.25f);
        final float[] gradN = {-1f};
        final float[] gradNRef = {-1f};
        SauKernel.backward(x, xOff, gradY, gOff, gradX, outOff, outer, channels, inner, alpha, n, v, gradAlpha, gradN);
        SauKernel.backwardReference(x, xOff, gradY, gOff, gradXRef, outOff, outer, channels, inner, alpha, n, v,
                gradAlphaRef, gradNRef);
        // The sums are compared on the scale of the sum of the magnitudes of their terms. The
        // reference is also checked against the double formulas that the finite differences check.
        final double[] alphaScale = new double[alpha.length];
        final double[] alphaExact = new double[alpha.length];
        double nScale = 0;
        double nExact = -1;
        for (int i = 0; i < total; i++) {
            final float xi = x[xOff + i];
            final float g = gradY[gOff + i];
            final int c = perChannel ? (i / inner) % channels : 0;
            final double[] d = derivatives(xi, alpha[c], n, v);
            final double tolerance = 4e-6 * Math.abs(g) * (1 + Math.abs(n * xi));
            assertEquals(gradXRef[outOff + i], gradX[outOff + i], tolerance, what + ": gradX at " + i);
            assertEquals(g * d[0], gradXRef[outOff + i], tolerance, what + ": reference gradX at " + i);
            alphaScale[c] += Math.abs(g) * (Math.abs(xi) + 1 / n);
            alphaExact[c] += g * d[1];
            nScale += Math.abs(g) * (xi * xi + 1.0 / n / n);
            nExact += g * d[2];
        }
        assertUntouched(gradX, outOff, total, what);
        for (int c = 0; c < alpha.length; c++) {
            assertEquals(gradAlphaRef[c], gradAlpha[c], 1e-6 * alphaScale[c] + 1e-7, what + ": gradAlpha " + c);
            assertEquals(0.25 + alphaExact[c], gradAlphaRef[c], 1e-6 * alphaScale[c] + 1e-7,
                    what + ": reference gradAlpha " + c);
        }
        assertEquals(gradNRef[0], gradN[0], 1e-6 * nScale + 1e-7, what + ": gradN");
        assertEquals(nExact, gradNRef[0], 1e-6 * nScale + 1e-7, what + ": reference gradN");

        // Without the optional gradients, gradX is the same.
        final float[] gradXAlone = new float[outOff + total];
        SauKernel.backward(x, xOff, gradY, gOff, gradXAlone, outOff, outer, channels, inner, alpha, n, v, null, null);
        for (int i = 0; i < total; i++) assertEquals(gradX[outOff + i], gradXAlone[outOff + i], what);
    }

    private static float[] sentinel(int length) {
        final float[] a = new float[length];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    private static void assertUntouched(float[] a, int from, int count, String what) {
        for (int i = 0; i < a.length; i++) {
            if (i < from || i >= from + count) assertTrue(Float.isNaN(a[i]), what + ": wrote outside at " + i);
        }
    }

    // ---- (d) the reductions do not depend on the number of threads ----

    @Test
    void gradientsAreBitIdenticalForAnyThreadCount() {
        final int before = Parallel.threads();
        try {
            for (boolean perChannel : new boolean[] {false, true}) {
                final int outer = 8;
                final int channels = 13;
                final int inner = 3001;
                final int total = outer * channels * inner;
                final Random random = new Random(7);
                final float[] x = new float[total];
                final float[] gradY = new float[total];
                for (int i = 0; i < total; i++) {
                    x[i] = (float) random.nextGaussian();
                    gradY[i] = (float) random.nextGaussian();
                }
                final float[] alpha = new float[perChannel ? channels : 1];
                Arrays.fill(alpha, 0.15f);
                float[] firstAlpha = null;
                float[] firstN = null;
                for (int threads : new int[] {1, 2, 3}) {
                    Parallel.setThreads(threads);
                    final float[] gradAlpha = new float[alpha.length];
                    final float[] gradN = new float[1];
                    SauKernel.backward(x, 0, gradY, 0, new float[total], 0, outer, channels, inner, alpha, 2f,
                            SauVariant.PAPER, gradAlpha, gradN);
                    if (firstAlpha == null) {
                        firstAlpha = gradAlpha;
                        firstN = gradN;
                    } else {
                        assertArrayEquals(firstAlpha, gradAlpha, "gradAlpha with " + threads + " threads");
                        assertArrayEquals(firstN, gradN, "gradN with " + threads + " threads");
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void rejectsBadArguments() {
        final float[] x = new float[6];
        assertThrows(IllegalArgumentException.class,
                () -> SauKernel.forward(x, 0, x, 0, 1, 3, 2, new float[2], 1f, SauVariant.PAPER));
        assertThrows(IllegalArgumentException.class,
                () -> SauKernel.forward(x, 0, x, 0, 1, 3, 2, new float[1], 0f, SauVariant.PAPER));
    }
}
