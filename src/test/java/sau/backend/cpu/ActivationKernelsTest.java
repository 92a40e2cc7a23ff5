package sau.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ActivationKernelsTest {

    /** Includes the kinks, ±30 (where exponentials get large) and ±100 (where they overflow in float). */
    private static final float[] POINTS = {
        -100f, -30f, -20f, -10f, -5.5f, -3f, -2f, -1f, -0.5f, -0.29f, -0.31f, -0.1f, -1e-3f, -1e-6f, 0f,
        1e-6f, 1e-3f, 0.1f, 0.29f, 0.31f, 0.5f, 1f, 2f, 3f, 5.5f, 6f, 6.5f, 10f, 19.5f, 20.5f, 30f, 100f,
    };

    private static final float SLOPE = 0.1f;
    private static final float ALPHA = 1.3f;

    /** The parameters each activation is tested with; softplus with β = 2, so that its threshold (20) is at x = 10. */
    private static float p(Activation f) {
        return switch (f) {
            case LEAKY_RELU -> SLOPE;
            case ELU -> ALPHA;
            case SOFTPLUS -> 2f;
            default -> 0f;
        };
    }

    private static float q(Activation f) {
        return f == Activation.SOFTPLUS ? 20f : 0f;
    }

    // ---- references in double ---------------------------------------------------------------

    /** erf by its everywhere-positive series (see ErfTest), ±1 beyond 6 where the series would overflow. */
    private static double erf(double x) {
        if (Math.abs(x) > 6) return Math.signum(x);
        final double x2 = x * x;
        double term = x, sum = x;
        for (int k = 1; Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
            term *= 2 * x2 / (2 * k + 1);
            sum += term;
        }
        return 2 / Math.sqrt(Math.PI) * Math.exp(-x2) * sum;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    private static final double SQRT_2_PI = Math.sqrt(2 / Math.PI);

    static double expected(Activation f, double x) {
        return switch (f) {
            case RELU -> Math.max(x, 0);
            case LEAKY_RELU -> x > 0 ? x : SLOPE * x;
            case ELU -> x > 0 ? x : ALPHA * Math.expm1(x);
            case SOFTPLUS -> 2 * x > 20 ? x : softplus(2 * x) / 2;
            case SILU -> x * sigmoid(x);
            case GELU -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(SQRT_2_PI * (x + 0.044715 * x * x * x)));
            case RELU6 -> Math.min(Math.max(x, 0), 6);
            case MISH -> x * Math.tanh(softplus(x));
            case TANH -> Math.tanh(x);
            case SIGMOID -> sigmoid(x);
        };
    }

    static double expectedDerivative(Activation f, double x) {
        return switch (f) {
            case RELU -> x > 0 ? 1 : 0;
            case LEAKY_RELU -> x > 0 ? 1 : SLOPE;
            case ELU -> x > 0 ? 1 : ALPHA * Math.exp(x);
            case SOFTPLUS -> 2 * x > 20 ? 1 : sigmoid(2 * x);
            case SILU -> sigmoid(x) * (1 + x * (1 - sigmoid(x)));
            case GELU -> 0.5 * (1 + erf(x / Math.sqrt(2))) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
            case GELU_TANH -> {
                final double t = Math.tanh(SQRT_2_PI * (x + 0.044715 * x * x * x));
                yield 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_PI * (1 + 3 * 0.044715 * x * x);
            }
            case RELU6 -> x > 0 && x < 6 ? 1 : 0;
            case MISH -> {
                final double t = Math.tanh(softplus(x));
                yield t + x * (1 - t * t) * sigmoid(x);
            }
            case TANH -> 1 - Math.tanh(x) * Math.tanh(x);
            case SIGMOID -> sigmoid(x) * (1 - sigmoid(x));
        };
    }

    /**
     * A few float roundings of the result, relative, plus an absolute floor of a few roundings of
     * 1: where the value comes from a difference such as 1 + erf(x) or eˣ − 1, its absolute error
     * is that of the larger operand.
     */
    private static void assertClose(double expected, float actual, String what) {
        final double tol = 4e-7 * Math.abs(expected) + 3e-7;
        assertTrue(Math.abs(actual - expected) <= tol, what + ": expected " + expected + ", got " + actual);
    }

    // ---- tests --------------------------------------------------------------------------------

    @Test
    void forwardMatchesDoublePrecisionValues() {
        for (Activation f : Activation.values()) {
            final float[] y = new float[POINTS.length];
            ActivationKernels.forward(f, POINTS, 0, y, 0, POINTS.length, p(f), q(f));
            for (int i = 0; i < POINTS.length; i++) assertClose(expected(f, POINTS[i]), y[i], f + "(" + POINTS[i] + ")");
        }
    }

    @Test
    void backwardMatchesDoublePrecisionDerivatives() {
        final float[] g = new float[POINTS.length];
        for (int i = 0; i < g.length; i++) g[i] = i % 2 == 0 ? 1f : -0.75f;
        for (Activation f : Activation.values()) {
            final float[] y = new float[POINTS.length];
            final float[] gx = new float[POINTS.length];
            ActivationKernels.forward(f, POINTS, 0, y, 0, POINTS.length, p(f), q(f));
            ActivationKernels.backward(f, POINTS, 0, y, 0, g, 0, gx, 0, POINTS.length, p(f), q(f));
            for (int i = 0; i < POINTS.length; i++) {
                assertClose(g[i] * expectedDerivative(f, POINTS[i]), gx[i], f + "'(" + POINTS[i] + ")");
            }
        }
    }

    @Test
    void nothingOverflowsToNaN() {
        final float[] x = {Float.NEGATIVE_INFINITY, -1e30f, -1e4f, 1e4f, 1e30f, Float.POSITIVE_INFINITY};
        final float[] ones = {1, 1, 1, 1, 1, 1};
        for (Activation f : Activation.values()) {
            if (f == Activation.GELU_TANH) continue; // its x³ overflows; PyTorch's formula has the same limit
            final float[] y = new float[x.length];
            final float[] gx = new float[x.length];
            ActivationKernels.forward(f, x, 0, y, 0, x.length, p(f), q(f));
            ActivationKernels.backward(f, x, 0, y, 0, ones, 0, gx, 0, x.length, p(f), q(f));
            for (int i = 1; i < x.length - 1; i++) {
                assertTrue(!Float.isNaN(y[i]) && !Float.isNaN(gx[i]), f + " at " + x[i] + ": y = " + y[i] + ", gx = " + gx[i]);
            }
        }
    }

    /** Random values over the interesting range, with kinks, zeros and large values mixed in. */
    private static float[] randomInputs(int n, long seed) {
        final SplittableRandom r = new SplittableRandom(seed);
        final float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i % 17 == 0 ? POINTS[r.nextInt(POINTS.length)] : (float) (r.nextDouble(-12, 12));
        return x;
    }

    @Test
    void vectorKernelsEqualTheScalarReferenceBitForBit() {
        for (int n : new int[] {1, 7, 8, 9, 1031}) {
            final float[] x = randomInputs(n + 3, n);
            final float[] g = randomInputs(n + 5, n + 1);
            for (Activation f : Activation.values()) {
                // offsets 3 and 5 put the vectors off the arrays' alignment
                final float[] y = new float[n + 2];
                ActivationKernels.forward(f, x, 3, y, 2, n, p(f), q(f));
                final float[] xs = java.util.Arrays.copyOfRange(x, 3, n + 3);
                final float[] ys = java.util.Arrays.copyOfRange(y, 2, n + 2);
                assertArrayEquals(ActivationKernels.forwardReference(f, xs, p(f), q(f)), ys, f + " forward, n = " + n);
                final float[] gx = new float[n + 1];
                ActivationKernels.backward(f, x, 3, y, 2, g, 5, gx, 1, n, p(f), q(f));
                final float[] gs = java.util.Arrays.copyOfRange(g, 5, n + 5);
                assertArrayEquals(ActivationKernels.backwardReference(f, xs, ys, gs, p(f), q(f)), java.util.Arrays.copyOfRange(gx, 1, n + 1), f + " backward, n = " + n);
            }
        }
    }

    @Test
    void largeOddSizeRunsOnAllThreadsLikeTheReference() {
        final int n = 1_000_003;
        final float[] x = randomInputs(n, 7);
        final float[] g = randomInputs(n, 8);
        for (Activation f : new Activation[] {Activation.GELU, Activation.MISH}) {
            final float[] y = new float[n];
            final float[] gx = new float[n];
            ActivationKernels.forward(f, x, 0, y, 0, n, p(f), q(f));
            ActivationKernels.backward(f, x, 0, y, 0, g, 0, gx, 0, n, p(f), q(f));
            assertArrayEquals(ActivationKernels.forwardReference(f, x, p(f), q(f)), y, f + " forward");
            assertArrayEquals(ActivationKernels.backwardReference(f, x, y, g, p(f), q(f)), gx, f + " backward");
        }
    }

    @Test
    void tanhAndLog1pHelpersAreAccurate() {
        double worstTanh = 0, worstLog1p = 0;
        for (int i = -4000; i <= 4000; i++) {
            final float x = i * 2.5e-3f;
            worstTanh = Math.max(worstTanh, Math.abs(ActivationKernels.tanh(x) - Math.tanh(x)) / Math.ulp((float) Math.tanh(x)));
            if (x >= 0 && x <= 1) worstLog1p = Math.max(worstLog1p, Math.abs(ActivationKernels.log1pUnit(x) - Math.log1p(x)) / Math.ulp((float) Math.log1p(x)));
        }
        assertTrue(worstTanh <= 4, "tanh error " + worstTanh + " ulp");
        assertTrue(worstLog1p <= 2, "log1p error " + worstLog1p + " ulp");
        assertEquals(1e-20f, ActivationKernels.log1pUnit(1e-20f), 1e-27f);
    }

    // ---- PReLU ----------------------------------------------------------------------------------

    @Test
    void preluMatchesItsReferenceForEveryLayout() {
        final int[][] layouts = {{1, 1001}, {3, 1}, {4, 13}, {64, 1}, {5, 257}};
        for (int[] layout : layouts) {
            final int channels = layout[0], inner = layout[1];
            final int n = 7 * channels * inner;
            final float[] x = randomInputs(n + 2, n);
            final float[] g = randomInputs(n, n + 1);
            final float[] w = new float[channels + 1];
            for (int c = 0; c <= channels; c++) w[c] = 0.05f * c - 0.1f;
            final float[] xs = java.util.Arrays.copyOfRange(x, 2, n + 2);
            final float[] ws = java.util.Arrays.copyOfRange(w, 1, channels + 1);

            final float[] y = new float[n];
            PReluKernel.forward(x, 2, w, 1, y, 0, n, channels, inner);
            assertArrayEquals(PReluKernel.forwardReference(xs, ws, channels, inner), y);

            final float[] gx = new float[n];
            final float[] gw = new float[channels];
            java.util.Arrays.fill(gw, 1f); // the kernel adds into it
            PReluKernel.backward(x, 2, w, 1, g, 0, gx, 0, gw, 0, n, channels, inner);
            final float[][] ref = PReluKernel.backwardReference(xs, ws, g, channels, inner);
            assertArrayEquals(ref[0], gx);
            for (int c = 0; c < channels; c++) assertEquals(1f + ref[1][c], gw[c], 1e-4f * (1 + Math.abs(ref[1][c])), "channel " + c);
        }
    }

    @Test
    void preluSlopeGradientIsTheSameOnOneOrTwoThreads() {
        final int before = Parallel.threads();
        try {
            for (int[] layout : new int[][] {{1, 1 << 20}, {3, 65537}, {64, 1}}) {
                final int channels = layout[0], inner = layout[1];
                final int n = channels * inner * (layout[1] == 1 ? 5003 : 1);
                final float[] x = randomInputs(n, 11);
                final float[] g = randomInputs(n, 12);
                final float[] w = new float[channels];
                java.util.Arrays.fill(w, 0.25f);
                final float[][] gw = new float[2][channels];
                for (int t = 0; t < 2; t++) {
                    Parallel.setThreads(t + 1);
                    PReluKernel.backward(x, 0, w, 0, g, 0, new float[n], 0, gw[t], 0, n, channels, inner);
                }
                assertArrayEquals(gw[0], gw[1], "channels " + channels + ", inner " + inner);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
