package sau.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExpTest {

    @Test
    void withinAboutOneUlpAndVectorMatchesScalar() {
        final float[] in = new float[Exp.SPECIES.length() * 1024];
        final float[] out = new float[in.length];
        double maxUlp = 0;
        float worst = 0;
        // Every 61st float of [-87, 89] by bit pattern.
        final int[][] ranges = {
            {Float.floatToIntBits(0f), Float.floatToIntBits(89f)},
            {Float.floatToIntBits(-0f), Float.floatToIntBits(-87f)},
        };
        for (int[] range : ranges) {
            int bits = range[0];
            while (bits <= range[1]) {
                int n = 0;
                for (; n < in.length && bits <= range[1]; n++, bits += 61) in[n] = Float.intBitsToFloat(bits);
                Exp.exp(in, 0, out, 0, n - n % Exp.SPECIES.length());
                for (int i = 0; i < n; i++) {
                    final float y = Exp.exp(in[i]);
                    if (i < n - n % Exp.SPECIES.length()) {
                        assertEquals(Float.floatToIntBits(y), Float.floatToIntBits(out[i]), "x = " + in[i]);
                    }
                    final double ref = Math.exp(in[i]);
                    final double ulps = Math.abs(y - ref) / Math.ulp((float) ref);
                    if (ulps > maxUlp) {
                        maxUlp = ulps;
                        worst = in[i];
                    }
                }
            }
        }
        System.out.printf("exp: max error %.3f ulp at x = %s%n", maxUlp, worst);
        assertTrue(maxUlp <= 1.5, "max error " + maxUlp + " ulp at x = " + worst);
    }

    @Test
    void specialValues() {
        assertEquals(1f, Exp.exp(0f));
        assertEquals(0f, Exp.exp(Float.NEGATIVE_INFINITY));
        assertEquals(0f, Exp.exp(-200f));
        assertEquals(Float.POSITIVE_INFINITY, Exp.exp(Float.POSITIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, Exp.exp(89f));
        assertTrue(Float.isNaN(Exp.exp(Float.NaN)));
        assertEquals((float) Math.exp(88.5), Exp.exp(88.5f));
        assertEquals((float) Math.exp(-87), Exp.exp(-87f), Math.ulp((float) Math.exp(-87)));
        // Below e^-87 the result is flushed to zero (subnormal arithmetic is slow on x86).
        assertEquals(0f, Exp.exp(-87.01f));
        assertEquals(0f, Exp.exp(-100f));
        final float[] in = new float[Exp.SPECIES.length()];
        final float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) in[i] = -86.9f - 0.05f * i;
        Exp.exp(in, 0, out, 0, in.length);
        for (int i = 0; i < in.length; i++) assertEquals(Exp.exp(in[i]), out[i], "x = " + in[i]);
        // The vector forms clamp only from above: the special values through both of them.
        final float[] special = {Float.NEGATIVE_INFINITY, -1e30f, -3e38f, Float.NaN, Float.POSITIVE_INFINITY, 1e30f,
            88.7f, 89.5f, -87f, -Float.MIN_VALUE, 0f, -0f, Float.MAX_VALUE, -88f, 88f, 1f};
        for (int from = 0; from < special.length; from += in.length) {
            System.arraycopy(special, from, in, 0, in.length);
            Exp.exp(in, 0, out, 0, in.length);
            final float[] lanes = Exp.exp(jdk.incubator.vector.FloatVector.fromArray(Exp.SPECIES, in, 0)).toArray();
            for (int i = 0; i < in.length; i++) {
                assertEquals(Float.floatToIntBits(Exp.exp(in[i])), Float.floatToIntBits(out[i]), "x = " + in[i]);
                assertEquals(Float.floatToIntBits(Exp.exp(in[i])), Float.floatToIntBits(lanes[i]), "x = " + in[i]);
            }
        }
    }

    @Test
    void vectorFunctionMatchesScalar() {
        final int lanes = Exp.SPECIES.length();
        final float[] in = new float[lanes];
        for (float start = -90f; start < 92f; start += 0.37f) {
            for (int i = 0; i < lanes; i++) in[i] = start + 0.013f * i;
            final float[] out = Exp.exp(jdk.incubator.vector.FloatVector.fromArray(Exp.SPECIES, in, 0)).toArray();
            for (int i = 0; i < lanes; i++) {
                assertEquals(Float.floatToIntBits(Exp.exp(in[i])), Float.floatToIntBits(out[i]), "x = " + in[i]);
            }
        }
    }
}
