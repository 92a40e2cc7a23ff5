package sau.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErfTest {

    private static final double MAX_ULP = 4;

    /**
     * erf in double from the series {@code erf(x) = (2/√π)·e^(−x²)·Σ 2^k x^(2k+1) / (1·3·…·(2k+1))},
     * whose terms are all positive, so nothing cancels: relative error about 1e-15 for |x| <= 6,
     * which is ten million times finer than a float ulp.
     */
    static double erfReference(double x) {
        final double x2 = x * x;
        double term = x;
        double sum = x;
        for (int k = 1; Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
            term *= 2 * x2 / (2 * k + 1);
            sum += term;
        }
        return 2 / Math.sqrt(Math.PI) * Math.exp(-x2) * sum;
    }

    @Test
    void referenceAgreesWithMpmath() {
        // mpmath.erf at 40 digits, evaluated at these exact float values.
        final float[] x = {1e-30f, 0.1f, 0.5f, 0.8999f, 0.9f, 1.5f, 2.2f, 3f, 3.9f, 5.5f};
        final double[] erf = {
            1.1283791706736896298e-30, 0.11246291768297050903, 0.52049987781304653768,
            0.79685802067148126875, 0.79690820045496844931, 0.96610514647531072707,
            0.99813715412745957055, 0.99997790950300141456, 0.99999996520777808585,
            0.99999999999999264215,
        };
        for (int i = 0; i < x.length; i++) {
            assertEquals(erf[i], erfReference(x[i]), 1e-15 * erf[i], "x = " + x[i]);
        }
    }

    /** Checks a batch of inputs: the error of the scalar erf, and the vector erf against it. */
    private static final class Checker {
        private final float[] in = new float[Erf.SPECIES.length() * 512];
        private final float[] out = new float[in.length];
        private int filled;
        double maxUlp;
        float worstX;
        long count;

        void add(float x) {
            in[filled++] = x;
            if (filled == in.length) flush();
        }

        void flush() {
            // Only whole vectors go through the vector path; the rest is padded with zeros.
            java.util.Arrays.fill(in, filled, in.length, 0f);
            Erf.erf(in, 0, out, 0, in.length);
            for (int i = 0; i < filled; i++) {
                final float x = in[i];
                final float y = Erf.erf(x);
                assertEquals(Float.floatToIntBits(y), Float.floatToIntBits(out[i]), "vector vs scalar at x = " + x);
                final double ref = erfReference(x);
                final double ulps = Math.abs(y - ref) / Math.ulp((float) ref);
                if (ulps > maxUlp) {
                    maxUlp = ulps;
                    worstX = x;
                }
            }
            count += filled;
            filled = 0;
        }
    }

    @Test
    void maxErrorOverMinusSixToSix() {
        final Checker c = new Checker();
        // Every 97th float of [0, 6] by bit pattern: dense in every binade, down to subnormals.
        final int top = Float.floatToIntBits(6f);
        for (int bits = 0; bits <= top; bits += 97) {
            c.add(Float.intBitsToFloat(bits));
            c.add(-Float.intBitsToFloat(bits));
        }
        // A uniform grid over [-6, 6] with spacing 3e-6.
        for (int i = -2_000_000; i <= 2_000_000; i++) c.add(i * 3e-6f);
        // Every float around the two places where something changes: the hand-over between
        // the pieces at 0.9, and the saturation to 1 near 4.
        for (int bits = Float.floatToIntBits(0.85f); bits <= Float.floatToIntBits(0.95f); bits++) {
            c.add(Float.intBitsToFloat(bits));
        }
        for (int bits = Float.floatToIntBits(3.8f); bits <= Float.floatToIntBits(4.2f); bits++) {
            c.add(-Float.intBitsToFloat(bits));
        }
        c.flush();
        System.out.printf("erf: max error %.3f ulp at x = %s over %d points%n", c.maxUlp, c.worstX, c.count);
        assertTrue(c.maxUlp <= MAX_ULP, "max error " + c.maxUlp + " ulp at x = " + c.worstX);
    }

    @Test
    void specialValues() {
        assertEquals(0f, Erf.erf(0f));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(Erf.erf(-0f)));
        assertEquals(1f, Erf.erf(Float.POSITIVE_INFINITY));
        assertEquals(-1f, Erf.erf(Float.NEGATIVE_INFINITY));
        assertEquals(1f, Erf.erf(6f));
        assertEquals(-1f, Erf.erf(-1e30f));
        assertTrue(Float.isNaN(Erf.erf(Float.NaN)));
        assertEquals(Float.MIN_VALUE, Erf.erf(Float.MIN_VALUE));

        final float[] in = new float[Erf.SPECIES.length() * 2];
        final float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-40f, 6f, -3f};
        for (int i = 0; i < in.length; i++) in[i] = special[i % special.length];
        final float[] out = new float[in.length];
        Erf.erf(in, 0, out, 0, in.length);
        for (int i = 0; i < in.length; i++) {
            assertEquals(Float.floatToIntBits(Erf.erf(in[i])), Float.floatToIntBits(out[i]), "x = " + in[i]);
        }
    }

    @Test
    void isOdd() {
        for (float x = 0; x < 6; x += 0.001234f) {
            assertEquals(-Erf.erf(x), Erf.erf(-x), "x = " + x);
        }
    }

    @Test
    void arrayFormHonoursOffsetsAndOddCounts() {
        final float[] in = new float[103];
        for (int i = 0; i < in.length; i++) in[i] = (i - 50) * 0.07f;
        final float[] out = new float[110];
        Erf.erf(in, 3, out, 5, 97);
        for (int i = 0; i < 97; i++) assertEquals(Erf.erf(in[3 + i]), out[5 + i]);
        assertEquals(0f, out[4]);
        assertEquals(0f, out[102]);
    }
}
