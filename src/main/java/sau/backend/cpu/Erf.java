package sau.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The error function {@code erf(x) = (2/√π)·∫₀ˣ e^(−t²) dt} in float32, as a scalar and as a
 * vector function that agree bit for bit. Java's {@code Math} has no erf.
 *
 * <p>erf is odd, so only {@code a = |x|} matters; two pieces cover it:
 * <ul>
 *   <li>{@code a < 0.9}: erf is close to {@code (2/√π)·x}, and {@code erf(x)/x} is a smooth even
 *       function, so {@code erf(x) = x + x·P(x²)} with {@code P} of degree 5. Keeping the
 *       leading {@code x} out of the polynomial makes the result's rounding error about half
 *       an ulp.
 *   <li>{@code a >= 0.9}: {@code erf(a) = 1 − erfc(a)}, and {@code erfc(a)} decays like
 *       {@code e^(−a²)/(a√π)}. So {@code erfc(a) = e^(−a²)·Q(a)} with {@code Q} smooth and slowly
 *       varying; a degree-8 polynomial in {@code a − 2.45} covers {@code [0.9, 4]}. Beyond 4,
 *       {@code erfc(a) < 2^−25}, so float erf is exactly 1; clamping the argument of {@code Q}
 *       at 4 gets that for free, including at infinity.
 * </ul>
 * The coefficients are weighted minimax fits made by {@code src/tools/fit_erf_exp.py}: relative
 * error for {@code P}, absolute error of erf (which is what matters when the result is near 1)
 * for {@code Q}. Measured over 29 million floats in [−6, 6] (see {@code ErfTest}): at most 1.17 ulp.
 *
 * <p>The second piece needs {@code e^(−x²)}. Callers that already have it (the SAU kernel, whose
 * Gaussian term is exactly this exponential) pass it in through {@link #erf(float, float)}, so
 * each element costs one exponential, not two.
 */
public final class Erf {

    static final VectorSpecies<Float> SPECIES = Exp.SPECIES;

    /** Where the polynomial piece hands over to the exponential one. */
    private static final float SPLIT = 0.9f;
    /** erfc is below half an ulp of 1 from here on. */
    private static final float SATURATE = 4f;
    private static final float Q_CENTRE = 2.45f;

    private static final float P0 = 0.12837915f;
    private static final float P1 = -0.37612507f;
    private static final float P2 = 0.11281961f;
    private static final float P3 = -0.026772095f;
    private static final float P4 = 0.0050014905f;
    private static final float P5 = -0.0006034459f;

    private static final float Q0 = 0.21458906f;
    private static final float Q1 = -0.0768958f;
    private static final float Q2 = 0.026134148f;
    private static final float Q3 = -0.008712675f;
    private static final float Q4 = 0.0024389916f;
    private static final float Q5 = -0.0006566099f;
    private static final float Q6 = 0.00072069094f;
    private static final float Q7 = 0.00032157177f;
    private static final float Q8 = 0.00013469522f;

    private static final int SIGN_BIT = 0x80000000;
    /** Elements per block of the array form: its buffer of e^(−x²) stays in L1. */
    private static final int BLOCK = 256;

    private Erf() {}

    /** erf(x) in float32; erf(±inf) = ±1, erf(NaN) = NaN. */
    public static float erf(float x) {
        return erf(x, Exp.exp(-(x * x)));
    }

    /** erf(x) given {@code expMinusX2 = Exp.exp(-(x * x))}, which callers may already have. */
    public static float erf(float x, float expMinusX2) {
        final float a = Math.abs(x);
        if (a < SPLIT) {
            final float t = x * x;
            float p = Math.fma(P5, t, P4);
            p = Math.fma(p, t, P3);
            p = Math.fma(p, t, P2);
            p = Math.fma(p, t, P1);
            p = Math.fma(p, t, P0);
            return Math.fma(x, p, x);
        }
        final float u = Math.min(a, SATURATE) - Q_CENTRE;
        float q = Math.fma(Q8, u, Q7);
        q = Math.fma(q, u, Q6);
        q = Math.fma(q, u, Q5);
        q = Math.fma(q, u, Q4);
        q = Math.fma(q, u, Q3);
        q = Math.fma(q, u, Q2);
        q = Math.fma(q, u, Q1);
        q = Math.fma(q, u, Q0);
        return Math.copySign(Math.fma(-expMinusX2, q, 1f), x);
    }

    /**
     * erf lane by lane, bit-identical to {@link #erf(float)}. In a loop, prefer the array forms:
     * this inlines about 50 vector operations, and C2 gives up inlining (and boxes every
     * vector, which is twenty times slower) when a loop body holds much more.
     */
    public static FloatVector erf(FloatVector x) {
        return erf(x, Exp.exp(x.mul(x).neg()));
    }

    /**
     * erf lane by lane given {@code expMinusX2 = Exp.exp(x.mul(x).neg())}. Both pieces are
     * computed and the right one picked per lane: branching to skip one would be cheaper in
     * arithmetic, but a second call site of the same code pushes C2 over its inlining budget,
     * and then every vector is boxed on the heap.
     */
    public static FloatVector erf(FloatVector x, FloatVector expMinusX2) {
        final FloatVector a = x.abs();
        final FloatVector t = x.mul(x);
        FloatVector p = t.fma(P5, P4);
        p = Exp.fma(p, t, P3);
        p = Exp.fma(p, t, P2);
        p = Exp.fma(p, t, P1);
        p = Exp.fma(p, t, P0);
        final FloatVector polynomial = x.fma(p, x);

        final FloatVector u = a.min(SATURATE).sub(Q_CENTRE);
        FloatVector q = u.fma(Q8, Q7);
        q = Exp.fma(q, u, Q6);
        q = Exp.fma(q, u, Q5);
        q = Exp.fma(q, u, Q4);
        q = Exp.fma(q, u, Q3);
        q = Exp.fma(q, u, Q2);
        q = Exp.fma(q, u, Q1);
        q = Exp.fma(q, u, Q0);
        final IntVector magnitude = Exp.fma(expMinusX2.neg(), q, 1f).reinterpretAsInts();
        final IntVector sign = x.reinterpretAsInts().and(SIGN_BIT);
        final FloatVector exponential = magnitude.or(sign).reinterpretAsFloats();
        return exponential.blend(polynomial, a.lt(SPLIT));
    }

    /** {@code out[outOff + i] = erf(x[xOff + i])} for {@code i < count}. */
    public static void erf(float[] x, int xOff, float[] out, int outOff, int count) {
        // exp and erf in one loop body are too much for C2 to inline (see erf(FloatVector,
        // FloatVector)), so blocks of e^(−x²) go through a small buffer that stays in L1.
        final float[] expMinusX2 = new float[Math.min(count, BLOCK)];
        for (int start = 0; start < count; start += BLOCK) {
            final int n = Math.min(BLOCK, count - start);
            for (int i = 0; i < n; i++) expMinusX2[i] = -(x[xOff + start + i] * x[xOff + start + i]);
            Exp.exp(expMinusX2, 0, expMinusX2, 0, n);
            erf(x, xOff + start, expMinusX2, 0, out, outOff + start, n);
        }
    }

    /**
     * {@code out[outOff + i] = erf(x[xOff + i])} for {@code i < count}, given
     * {@code expMinusX2[eOff + i] = Exp.exp(-(x[xOff + i] * x[xOff + i]))}.
     */
    public static void erf(float[] x, int xOff, float[] expMinusX2, int eOff, float[] out, int outOff, int count) {
        int i = 0;
        for (final int bound = SPECIES.loopBound(count); i < bound; i += SPECIES.length()) {
            erf(FloatVector.fromArray(SPECIES, x, xOff + i), FloatVector.fromArray(SPECIES, expMinusX2, eOff + i))
                    .intoArray(out, outOff + i);
        }
        for (; i < count; i++) out[outOff + i] = erf(x[xOff + i], expMinusX2[eOff + i]);
    }
}
