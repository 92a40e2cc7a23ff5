package sau.backend.cpu;

import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused forward and backward kernels of the activation functions, over contiguous float arrays.
 *
 * <p>Forward computes {@code y = f(x)} in one pass; backward computes {@code gx = g·f'(x)} in one
 * pass, from x or, where that is cheaper, from y ({@link Activation#backwardReadsOutput()}).
 * Each activation below has its function and its gradient side by side, once for one float and
 * once for a vector of floats. The two do the same operations in the same order, so they agree
 * bit for bit; the scalar one is both the tail of the vector loops and the plain reference that
 * the tests compare against ({@link #forwardReference}, {@link #backwardReference}).
 *
 * <p>Each activation has its own pair of loops, and {@link #forward} hands one of them to the
 * thread pool as its own lambda. That keeps each activation's loop a separate compilation for
 * C2: one loop shared through an interface, or one method switching over all activations, would
 * either not inline the vector functions or run past C2's inlining budget once several
 * activations are in use, and a vector that crosses a call that is not inlined is boxed on the
 * heap, which is many times slower. GELU (exp and erf) and Softplus's forward (exp and log1p) are
 * too big even alone, so they go through small blocks, as {@link Erf#erf(float[], int, float[], int, int)} does.
 *
 * <p>Everything is built from {@link Exp} and {@link Erf} and plain arithmetic, so it vectorises
 * on every machine; tanh and log1p, which Java offers only one float at a time, are written here.
 * Large |x| is safe everywhere: exponentials are arranged to overflow to +∞ where 1/∞ = 0 is the
 * right limit, or are clamped where ∞/∞ would appear.
 */
public final class ActivationKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int GRAIN = Elementwise.GRAIN;

    private static final float SQRT1_2 = 0.70710678f;
    /** 1/√(2π), the peak of the standard normal density. */
    private static final float INV_SQRT_2PI = 0.39894228f;
    /** GELU-tanh: 2u = x·(K1 + K3·x²) with u = √(2/π)·(x + 0.044715·x³). */
    private static final float K1 = 1.5957691f;
    private static final float K3 = 1.5957691f * 0.044715f;
    /** Above this, tanh(softplus(x)) is 1 in float; Mish clamps there so that e^x never overflows. */
    private static final float MISH_CLAMP = 20f;
    /** The block length of the kernels that go through a buffer (GELU, Softplus); small enough for L1. */
    private static final int BLOCK = 256;
    /** Below this |x|, tanh uses its Taylor series; above, 1 − 2/(e^(2|x|) + 1). */
    private static final float TANH_SPLIT = 0.3f;

    private ActivationKernels() {}

    // ---- dispatch -------------------------------------------------------------------------

    /** {@code y[yOff + i] = f(x[xOff + i])} for {@code i < n}. */
    public static void forward(Activation f, float[] x, int xOff, float[] y, int yOff, int n, float p, float q) {
        Parallel.forRange(n, GRAIN, forwardBody(f, x, xOff, y, yOff, p, q));
    }

    /**
     * The work of {@link #forward} as a body to run on any range {@code [start, end)} of elements,
     * on the calling thread; {@code y} may be {@code x} (in place). Other kernels use it to apply
     * an activation to what they have just written, while it is still in cache.
     */
    public static Parallel.RangeBody forwardBody(Activation f, float[] x, int xOff, float[] y, int yOff, float p, float q) {
        return switch (f) {
            case RELU -> (s, e) -> reluForward(x, xOff, y, yOff, s, e);
            case LEAKY_RELU -> (s, e) -> leakyReluForward(x, xOff, y, yOff, s, e, p);
            case ELU -> (s, e) -> eluForward(x, xOff, y, yOff, s, e, p);
            case SOFTPLUS -> (s, e) -> softplusForward(x, xOff, y, yOff, s, e, p, q);
            case SILU -> (s, e) -> siluForward(x, xOff, y, yOff, s, e);
            case GELU -> (s, e) -> geluForward(x, xOff, y, yOff, s, e);
            case GELU_TANH -> (s, e) -> geluTanhForward(x, xOff, y, yOff, s, e);
            case RELU6 -> (s, e) -> relu6Forward(x, xOff, y, yOff, s, e);
            case MISH -> (s, e) -> mishForward(x, xOff, y, yOff, s, e);
            case TANH -> (s, e) -> tanhForward(x, xOff, y, yOff, s, e);
            case SIGMOID -> (s, e) -> sigmoidForward(x, xOff, y, yOff, s, e);
        };
    }

    /**
     * {@code gx[gxOff + i] = g[gOff + i]·f'(x[xOff + i])} for {@code i < n}. {@code y} is the
     * forward output; it may be null when {@code f.backwardReadsOutput()} is false.
     */
    public static void backward(Activation f, float[] x, int xOff, float[] y, int yOff, float[] g, int gOff, float[] gx, int gxOff, int n, float p, float q) {
        if (f.backwardReadsOutput() && y == null) throw new IllegalArgumentException(f + " backward reads the forward output, got null");
        final Parallel.RangeBody body = switch (f) {
            case RELU -> (s, e) -> reluBackward(x, xOff, g, gOff, gx, gxOff, s, e);
            case LEAKY_RELU -> (s, e) -> leakyReluBackward(x, xOff, g, gOff, gx, gxOff, s, e, p);
            case ELU -> (s, e) -> eluBackward(x, xOff, y, yOff, g, gOff, gx, gxOff, s, e, p);
            case SOFTPLUS -> (s, e) -> softplusBackward(x, xOff, g, gOff, gx, gxOff, s, e, p, q);
            case SILU -> (s, e) -> siluBackward(x, xOff, g, gOff, gx, gxOff, s, e);
            case GELU -> (s, e) -> geluBackward(x, xOff, g, gOff, gx, gxOff, s, e);
            case GELU_TANH -> (s, e) -> geluTanhBackward(x, xOff, g, gOff, gx, gxOff, s, e);
            case RELU6 -> (s, e) -> relu6Backward(x, xOff, g, gOff, gx, gxOff, s, e);
            case MISH -> (s, e) -> mishBackward(x, xOff, g, gOff, gx, gxOff, s, e);
            case TANH -> (s, e) -> tanhBackward(y, yOff, g, gOff, gx, gxOff, s, e);
            case SIGMOID -> (s, e) -> sigmoidBackward(y, yOff, g, gOff, gx, gxOff, s, e);
        };
        Parallel.forRange(n, GRAIN, body);
    }

    /** The scalar reference of {@link #forward}: one element at a time, on one thread. */
    public static float[] forwardReference(Activation f, float[] x, float p, float q) {
        final float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = scalarForward(f, x[i], p, q);
        return y;
    }

    /** The scalar reference of {@link #backward}. */
    public static float[] backwardReference(Activation f, float[] x, float[] y, float[] g, float p, float q) {
        final float[] gx = new float[x.length];
        for (int i = 0; i < x.length; i++) gx[i] = scalarBackward(f, x[i], y == null ? 0 : y[i], g[i], p, q);
        return gx;
    }

    private static float scalarForward(Activation f, float x, float p, float q) {
        return switch (f) {
            case RELU -> relu(x);
            case LEAKY_RELU -> leakyRelu(x, p);
            case ELU -> elu(x, p);
            case SOFTPLUS -> softplus(x, p, q);
            case SILU -> silu(x);
            case GELU -> gelu(x);
            case GELU_TANH -> geluTanh(x);
            case RELU6 -> relu6(x);
            case MISH -> mish(x);
            case TANH -> tanh(x);
            case SIGMOID -> sigmoid(x);
        };
    }

    private static float scalarBackward(Activation f, float x, float y, float g, float p, float q) {
        return switch (f) {
            case RELU -> reluBackward(x, g);
            case LEAKY_RELU -> leakyReluBackward(x, g, p);
            case ELU -> eluBackward(x, y, g, p);
            case SOFTPLUS -> softplusBackward(x, g, p, q);
            case SILU -> siluBackward(x, g);
            case GELU -> geluBackward(x, g);
            case GELU_TANH -> geluTanhBackward(x, g);
            case RELU6 -> relu6Backward(x, g);
            case MISH -> mishBackward(x, g);
            case TANH -> tanhBackward(y, g);
            case SIGMOID -> sigmoidBackward(y, g);
        };
    }

    private static FloatVector load(float[] a, int i) {
        return FloatVector.fromArray(S, a, i);
    }

    private static FloatVector zero() {
        return FloatVector.zero(S);
    }

    // ---- ReLU: y = max(x, 0) ----------------------------------------------------------------

    static float relu(float x) {
        return Math.max(x, 0f);
    }

    static FloatVector relu(FloatVector x) {
        return x.max(0f);
    }

    private static void reluForward(float[] x, int xo, float[] y, int yo, int start, int end) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) relu(load(x, xo + i)).intoArray(y, yo + i);
        for (; i < end; i++) y[yo + i] = relu(x[xo + i]);
    }

    /** dy/dx = 1 for x > 0, else 0 (0 at the kink, as PyTorch). */
    static float reluBackward(float x, float g) {
        return x > 0 ? g : 0f;
    }

    static FloatVector reluBackward(FloatVector x, FloatVector g) {
        return zero().blend(g, x.compare(GT, 0f));
    }

    private static void reluBackward(float[] x, int xo, float[] g, int go, float[] gx, int gxo, int start, int end) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) {
            reluBackward(load(x, xo + i), load(g, go + i)).intoArray(gx, gxo + i);
        }
        for (; i < end; i++) gx[gxo + i] = reluBackward(x[xo + i], g[go + i]);
    }

    // ---- LeakyReLU: y = x for x > 0, s·x otherwise ------------------------------------------

    static float leakyRelu(float x, float slope) {
        return x > 0 ? x : slope * x;
    }

    static FloatVector leakyRelu(FloatVector x, float slope) {
        return x.mul(slope).blend(x, x.compare(GT, 0f));
    }

    private static void leakyReluForward(float[] x, int xo, float[] y, int yo, int start, int end, float slope) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) leakyRelu(load(x, xo + i), slope).intoArray(y, yo + i);
        for (; i < end; i++) y[yo + i] = leakyRelu(x[xo + i], slope);
    }

    /** dy/dx = 1 for x > 0, s otherwise. */
    static float leakyReluBackward(float x, float g, float slope) {
        return x > 0 ? g : slope * g;
    }

    static FloatVector leakyReluBackward(FloatVector x, FloatVector g, float slope) {
        return g.mul(slope).blend(g, x.compare(GT, 0f));
    }

    private static void leakyReluBackward(float[] x, int xo, float[] g, int go, float[] gx, int gxo, int start, int end, float slope) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) {
            leakyReluBackward(load(x, xo + i), load(g, go + i), slope).intoArray(gx, gxo + i);
        }
        for (; i < end; i++) gx[gxo + i] = leakyReluBackward(x[xo + i], g[go + i], slope);
    }

    // ---- ELU: y = x for x > 0, α(eˣ − 1) otherwise ------------------------------------------

    static float elu(float x, float alpha) {
        return x > 0 ? x : alpha * (Exp.exp(x) - 1f);
    }

    static FloatVector elu(FloatVector x, float alpha) {
        return Exp.exp(x).sub(1f).mul(alpha).blend(x, x.compare(GT, 0f));
    }

    private static void eluForward(float[] x, int xo, float[] y, int yo, int start, int end, float alpha) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) elu(load(x, xo + i), alpha).intoArray(y, yo + i);
        for (; i < end; i++) y[yo + i] = elu(x[xo + i], alpha);
    }

    /** dy/dx = 1 for x > 0, α·eˣ = y + α otherwise: read from y, no exponential. */
    static float eluBackward(float x, float y, float g, float alpha) {
        return x > 0 ? g : g * (y + alpha);
    }

    static FloatVector eluBackward(FloatVector x, FloatVector y, FloatVector g, float alpha) {
        return g.mul(y.add(alpha)).blend(g, x.compare(GT, 0f));
    }

    private static void eluBackward(float[] x, int xo, float[] y, int yo, float[] g, int go, float[] gx, int gxo, int start, int end, float alpha) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) {
            eluBackward(load(x, xo + i), load(y, yo + i), load(g, go + i), alpha).intoArray(gx, gxo + i);
        }
        for (; i < end; i++) gx[gxo + i] = eluBackward(x[xo + i], y[yo + i], g[go + i], alpha);
    }

    // ---- Softplus: y = (1/β)·ln(1 + e^(βx)), and y = x where βx > threshold ------------------
    // ln(1 + e^z) = max(z, 0) + log1p(e^(−|z|)): the exponential is at most 1, so nothing
    // overflows, and log1p keeps the tiny values for very negative z.

    static float softplus(float x, float beta, float threshold) {
        final float z = beta * x;
        if (z > threshold) return x;
        return (Math.max(z, 0f) + log1pUnit(Exp.exp(-Math.abs(z)))) / beta;
    }

    /**
     * Exponential and log1p in one loop body are more than C2 inlines, so blocks of e^(−|βx|)
     * go through a small buffer first, by Exp's own loop.
     */
    private static void softplusForward(float[] x, int xo, float[] y, int yo, int start, int end, float beta, float threshold) {
        final float[] e = new float[Math.min(BLOCK, end - start)];
        for (int b = start; b < end; b += BLOCK) {
            final int m = Math.min(BLOCK, end - b);
            for (int i = 0; i < m; i++) e[i] = -Math.abs(beta * x[xo + b + i]);
            Exp.exp(e, 0, e, 0, m);
            int i = 0;
            for (final int bound = S.loopBound(m); i < bound; i += L) {
                final FloatVector xv = load(x, xo + b + i);
                final FloatVector z = xv.mul(beta);
                z.max(0f).add(log1pUnit(load(e, i))).div(beta).blend(xv, z.compare(GT, threshold)).intoArray(y, yo + b + i);
            }
            for (; i < m; i++) {
                final float xi = x[xo + b + i], z = beta * xi;
                y[yo + b + i] = z > threshold ? xi : (Math.max(z, 0f) + log1pUnit(e[i])) / beta;
            }
        }
    }

    /** dy/dx = σ(βx) = 1/(1 + e^(−βx)), and 1 where βx > threshold. */
    static float softplusBackward(float x, float g, float beta, float threshold) {
        final float z = beta * x;
        return z > threshold ? g : g / (1f + Exp.exp(-z));
    }

    static FloatVector softplusBackward(FloatVector x, FloatVector g, float beta, float threshold) {
        final FloatVector z = x.mul(beta);
        return g.div(Exp.exp(z.neg()).add(1f)).blend(g, z.compare(GT, threshold));
    }

    private static void softplusBackward(float[] x, int xo, float[] g, int go, float[] gx, int gxo, int start, int end, float beta, float threshold) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) {
            softplusBackward(load(x, xo + i), load(g, go + i), beta, threshold).intoArray(gx, gxo + i);
        }
        for (; i < end; i++) gx[gxo + i] = softplusBackward(x[xo + i], g[go + i], beta, threshold);
    }

    // ---- SiLU (Swish): y = x·σ(x) = x/(1 + e^(−x)) -------------------------------------------

    static float silu(float x) {
        return x / (1f + Exp.exp(-x));
    }

    static FloatVector silu(FloatVector x) {
        return x.div(Exp.exp(x.neg()).add(1f));
    }

    private static void siluForward(float[] x, int xo, float[] y, int yo, int start, int end) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) silu(load(x, xo + i)).intoArray(y, yo + i);
        for (; i < end; i++) y[yo + i] = silu(x[xo + i]);
    }

    /** dy/dx = σ(x) + x·σ(x)(1 − σ(x)) = σ(x)·(1 + x·(1 − σ(x))). */
    static float siluBackward(float x, float g) {
        final float s = 1f / (1f + Exp.exp(-x));
        return g * (s * Math.fma(x, 1f - s, 1f));
    }

    static FloatVector siluBackward(FloatVector x, FloatVector g) {
        final FloatVector s = x.broadcast(1f).div(Exp.exp(x.neg()).add(1f));
        return g.mul(s.mul(x.fma(s.neg().add(1f), x.broadcast(1f))));
    }

    private static void siluBackward(float[] x, int xo, float[] g, int go, float[] gx, int gxo, int start, int end) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) {
            siluBackward(load(x, xo + i), load(g, go + i)).intoArray(gx, gxo + i);
        }
        for (; i < end; i++) gx[gxo + i] = siluBackward(x[xo + i], g[go + i]);
    }

    // ---- GELU: y = x·Φ(x) = ½·x·(1 + erf(x/√2)) ------------------------------------------------
    // The loops go block by block: v = x/√2 and e^(−v²) into two small buffers that stay in L1,
    // erf(v) by Erf's own loop, then the result. The scalar versions are the same steps.

    static float gelu(float x) {
        return 0.5f * x * (1f + Erf.erf(x * SQRT1_2));
    }

    private static void geluForward(float[] x, int xo, float[] y, int yo, int start, int end) {
        final float[] v = new float[Math.min(BLOCK, end - start)];
        final float[] e = new float[v.length];
        for (int b = start; b < end; b += BLOCK) {
            final int m = Math.min(BLOCK, end - b);
            geluBlock(x, xo + b, v, e, m);
            int i = 0;
            for (final int bound = S.loopBound(m); i < bound; i += L) {
                load(x, xo + b + i).mul(0.5f).mul(load(v, i).add(1f)).intoArray(y, yo + b + i);
            }
            for (; i < m; i++) y[yo + b + i] = 0.5f * x[xo + b + i] * (1f + v[i]);
        }
    }

    /** For {@code m} elements from {@code x[xi]}: {@code e = e^(−v²)} and {@code v = erf(v)}, with v = x/√2. */
    private static void geluBlock(float[] x, int xi, float[] v, float[] e, int m) {
        for (int i = 0; i < m; i++) {
            v[i] = x[xi + i] * SQRT1_2;
            e[i] = -(v[i] * v[i]);
        }
        Exp.exp(e, 0, e, 0, m);
        Erf.erf(v, 0, e, 0, v, 0, m);
    }

    /**
     * dy/dx = Φ(x) + x·φ(x), with φ(x) = e^(−x²/2)/√(2π). With v = x/√2, e^(−x²/2) = e^(−v²) is
     * also the exponential erf(v) needs, so one exponential serves both.
     */
    static float geluBackward(float x, float g) {
        final float v = x * SQRT1_2;
        final float e = Exp.exp(-(v * v));
        final float cdf = 0.5f * (1f + Erf.erf(v, e));
        return g * Math.fma(x, e * INV_SQRT_2PI, cdf);
    }

    private static void geluBackward(float[] x, int xo, float[] g, int go, float[] gx, int gxo, int start, int end) {
        final float[] v = new float[Math.min(BLOCK, end - start)];
        final float[] e = new float[v.length];
        for (int b = start; b < end; b += BLOCK) {
            final int m = Math.min(BLOCK, end - b);
            geluBlock(x, xo + b, v, e, m);
            int i = 0;
            for (final int bound = S.loopBound(m); i < bound; i += L) {
                final FloatVector cdf = load(v, i).add(1f).mul(0.5f);
                load(g, go + b + i).mul(load(x, xo + b + i).fma(load(e, i).mul(INV_SQRT_2PI), cdf)).intoArray(gx, gxo + b + i);
            }
            for (; i < m; i++) gx[gxo + b + i] = g[go + b + i] * Math.fma(x[xo + b + i], e[i] * INV_SQRT_2PI, 0.5f * (1f + v[i]));
        }
    }

    // ---- GELU, tanh approximation: y = ½·x·(1 + tanh u), u = √(2/π)·(x + 0.044715·x³) ------------
    // ½(1 + tanh u) = σ(2u), so y = x/(1 + e^(−2u)): one exponential, and no tanh.

    static float geluTanh(float x) {
        final float k = x * Math.fma(K3, x * x, K1); // 2u
        return x / (1f + Exp.exp(-k));
    }

    static FloatVector geluTanh(FloatVector x) {
        final FloatVector k = x.mul(x.mul(x).fma(K3, K1));
        return x.div(Exp.exp(k.neg()).add(1f));
    }

    private static void geluTanhForward(float[] x, int xo, float[] y, int yo, int start, int end) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) geluTanh(load(x, xo + i)).intoArray(y, yo + i);
        for (; i < end; i++) y[yo + i] = geluTanh(x[xo + i]);
    }

    /** With s = σ(2u): dy/dx = s + x·s(1 − s)·d(2u)/dx, d(2u)/dx = 2√(2/π)·(1 + 3·0.044715·x²). */
    static float geluTanhBackward(float x, float g) {
        final float x2 = x * x;
        final float s = 1f / (1f + Exp.exp(-(x * Math.fma(K3, x2, K1))));
        final float dk = Math.fma(3f * K3, x2, K1);
        return g * Math.fma(x * s, (1f - s) * dk, s);
    }

    static FloatVector geluTanhBackward(FloatVector x, FloatVector g) {
        final FloatVector x2 = x.mul(x);
        final FloatVector s = x.broadcast(1f).div(Exp.exp(x.mul(x2.fma(K3, K1)).neg()).add(1f));
        final FloatVector dk = x2.fma(3f * K3, K1);
        return g.mul(x.mul(s).fma(s.neg().add(1f).mul(dk), s));
    }

    private static void geluTanhBackward(float[] x, int xo, float[] g, int go, float[] gx, int gxo, int start, int end) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) {
            geluTanhBackward(load(x, xo + i), load(g, go + i)).intoArray(gx, gxo + i);
        }
        for (; i < end; i++) gx[gxo + i] = geluTanhBackward(x[xo + i], g[go + i]);
    }

    // ---- ReLU6: y = min(max(x, 0), 6) -----------------------------------------------------------

    static float relu6(float x) {
        return Math.min(Math.max(x, 0f), 6f);
    }

    static FloatVector relu6(FloatVector x) {
        return x.max(0f).min(6f);
    }

    private static void relu6Forward(float[] x, int xo, float[] y, int yo, int start, int end) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) relu6(load(x, xo + i)).intoArray(y, yo + i);
        for (; i < end; i++) y[yo + i] = relu6(x[xo + i]);
    }

    /** dy/dx = 1 for 0 < x < 6, else 0 (0 at both kinks, as PyTorch). */
    static float relu6Backward(float x, float g) {
        return x > 0 && x < 6 ? g : 0f;
    }

    static FloatVector relu6Backward(FloatVector x, FloatVector g) {
        return zero().blend(g, x.compare(GT, 0f).and(x.compare(LT, 6f)));
    }

    private static void relu6Backward(float[] x, int xo, float[] g, int go, float[] gx, int gxo, int start, int end) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) {
            relu6Backward(load(x, xo + i), load(g, go + i)).intoArray(gx, gxo + i);
        }
        for (; i < end; i++) gx[gxo + i] = relu6Backward(x[xo + i], g[go + i]);
    }

    // ---- Mish: y = x·tanh(softplus(x)) ----------------------------------------------------------
    // With e = eˣ and n = e(e + 2): tanh(ln(1 + e)) = ((1+e)² − 1)/((1+e)² + 1) = n/(n + 2).
    // One exponential and no tanh or log. For x > 20 that ratio is 1 in float, so x is clamped
    // there before exponentiating, which keeps n² finite.

    static float mish(float x) {
        final float e = Exp.exp(Math.min(x, MISH_CLAMP));
        final float n = e * (e + 2f);
        return x * (n / (n + 2f));
    }

    static FloatVector mish(FloatVector x) {
        final FloatVector e = Exp.exp(x.min(MISH_CLAMP));
        final FloatVector n = e.mul(e.add(2f));
        return x.mul(n.div(n.add(2f)));
    }

    private static void mishForward(float[] x, int xo, float[] y, int yo, int start, int end) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) mish(load(x, xo + i)).intoArray(y, yo + i);
        for (; i < end; i++) y[yo + i] = mish(x[xo + i]);
    }

    /**
     * dy/dx = tanh(sp) + x·(1 − tanh²(sp))·σ(x), sp = softplus(x). In terms of e and n, with
     * d = 1/(n + 2): tanh(sp) = n·d and x·(1 − tanh²(sp))·σ(x) = 4x·e(1 + e)·d². The second
     * term uses the clamped x too: above 20 it is below 1e-15 either way.
     */
    static float mishBackward(float x, float g) {
        final float xc = Math.min(x, MISH_CLAMP);
        final float e = Exp.exp(xc);
        final float n = e * (e + 2f);
        final float d = 1f / (n + 2f);
        return g * Math.fma(4f * xc * e * (1f + e), d * d, n * d);
    }

    static FloatVector mishBackward(FloatVector x, FloatVector g) {
        final FloatVector xc = x.min(MISH_CLAMP);
        final FloatVector e = Exp.exp(xc);
        final FloatVector n = e.mul(e.add(2f));
        final FloatVector d = x.broadcast(1f).div(n.add(2f));
        return g.mul(xc.mul(4f).mul(e).mul(e.add(1f)).fma(d.mul(d), n.mul(d)));
    }

    private static void mishBackward(float[] x, int xo, float[] g, int go, float[] gx, int gxo, int start, int end) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) {
            mishBackward(load(x, xo + i), load(g, go + i)).intoArray(gx, gxo + i);
        }
        for (; i < end; i++) gx[gxo + i] = mishBackward(x[xo + i], g[go + i]);
    }

    // ---- Tanh -----------------------------------------------------------------------------------
    // Small |x|: the odd Taylor series x − x³/3 + 2x⁵/15 − 17x⁷/315 + 62x⁹/2835 − 1382x¹¹/155925,
    // whose next term is below 1e-9·|x| for |x| < 0.3. Larger |x|: tanh|x| = 1 − 2/(e^(2|x|) + 1),
    // which has no cancellation there and reaches exactly 1 when the exponential overflows.

    private static final float T3 = -1f / 3f;
    private static final float T5 = 2f / 15f;
    private static final float T7 = -17f / 315f;
    private static final float T9 = 62f / 2835f;
    private static final float T11 = -1382f / 155925f;

    static float tanh(float x) {
        final float a = Math.abs(x);
        if (a < TANH_SPLIT) {
            final float t = x * x;
            float p = Math.fma(T11, t, T9);
            p = Math.fma(p, t, T7);
            p = Math.fma(p, t, T5);
            p = Math.fma(p, t, T3);
            return Math.fma(x * t, p, x);
        }
        return Math.copySign(1f - 2f / (Exp.exp(2f * a) + 1f), x);
    }

    static FloatVector tanh(FloatVector x) {
        final FloatVector a = x.abs();
        final FloatVector t = x.mul(x);
        FloatVector p = t.fma(T11, T9);
        p = Exp.fma(p, t, T7);
        p = Exp.fma(p, t, T5);
        p = Exp.fma(p, t, T3);
        final FloatVector series = x.mul(t).fma(p, x);
        final FloatVector large = x.broadcast(1f).sub(x.broadcast(2f).div(Exp.exp(a.mul(2f)).add(1f)));
        final FloatVector signed = large.reinterpretAsInts().or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
        final VectorMask<Float> small = a.compare(LT, TANH_SPLIT);
        return signed.blend(series, small);
    }

    private static void tanhForward(float[] x, int xo, float[] y, int yo, int start, int end) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) tanh(load(x, xo + i)).intoArray(y, yo + i);
        for (; i < end; i++) y[yo + i] = tanh(x[xo + i]);
    }

    /** dy/dx = 1 − tanh²x = 1 − y²: read from y. */
    static float tanhBackward(float y, float g) {
        return g * Math.fma(-y, y, 1f);
    }

    static FloatVector tanhBackward(FloatVector y, FloatVector g) {
        return g.mul(y.neg().fma(y, y.broadcast(1f)));
    }

    private static void tanhBackward(float[] y, int yo, float[] g, int go, float[] gx, int gxo, int start, int end) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) {
            tanhBackward(load(y, yo + i), load(g, go + i)).intoArray(gx, gxo + i);
        }
        for (; i < end; i++) gx[gxo + i] = tanhBackward(y[yo + i], g[go + i]);
    }

    // ---- Sigmoid: y = σ(x) = 1/(1 + e^(−x)) -------------------------------------------------------
    // For x < −88, e^(−x) overflows to +∞ and 1/∞ = 0, the right limit.

    static float sigmoid(float x) {
        return 1f / (1f + Exp.exp(-x));
    }

    static FloatVector sigmoid(FloatVector x) {
        return x.broadcast(1f).div(Exp.exp(x.neg()).add(1f));
    }

    private static void sigmoidForward(float[] x, int xo, float[] y, int yo, int start, int end) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) sigmoid(load(x, xo + i)).intoArray(y, yo + i);
        for (; i < end; i++) y[yo + i] = sigmoid(x[xo + i]);
    }

    /** dy/dx = σ(x)(1 − σ(x)) = y(1 − y): read from y. */
    static float sigmoidBackward(float y, float g) {
        return g * (y * (1f - y));
    }

    static FloatVector sigmoidBackward(FloatVector y, FloatVector g) {
        return g.mul(y.mul(y.neg().add(1f)));
    }

    private static void sigmoidBackward(float[] y, int yo, float[] g, int go, float[] gx, int gxo, int start, int end) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += L) {
            sigmoidBackward(load(y, yo + i), load(g, go + i)).intoArray(gx, gxo + i);
        }
        for (; i < end; i++) gx[gxo + i] = sigmoidBackward(y[yo + i], g[go + i]);
    }

    // ---- log1p on [0, 1] -----------------------------------------------------------------------
    // ln(1 + u) = 2·atanh(s) = 2(s + s³/3 + s⁵/5 + ...), s = u/(2 + u) ≤ 1/3; through s¹³ the
    // series is within 1e-9 relative, and it keeps full precision for tiny u, where ln(1 + u)
    // computed directly would round 1 + u to 1.

    static float log1pUnit(float u) {
        final float s = u / (2f + u);
        final float t = s * s;
        float p = Math.fma(1f / 13f, t, 1f / 11f);
        p = Math.fma(p, t, 1f / 9f);
        p = Math.fma(p, t, 1f / 7f);
        p = Math.fma(p, t, 1f / 5f);
        p = Math.fma(p, t, 1f / 3f);
        final float s2 = s + s;
        return Math.fma(s2 * t, p, s2);
    }

    static FloatVector log1pUnit(FloatVector u) {
        final FloatVector s = u.div(u.add(2f));
        final FloatVector t = s.mul(s);
        FloatVector p = t.fma(1f / 13f, 1f / 11f);
        p = Exp.fma(p, t, 1f / 9f);
        p = Exp.fma(p, t, 1f / 7f);
        p = Exp.fma(p, t, 1f / 5f);
        p = Exp.fma(p, t, 1f / 3f);
        final FloatVector s2 = s.add(s);
        return s2.mul(t).fma(p, s2);
    }
}
