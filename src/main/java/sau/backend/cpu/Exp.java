package sau.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 exponential, as a scalar and as a vector function that agree bit for bit.
 *
 * <p>{@code FloatVector.lanewise(EXP)} exists, but it calls a vector math library when the JVM
 * has one and falls back to one {@link Math#exp} per lane when it has not, which is many times
 * slower. This version is plain arithmetic, so it vectorises everywhere.
 *
 * <p>The method is the classic one. Write {@code x = k·ln 2 + r} with {@code k} the integer
 * nearest {@code x/ln 2}, so that {@code |r| <= ln(2)/2}; then {@code e^x = 2^k · e^r}.
 * {@code e^r} is {@code 1 + r + r²·E(r)} with {@code E} a degree-4 polynomial fitted by
 * {@code src/tools/fit_erf_exp.py} (relative error about 0.05 ulp), and {@code 2^k} is built
 * directly from its exponent bits. Rounding {@code x/ln 2} uses the "shifter" trick: adding
 * {@code 1.5·2^23} to a small float leaves its nearest integer in the low mantissa bits, which
 * needs no float-to-int conversion. {@code 2^k} is applied as two factors {@code 2^(k/2)}, so
 * that results that overflow become infinity instead of garbage.
 *
 * <p>Results below {@code e^−87 ≈ 1.6e−38}, near the bottom of the normal range, are flushed to
 * zero: x86 cores handle subnormal results with a microcode assist that costs about a hundred
 * cycles, and SAU at large n asks for {@code e^(−n²x²/2)} of huge arguments for nearly every
 * element; computing those as subnormals made its kernels several times slower.
 *
 * <p>The vector forms clamp only from above, with a compare and a blend: {@code max}/{@code min}
 * must propagate NaN, which on x86 costs several instructions each, while a compare is false
 * for NaN, which then flows through the arithmetic unchanged. Lanes below {@code −87} need no
 * clamp: whatever the arithmetic makes of them (even NaN, for −∞) is replaced by 0 at the end. Measured error (ExpTest): 1.003 ulp at most, the small excess
 * over 1 coming from rounding the reduced argument r.
 */
public final class Exp {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    /** Below this, e^x is flushed to zero (SauKernel's fast path relies on it); above MAX_ARG, it overflows. */
    static final float UNDERFLOW = -87f;
    private static final float MAX_ARG = 89f;
    private static final float LOG2E = 1.44269504f;
    /** ln 2 split in two, so that k·ln 2 is subtracted with about 48 bits. */
    private static final float LN2_HI = 0.693145752f;
    private static final float LN2_LO = 1.42860677e-6f;
    /** 1.5·2^23: adding it rounds to an integer kept in the low mantissa bits. */
    private static final float SHIFTER = 12582912f;
    private static final int SHIFTER_BITS = 0x4B400000;

    private static final float E0 = 0.49999994f;
    private static final float E1 = 0.16666523f;
    private static final float E2 = 0.041668292f;
    private static final float E3 = 0.008368533f;
    private static final float E4 = 0.0013818289f;

    private Exp() {}

    /**
     * e^x in float32, within about 1 ulp, and 0 for x < −87; e^-inf = 0, e^+inf = +inf, NaN gives
     * NaN.
     */
    public static float exp(float x) {
        if (x < UNDERFLOW) return 0f;
        x = Math.min(x, MAX_ARG);
        final float t = Math.fma(x, LOG2E, SHIFTER);
        final float kf = t - SHIFTER;
        final int k = Float.floatToRawIntBits(t) - SHIFTER_BITS;
        float r = Math.fma(kf, -LN2_HI, x);
        r = Math.fma(kf, -LN2_LO, r);
        float q = Math.fma(E4, r, E3);
        q = Math.fma(q, r, E2);
        q = Math.fma(q, r, E1);
        q = Math.fma(q, r, E0);
        final float p = Math.fma(r * r, q, r) + 1f;
        final int k1 = k >> 1;
        final int k2 = k - k1;
        return p * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
    }

    /**
     * e^x lane by lane, bit-identical to {@link #exp(float)}: the same steps as the loop of
     * {@link #exp(float[], int, float[], int, int)}, for code that has a vector in hand. A loop
     * over arrays should call the array form instead (see there for why).
     */
    public static FloatVector exp(FloatVector x) {
        final VectorMask<Float> underflow = x.lt(UNDERFLOW);
        x = x.blend(MAX_ARG, x.compare(VectorOperators.GT, MAX_ARG));
        final FloatVector t = x.fma(LOG2E, SHIFTER);
        final FloatVector kf = t.sub(SHIFTER);
        final IntVector k = t.reinterpretAsInts().sub(SHIFTER_BITS);
        FloatVector r = kf.fma(kf.broadcast(-LN2_HI), x);
        r = kf.fma(kf.broadcast(-LN2_LO), r);
        FloatVector q = r.fma(E4, E3);
        q = fma(q, r, E2);
        q = fma(q, r, E1);
        q = fma(q, r, E0);
        final FloatVector p = r.mul(r).fma(q, r).add(1f);
        final IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        final IntVector k2 = k.sub(k1);
        return p.mul(twoTo(k1)).mul(twoTo(k2)).blend(0f, underflow);
    }

    /** {@code a·b + c} with one rounding, like {@link Math#fma}, for a constant {@code c}. */
    static FloatVector fma(FloatVector a, FloatVector b, float c) {
        return a.fma(b, a.broadcast(c));
    }

    /** 2^k for k in the normal exponent range, built from its bits. */
    private static FloatVector twoTo(IntVector k) {
        return k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /**
     * {@code out[outOff + i] = e^x[xOff + i]} for {@code i < count}; {@code out} may be {@code x}.
     *
     * <p>The vector code is written out in this loop rather than calling {@link #exp(FloatVector)}:
     * that method, once the JIT compiles it on its own (which it does first, as it is called
     * more often than the loop turns), is too big to be inlined into the loop later, and then
     * every vector crossing the call is boxed on the heap, twenty times slower. Methods that
     * take and return arrays have no such cliff, so the kernels call this one.
     */
    public static void exp(float[] x, int xOff, float[] out, int outOff, int count) {
        final FloatVector log2e = FloatVector.broadcast(SPECIES, LOG2E);
        final FloatVector shifter = FloatVector.broadcast(SPECIES, SHIFTER);
        final FloatVector minusLn2Hi = FloatVector.broadcast(SPECIES, -LN2_HI);
        final FloatVector minusLn2Lo = FloatVector.broadcast(SPECIES, -LN2_LO);
        final FloatVector e1 = FloatVector.broadcast(SPECIES, E1);
        final FloatVector e2 = FloatVector.broadcast(SPECIES, E2);
        final FloatVector e3 = FloatVector.broadcast(SPECIES, E3);
        final FloatVector e4 = FloatVector.broadcast(SPECIES, E4);
        final FloatVector e0 = FloatVector.broadcast(SPECIES, E0);
        int i = 0;
        for (final int bound = SPECIES.loopBound(count); i < bound; i += SPECIES.length()) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xOff + i);
            final VectorMask<Float> underflow = v.lt(UNDERFLOW);
            v = v.blend(MAX_ARG, v.compare(VectorOperators.GT, MAX_ARG));
            final FloatVector t = v.fma(log2e, shifter);
            final FloatVector kf = t.sub(shifter);
            final IntVector k = t.reinterpretAsInts().sub(SHIFTER_BITS);
            FloatVector r = kf.fma(minusLn2Hi, v);
            r = kf.fma(minusLn2Lo, r);
            FloatVector q = r.fma(e4, e3);
            q = q.fma(r, e2);
            q = q.fma(r, e1);
            q = q.fma(r, e0);
            final FloatVector p = r.mul(r).fma(q, r).add(1f);
            final IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
            final IntVector k2 = k.sub(k1);
            p.mul(twoTo(k1)).mul(twoTo(k2)).blend(0f, underflow).intoArray(out, outOff + i);
        }
        for (; i < count; i++) out[outOff + i] = exp(x[xOff + i]);
    }
}
