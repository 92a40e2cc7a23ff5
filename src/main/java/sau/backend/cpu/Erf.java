package sau.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
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
 * Gaussian term is exactly this exponential) pass it in through
 * {@link #erf(float[], int, float[], int, float[], int, int)}, so each element costs one
 * exponential, not two.
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
     * erf lane by lane, bit-identical to {@link #erf(float)}. A convenience that goes through
     * the array form; loops should call the array forms directly (see {@link Exp#exp(float[],
     * int, float[], int, int)} for why).
     */
    public static FloatVector erf(FloatVector x) {
        final float[] lanes = x.toArray();
        erf(lanes, 0, lanes, 0, lanes.length);
        return FloatVector.fromArray(x.species(), lanes, 0);
    }

    /** {@code out[outOff + i] = erf(x[xOff + i])} for {@code i < count}. */
    public static void erf(float[] x, int xOff, float[] out, int outOff, int count) {
        // Blocks of e^(−x²) go through a small buffer that stays in L1, so that exp and erf are
        // two short loops: one loop with both is past what the JIT inlines.
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
     * {@code expMinusX2[eOff + i] = Exp.exp(-(x[xOff + i] * x[xOff + i]))}; {@code out} may be
     * {@code x} or {@code expMinusX2}.
     *
     * <p>Every lane computes both pieces and keeps the right one: skipping a piece when all
     * lanes are on one side would need it at a second place in the loop, which pushes the JIT
     * past its inlining budget.
     */
    public static void erf(float[] x, int xOff, float[] expMinusX2, int eOff, float[] out, int outOff, int count) {
        final FloatVector p0 = FloatVector.broadcast(SPECIES, P0);
        final FloatVector p1 = FloatVector.broadcast(SPECIES, P1);
        final FloatVector p2 = FloatVector.broadcast(SPECIES, P2);
        final FloatVector p3 = FloatVector.broadcast(SPECIES, P3);
        final FloatVector p4 = FloatVector.broadcast(SPECIES, P4);
        final FloatVector p5 = FloatVector.broadcast(SPECIES, P5);
        final FloatVector q0 = FloatVector.broadcast(SPECIES, Q0);
        final FloatVector q1 = FloatVector.broadcast(SPECIES, Q1);
        final FloatVector q2 = FloatVector.broadcast(SPECIES, Q2);
        final FloatVector q3 = FloatVector.broadcast(SPECIES, Q3);
        final FloatVector q4 = FloatVector.broadcast(SPECIES, Q4);
        final FloatVector q5 = FloatVector.broadcast(SPECIES, Q5);
        final FloatVector q6 = FloatVector.broadcast(SPECIES, Q6);
        final FloatVector q7 = FloatVector.broadcast(SPECIES, Q7);
        final FloatVector q8 = FloatVector.broadcast(SPECIES, Q8);
        final FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        int i = 0;
        for (final int bound = SPECIES.loopBound(count); i < bound; i += SPECIES.length()) {
            final FloatVector v = FloatVector.fromArray(SPECIES, x, xOff + i);
            final FloatVector e = FloatVector.fromArray(SPECIES, expMinusX2, eOff + i);
            final FloatVector a = v.abs();

            final FloatVector t = v.mul(v);
            FloatVector p = t.fma(p5, p4);
            p = p.fma(t, p3);
            p = p.fma(t, p2);
            p = p.fma(t, p1);
            p = p.fma(t, p0);
            final FloatVector polynomial = v.fma(p, v);

            // A compare and blend rather than min, as in Exp: NaN fails the compare and stays NaN.
            final FloatVector u = a.blend(SATURATE, a.compare(VectorOperators.GT, SATURATE)).sub(Q_CENTRE);
            FloatVector q = u.fma(q8, q7);
            q = q.fma(u, q6);
            q = q.fma(u, q5);
            q = q.fma(u, q4);
            q = q.fma(u, q3);
            q = q.fma(u, q2);
            q = q.fma(u, q1);
            q = q.fma(u, q0);
            final IntVector magnitude = e.neg().fma(q, one).reinterpretAsInts();
            final IntVector sign = v.reinterpretAsInts().and(SIGN_BIT);
            final FloatVector exponential = magnitude.or(sign).reinterpretAsFloats();

            exponential.blend(polynomial, a.lt(SPLIT)).intoArray(out, outOff + i);
        }
        for (; i < count; i++) out[outOff + i] = erf(x[xOff + i], expMinusX2[eOff + i]);
    }
}
