package sau.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SAU activation (Biswas et al. 2021, "SAU: Smooth activation function using convolution
 * with approximate identities"), forward and backward, on the CPU.
 *
 * <p>SAU smooths LeakyReLU[α] by convolving it with the Gaussian {@code φ_n(x) = (n/√(2π))·e^(−n²x²/2)},
 * which tends to the Dirac delta as n grows. Its equation (3) is
 * <pre>
 *   G(x, α, n) = A + (1+α)/2·x + (1−α)/2·x·erf(n·x/√2),   A = (1/(2n))·sqrt(2/π)·exp(−n²x²/2)
 * </pre>
 * The exact convolution has {@code (1−α)·A} as its first term; the zero-centred variant the paper
 * mentions uses {@code x·A}, so that G(0) = 0 (see {@link SauVariant}). α is one number per layer
 * or one per channel; n is a hyper-parameter (default 20000) or trainable.
 *
 * <p>Writing {@code z = n·x/√2}, both the Gaussian and the derivative of erf are {@code e^(−z²)}
 * (since {@code d/dz erf(z) = (2/√π)·e^(−z²)}), so each element needs one exponential and one erf,
 * and {@link Erf#erf(float[], int, float[], int, float[], int, int)} reuses the exponential.
 * Forward and backward are each one pass over x with no temporaries, vectorised and spread over
 * {@link Parallel}; within a pass, each segment of at most {@value #BLOCK_COLUMNS} elements goes
 * through three short loops (exponential, erf, the formula) whose intermediates stay in L1.
 *
 * <p><b>The saturated fast path.</b> Far from 0, SAU is exactly LeakyReLU in float32. When
 * {@code z² > 87} (that is {@code |x| > √174/n}), the full path itself computes {@code e^(−z²)}
 * as exactly 0 ({@link Exp} flushes results below {@code e^−87} to zero) and {@code erf(z)} as
 * exactly ±1 ({@link Erf} returns 1 once {@code erfc < 2^−25}, from {@code |z| = 4}). Every
 * Gaussian term of G and of its derivatives then drops out, whatever its polynomial factor
 * ({@code n·x·e^(−z²)}, {@code x²·e^(−z²)}, …, see {@link #backwardSegment}), and what is left is
 * <pre>
 *   G = s·x,   ∂G/∂x = s,   ∂G/∂α = x·(1 − erf(z))/2 = (x &lt; 0 ? x : 0),   ∂G/∂n = 0,
 *   s = (1+α)/2 ± (1−α)/2  (1 for x &gt; 0, α for x &lt; 0)
 * </pre>
 * for all three variants (the zero-centred first term {@code x·A} vanishes with A). So a vector
 * whose lanes all have {@code z² > 87} skips the exponential and erf and is memory-bound, and
 * it gets the same bits the full path would give: this is not a further approximation, only
 * the full path with its zero terms left out. (The neglected Gaussian is below {@code e^−87},
 * far under float resolution on the scale {@code |x| + 1/n} of G, of {@code 1} of ∂G/∂x, and
 * of {@code x² + 1/n²} of ∂G/∂n.) At the default n = 20000 this covers every x with
 * {@code |x| > 6.6e−4}: for x ~ N(0, 1), all but about 0.4% of 8-lane vectors. Vectors with a
 * lane closer to 0 take the full path, consecutive ones together, so at n = 1, where few
 * saturate, the full path still runs over whole segments.
 *
 * <p>The data is contiguous with logical shape (outer, channels, inner); with one α per channel
 * it is seen as a matrix of {@code outer} rows and {@code channels·inner} columns, so that α is
 * a function of the column. The work is cut into tasks of a fixed shape (a block of at most
 * {@value #BLOCK_COLUMNS} columns over a group of rows), each task first writes the α-dependent
 * constants of its columns into small arrays that stay in the L1 cache, and then loads them
 * as vectors: this vectorises equally well when inner is large (a conv layer) or 1 (a linear
 * layer, α per feature). With one α per layer the flat data is cut into rows of
 * {@value #BLOCK_COLUMNS}. Backward adds each element's contribution to ∂L/∂α and ∂L/∂n into a
 * float per column of its task, sums those per task in double, and sums the tasks in task order:
 * the tasks do not depend on the number of threads, so neither do the gradients, to the bit.
 */
public final class SauKernel {

    private static final VectorSpecies<Float> SPECIES = Exp.SPECIES;
    private static final int V = SPECIES.length();

    /** sqrt(2/π), the factor that {@code (2/√π)·(1/√2)} becomes in every derivative. */
    private static final float C = (float) Math.sqrt(2 / Math.PI);
    /** Columns per task: the per-column arrays of a task then fit in 12 KB of L1 cache. */
    static final int BLOCK_COLUMNS = 512;
    /** About how many elements a task covers: big enough that starting one costs nothing. */
    static final int TASK_ELEMENTS = 32768;
    /** Vectors the fast paths test together (see {@link #saturatedForward}). */
    private static final int GROUP = 4;
    /** z² above which e^(−z²) is flushed to zero and erf(z) is ±1: where SAU is exactly LeakyReLU. */
    private static final float SATURATED_Z2 = -Exp.UNDERFLOW;

    private SauKernel() {}

    /**
     * {@code y = G(x, α, n)} for the {@code outer·channels·inner} elements from {@code xOff},
     * written from {@code yOff}. {@code alpha} has length 1 (per layer) or {@code channels}.
     */
    public static void forward(float[] x, int xOff, float[] y, int yOff, int outer, int channels, int inner,
                               float[] alpha, float n, SauVariant v) {
        final Tiling tiling = Tiling.of(outer, channels, inner, alpha, n);
        final boolean zeroCentred = v == SauVariant.ZERO_CENTRED;
        Parallel.forRange(tiling.tasks(), 1, (first, last) -> {
            final Scratch s = new Scratch(tiling.blockWidth);
            for (int t = first; t < last; t++) {
                final int j0 = tiling.firstColumn(t);
                final int j1 = tiling.endColumn(t);
                s.loadColumns(tiling, j0, j1, alpha, n, v);
                for (int r = tiling.firstRow(t); r < tiling.endRow(t); r++) {
                    final int at = r * tiling.width + j0;
                    final int len = tiling.segmentEnd(r, j1) - j0;
                    final int body = len - len % V;
                    final int mixed = saturatedForward(x, xOff + at, y, yOff + at, body, n, s);
                    for (int k = 0; k < mixed; ) {
                        // A run of consecutive vectors that need the full path.
                        final int from = s.mixed[k];
                        int to = from + V;
                        for (k++; k < mixed && s.mixed[k] == to; k++) to += V;
                        gaussianAndErf(x, xOff + at + from, to - from, n, s);
                        forwardSegment(x, xOff + at + from, y, yOff + at + from, to - from, s, from, n, zeroCentred);
                    }
                    if (body < len) {
                        // The last few elements go through the same vector code, padded with zeros.
                        Scratch.pad(x, xOff + at + body, len - body, s.tailX);
                        gaussianAndErf(s.tailX, 0, V, n, s);
                        forwardSegment(s.tailX, 0, s.tailOut, 0, V, s, body, n, zeroCentred);
                        System.arraycopy(s.tailOut, 0, y, yOff + at + body, len - body);
                    }
                }
            }
        });
    }

    /**
     * The fast path of forward over {@code len} elements (a multiple of the vector length) from
     * column 0 of the task's arrays: writes {@code y = s·x} for every vector, lists the offsets of
     * those whose lanes are not all saturated in {@code s.mixed} (the full path then overwrites
     * them), and returns how many it listed.
     *
     * <p>The vectors are taken {@value #GROUP} at a time and tested together first, on the
     * smallest |x| among them: one test and one branch for four vectors, where almost every group
     * passes. Tested one by one, with a branch around each store, forward took 1.1–1.5× as long
     * (docs/performance.md). Backward's fast path, which reads twice as much, did not gain from
     * the same change: with its sum for ∂G/∂α in the loop, the loop grew past what the JIT
     * inlines; with the sum in a second pass, that pass cost more than the tests saved.
     */
    private static int saturatedForward(float[] x, int xOff, float[] y, int yOff, int len, float n, Scratch s) {
        final float zScale = zScale(n);
        int mixed = 0;
        int i = 0;
        for (; i + GROUP * V <= len; i += GROUP * V) {
            final FloatVector x0 = FloatVector.fromArray(SPECIES, x, xOff + i);
            final FloatVector x1 = FloatVector.fromArray(SPECIES, x, xOff + i + V);
            final FloatVector x2 = FloatVector.fromArray(SPECIES, x, xOff + i + 2 * V);
            final FloatVector x3 = FloatVector.fromArray(SPECIES, x, xOff + i + 3 * V);
            x0.mul(slope(x0, s, i)).intoArray(y, yOff + i);
            x1.mul(slope(x1, s, i + V)).intoArray(y, yOff + i + V);
            x2.mul(slope(x2, s, i + 2 * V)).intoArray(y, yOff + i + 2 * V);
            x3.mul(slope(x3, s, i + 3 * V)).intoArray(y, yOff + i + 3 * V);
            if (!saturated(smallestMagnitude(x0, x1, x2, x3), zScale)) {
                for (int at = i; at < i + GROUP * V; at += V) {
                    if (!saturated(FloatVector.fromArray(SPECIES, x, xOff + at).abs(), zScale)) s.mixed[mixed++] = at;
                }
            }
        }
        for (; i < len; i += V) {
            final FloatVector xv = FloatVector.fromArray(SPECIES, x, xOff + i);
            xv.mul(slope(xv, s, i)).intoArray(y, yOff + i);
            if (!saturated(xv.abs(), zScale)) s.mixed[mixed++] = i;
        }
        return mixed;
    }

    /**
     * Whether every lane of {@code magnitude}, some |x|, is saturated: {@code z·z > 87} for
     * {@code z = |x|·n/√2}, the full path's own test on the same float z (the sign does not change
     * z·z). A NaN fails it and takes the full path.
     */
    private static boolean saturated(FloatVector magnitude, float zScale) {
        final FloatVector z = magnitude.mul(zScale);
        return z.mul(z).compare(VectorOperators.GT, SATURATED_Z2).allTrue();
    }

    /**
     * The lane-wise smallest |x| of four vectors: z·z grows with |x| (rounding never reverses
     * an order), so the four pass {@link #saturated} exactly when this does; a NaN carries through.
     */
    private static FloatVector smallestMagnitude(FloatVector x0, FloatVector x1, FloatVector x2, FloatVector x3) {
        return x0.abs().min(x1.abs()).min(x2.abs().min(x3.abs()));
    }

    /** The saturated ∂G/∂x, 1 or α as the full path rounds them: (1+α)/2 ± (1−α)/2. */
    private static FloatVector slope(FloatVector xv, Scratch s, int col) {
        final FloatVector positive = FloatVector.fromArray(SPECIES, s.slopePositive, col);
        final FloatVector negative = FloatVector.fromArray(SPECIES, s.slopeNegative, col);
        return positive.blend(negative, xv.compare(VectorOperators.LT, 0f));
    }

    private static float zScale(float n) {
        return (float) (n / Math.sqrt(2));
    }

    /**
     * Forward over {@code len} elements (a multiple of the vector length) whose columns start at
     * {@code col} in the task's per-column arrays.
     *
     * <p>With {@code s = (1+α)/2 + (1−α)/2·erf(z)} and k the first term's factor
     * ({@code (1/(2n))·sqrt(2/π)}, times {@code 1−α} for EXACT): {@code G = x·s + k·e^(−z²)}, or
     * {@code x·(s + k·e^(−z²))} when zero-centred.
     */
    private static void forwardSegment(float[] x, int xOff, float[] y, int yOff, int len, Scratch s, int col,
                                       float n, boolean zeroCentred) {
        for (int i = 0; i < len; i += V) {
            final FloatVector xv = FloatVector.fromArray(SPECIES, x, xOff + i);
            final FloatVector e = FloatVector.fromArray(SPECIES, s.gaussian, i);
            final FloatVector erf = FloatVector.fromArray(SPECIES, s.erf, i);
            final FloatVector hm = FloatVector.fromArray(SPECIES, s.halfOneMinusAlpha, col + i);
            final FloatVector hp = FloatVector.fromArray(SPECIES, s.halfOnePlusAlpha, col + i);
            final FloatVector k = FloatVector.fromArray(SPECIES, s.firstTerm, col + i);
            final FloatVector smooth = erf.fma(hm, hp);
            if (zeroCentred) {
                xv.mul(k.fma(e, smooth)).intoArray(y, yOff + i);
            } else {
                xv.fma(smooth, k.mul(e)).intoArray(y, yOff + i);
            }
        }
    }

    /**
     * Fills {@code s.gaussian} with {@code e^(−z²)} and {@code s.erf} with {@code erf(z)}, where
     * {@code z = n·x/√2}, for {@code len} elements (a multiple of the vector length).
     *
     * <p>These are separate loops, exp and erf each its own, because C2 inlines only so much into
     * one loop body: exp, erf and a gradient together are about 100 vector operations, past its
     * budget, and then every vector is boxed on the heap (twenty times slower). The intermediate arrays
     * hold one segment, at most {@value #BLOCK_COLUMNS} floats, so they never leave L1: the
     * kernel still reads x and writes y once.
     */
    private static void gaussianAndErf(float[] x, int xOff, int len, float n, Scratch s) {
        final float zScale = zScale(n);
        for (int i = 0; i < len; i += V) {
            final FloatVector z = FloatVector.fromArray(SPECIES, x, xOff + i).mul(zScale);
            z.intoArray(s.z, i);
            z.mul(z).neg().intoArray(s.gaussian, i);
        }
        Exp.exp(s.gaussian, 0, s.gaussian, 0, len);
        Erf.erf(s.z, 0, s.gaussian, 0, s.erf, 0, len);
    }

    /**
     * The gradients of {@link #forward}: writes {@code gradX = gradY·∂G/∂x}, adds
     * {@code Σ gradY·∂G/∂α} (per layer or per channel, like alpha) into {@code gradAlpha} and
     * {@code Σ gradY·∂G/∂n} into {@code gradN[0]}. A null {@code gradAlpha} or {@code gradN}
     * skips that gradient.
     */
    public static void backward(float[] x, int xOff, float[] gradY, int gOff, float[] gradX, int gxOff,
                                int outer, int channels, int inner, float[] alpha, float n, SauVariant v,
                                float[] gradAlpha, float[] gradN) {
        final Tiling tiling = Tiling.of(outer, channels, inner, alpha, n);
        if (gradAlpha != null && gradAlpha.length != alpha.length) {
            throw new IllegalArgumentException("gradAlpha has length " + gradAlpha.length + ", alpha " + alpha.length);
        }
        final boolean wantAlpha = gradAlpha != null;
        final boolean wantN = gradN != null;
        final double[] taskAlpha = wantAlpha ? new double[tiling.tasks() * tiling.maxSpan] : null;
        final double[] taskN = wantN ? new double[tiling.tasks()] : null;
        Parallel.forRange(tiling.tasks(), 1, (first, last) -> {
            final Scratch s = new Scratch(tiling.blockWidth);
            for (int t = first; t < last; t++) {
                final int j0 = tiling.firstColumn(t);
                final int j1 = tiling.endColumn(t);
                s.loadColumns(tiling, j0, j1, alpha, n, v);
                Arrays.fill(s.sumAlpha, 0f);
                Arrays.fill(s.sumN, 0f);
                for (int r = tiling.firstRow(t); r < tiling.endRow(t); r++) {
                    final int at = r * tiling.width + j0;
                    final int len = tiling.segmentEnd(r, j1) - j0;
                    final int body = len - len % V;
                    final int mixed = saturatedBackward(x, xOff + at, gradY, gOff + at, gradX, gxOff + at, body,
                            n, s, wantAlpha);
                    for (int k = 0; k < mixed; ) {
                        final int from = s.mixed[k];
                        int to = from + V;
                        for (k++; k < mixed && s.mixed[k] == to; k++) to += V;
                        gaussianAndErf(x, xOff + at + from, to - from, n, s);
                        backwardSegment(x, xOff + at + from, gradY, gOff + at + from, gradX, gxOff + at + from,
                                to - from, s, from, n, v, wantAlpha, wantN);
                    }
                    if (body < len) {
                        // Zero padding: a zero gradY adds zero to the sums.
                        Scratch.pad(x, xOff + at + body, len - body, s.tailX);
                        Scratch.pad(gradY, gOff + at + body, len - body, s.tailG);
                        gaussianAndErf(s.tailX, 0, V, n, s);
                        backwardSegment(s.tailX, 0, s.tailG, 0, s.tailOut, 0, V, s, body, n, v, wantAlpha, wantN);
                        System.arraycopy(s.tailOut, 0, gradX, gxOff + at + body, len - body);
                    }
                }
                if (wantAlpha) {
                    final int firstChannel = tiling.channelOf(j0);
                    for (int j = j0; j < j1; j++) {
                        taskAlpha[t * tiling.maxSpan + tiling.channelOf(j) - firstChannel] += s.sumAlpha[j - j0];
                    }
                }
                if (wantN) {
                    double sum = 0;
                    for (int j = 0; j < j1 - j0; j++) sum += s.sumN[j];
                    taskN[t] = sum;
                }
            }
        });
        // The constant factors that backwardSegment leaves out of its sums.
        final double nScale = switch (v) {
            case PAPER -> -0.5;
            case EXACT -> -1.0 / ((double) n * n);
            case ZERO_CENTRED -> 1.0;
        };
        if (wantAlpha) {
            final double[] perChannel = new double[alpha.length];
            for (int t = 0; t < tiling.tasks(); t++) {
                final int firstChannel = tiling.channelOf(tiling.firstColumn(t));
                final int span = tiling.channelOf(tiling.endColumn(t) - 1) - firstChannel + 1;
                for (int c = 0; c < span; c++) perChannel[firstChannel + c] += taskAlpha[t * tiling.maxSpan + c];
            }
            for (int c = 0; c < alpha.length; c++) gradAlpha[c] += (float) (0.5 * perChannel[c]);
        }
        if (wantN) {
            double sum = 0;
            for (double partial : taskN) sum += partial;
            gradN[0] += (float) (nScale * sum);
        }
    }

    /*
     * The derivatives, with z = n·x/√2, E = exp(−n²x²/2) = e^(−z²), c = sqrt(2/π), u = n·x, and
     * using ∂erf(z)/∂x = c·n·E, ∂erf(z)/∂n = c·x·E, ∂A/∂x = −(n·x/2)·c·E, ∂A/∂n = −c·E/(2n²) − c·x²·E/2.
     *
     * PAPER, G = A + (1+α)/2·x + (1−α)/2·x·erf(z):
     *   ∂G/∂x = (1+α)/2 + (1−α)/2·erf(z) − (α/2)·n·x·c·E
     *   ∂G/∂α = x·(1 − erf(z))/2
     *   ∂G/∂n = −(c·E/2)·(1/n² + α·x²)
     * EXACT, G = (1−α)·A + …  (the Gaussian terms of ∂G/∂x cancel: ∂G/∂x = α + (1−α)·Φ(n·x)):
     *   ∂G/∂x = (1+α)/2 + (1−α)/2·erf(z)
     *   ∂G/∂α = x·(1 − erf(z))/2 − c·E/(2n)
     *   ∂G/∂n = −(1−α)·c·E/(2n²)
     * ZERO_CENTRED, G = x·A + …:
     *   ∂G/∂x = (1+α)/2 + (1−α)/2·erf(z) + c·E·(1/(2n) + n·x·((1−α)/2 − x/2))
     *   ∂G/∂α = x·(1 − erf(z))/2
     *   ∂G/∂n = c·E·x·(x·((1−α)/2 − x/2) − 1/(2n²))
     * The sums leave out the constant factors: 1/2 for every ∂G/∂α, and −1/2 (PAPER) or −1/n²
     * (EXACT) for ∂G/∂n; backward applies them once at the end.
     */
    private static void backwardSegment(float[] x, int xOff, float[] g, int gOff, float[] gx, int gxOff, int len,
                                        Scratch s, int col, float n, SauVariant v,
                                        boolean wantAlpha, boolean wantN) {
        final float invN = (float) (1.0 / n);
        final float halfInvN = (float) (0.5 / n);
        final float invN2 = (float) (1.0 / ((double) n * n));
        final float halfInvN2 = (float) (0.5 / ((double) n * n));
        for (int i = 0; i < len; i += V) {
            final FloatVector xv = FloatVector.fromArray(SPECIES, x, xOff + i);
            final FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            final FloatVector ce = FloatVector.fromArray(SPECIES, s.gaussian, i).mul(C);
            final FloatVector erf = FloatVector.fromArray(SPECIES, s.erf, i);
            final FloatVector hm = FloatVector.fromArray(SPECIES, s.halfOneMinusAlpha, col + i);
            final FloatVector hp = FloatVector.fromArray(SPECIES, s.halfOnePlusAlpha, col + i);
            final FloatVector smooth = erf.fma(hm, hp);
            // x·(1 − erf(z)), the common part of ∂G/∂α.
            final FloatVector xTail = xv.neg().fma(erf, xv);
            final int c = col + i;
            switch (v) {
                case PAPER -> {
                    final FloatVector a = FloatVector.fromArray(SPECIES, s.alpha, c);
                    final FloatVector u = xv.mul(n);
                    gv.mul(a.mul(u).mul(-0.5f).fma(ce, smooth)).intoArray(gx, gxOff + i);
                    if (wantAlpha) accumulate(s.sumAlpha, c, gv, xTail);
                    if (wantN) accumulate(s.sumN, c, gv.mul(ce), xv.mul(xv).fma(a, a.broadcast(invN2)));
                }
                case EXACT -> {
                    gv.mul(smooth).intoArray(gx, gxOff + i);
                    if (wantAlpha) accumulate(s.sumAlpha, c, gv, ce.fma(ce.broadcast(-invN), xTail));
                    if (wantN) accumulate(s.sumN, c, gv.mul(ce), hm);
                }
                case ZERO_CENTRED -> {
                    final FloatVector u = xv.mul(n);
                    final FloatVector hmMinusHalfX = hm.sub(xv.mul(0.5f));
                    gv.mul(ce.fma(u.fma(hmMinusHalfX, u.broadcast(halfInvN)), smooth)).intoArray(gx, gxOff + i);
                    if (wantAlpha) accumulate(s.sumAlpha, c, gv, xTail);
                    if (wantN) accumulate(s.sumN, c, gv.mul(ce).mul(xv), xv.fma(hmMinusHalfX, xv.broadcast(-halfInvN2)));
                }
            }
        }
    }

    /**
     * The fast path of backward, like {@link #saturatedForward}: {@code gradX = gradY·s} and
     * {@code ∂G/∂α} summed as the full path sums it, {@code gradY·x·(1 − erf(z))} with erf = ±1,
     * that is {@code gradY·2x} for x &lt; 0 and 0 for x &gt; 0. ∂G/∂n is 0: nothing to add.
     */
    private static int saturatedBackward(float[] x, int xOff, float[] g, int gOff, float[] gx, int gxOff, int len,
                                         float n, Scratch s, boolean wantAlpha) {
        final float zScale = zScale(n);
        int mixed = 0;
        for (int i = 0; i < len; i += V) {
            final FloatVector xv = FloatVector.fromArray(SPECIES, x, xOff + i);
            if (!saturated(xv.abs(), zScale)) {
                s.mixed[mixed++] = i;
                continue;
            }
            final FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            gv.mul(slope(xv, s, i)).intoArray(gx, gxOff + i);
            if (wantAlpha) {
                accumulate(s.sumAlpha, i, gv, xv.add(xv).blend(0f, xv.compare(VectorOperators.GT, 0f)));
            }
        }
        return mixed;
    }

    /** {@code sums[at…] += a·b}, lane by lane. */
    private static void accumulate(float[] sums, int at, FloatVector a, FloatVector b) {
        a.fma(b, FloatVector.fromArray(SPECIES, sums, at)).intoArray(sums, at);
    }

    /** The scalar reference of {@link #forward}: one element at a time, the formula as written. */
    public static void forwardReference(float[] x, int xOff, float[] y, int yOff, int outer, int channels, int inner,
                                        float[] alpha, float n, SauVariant v) {
        final int total = Tiling.of(outer, channels, inner, alpha, n).total;
        for (int i = 0; i < total; i++) {
            final float a = alpha[alpha.length == 1 ? 0 : (i / inner) % channels];
            final float xi = x[xOff + i];
            final float gaussian = (float) (Math.sqrt(2 / Math.PI) / (2.0 * n) * Math.exp(-0.5 * (n * xi) * (n * xi)));
            final float first = switch (v) {
                case PAPER -> gaussian;
                case EXACT -> (1 - a) * gaussian;
                case ZERO_CENTRED -> xi * gaussian;
            };
            y[yOff + i] = first + (1 + a) / 2 * xi + (1 - a) / 2 * xi * Erf.erf(n * xi / (float) Math.sqrt(2));
        }
    }

    /** The scalar reference of {@link #backward}: the derivatives above, summed in order in double. */
    public static void backwardReference(float[] x, int xOff, float[] gradY, int gOff, float[] gradX, int gxOff,
                                         int outer, int channels, int inner, float[] alpha, float n, SauVariant v,
                                         float[] gradAlpha, float[] gradN) {
        final int total = Tiling.of(outer, channels, inner, alpha, n).total;
        final double[] sumAlpha = new double[alpha.length];
        double sumN = 0;
        for (int i = 0; i < total; i++) {
            final int channel = alpha.length == 1 ? 0 : (i / inner) % channels;
            final float a = alpha[channel];
            final float xi = x[xOff + i];
            final float g = gradY[gOff + i];
            final float erf = Erf.erf(n * xi / (float) Math.sqrt(2));
            final float cE = (float) (Math.sqrt(2 / Math.PI) * Math.exp(-0.5 * (n * xi) * (n * xi)));
            final float smooth = (1 + a) / 2 + (1 - a) / 2 * erf;
            final float dAlpha = xi * (1 - erf) / 2;
            final float dx;
            final float da;
            final float dn;
            switch (v) {
                case PAPER -> {
                    dx = smooth - a / 2 * n * xi * cE;
                    da = dAlpha;
                    dn = -cE / 2 * (1 / (n * n) + a * xi * xi);
                }
                case EXACT -> {
                    dx = smooth;
                    da = dAlpha - cE / (2 * n);
                    dn = -(1 - a) * cE / (2 * n * n);
                }
                case ZERO_CENTRED -> {
                    dx = smooth + cE * (1 / (2 * n) + n * xi * ((1 - a) / 2 - xi / 2));
                    da = dAlpha;
                    dn = cE * xi * (xi * ((1 - a) / 2 - xi / 2) - 1 / (2 * n * n));
                }
                default -> throw new AssertionError(v);
            }
            gradX[gxOff + i] = g * dx;
            sumAlpha[channel] += (double) g * da;
            sumN += (double) g * dn;
        }
        if (gradAlpha != null) {
            for (int c = 0; c < alpha.length; c++) gradAlpha[c] += (float) sumAlpha[c];
        }
        if (gradN != null) gradN[0] += (float) sumN;
    }

    /**
     * How the elements are cut into tasks: {@code rows × width} (the last row may be short when
     * α is per layer), tasks of {@code rowsPerTask} rows by {@code blockWidth} columns, numbered
     * row group by row group. {@code maxSpan} bounds the channels one block of columns touches.
     */
    private record Tiling(int total, int rows, int width, int inner, boolean perChannel, int blockWidth,
                          int colBlocks, int rowsPerTask, int rowGroups, int maxSpan) {

        static Tiling of(int outer, int channels, int inner, float[] alpha, float n) {
            if (outer < 0 || channels < 1 || inner < 0) {
                throw new IllegalArgumentException("bad shape (" + outer + ", " + channels + ", " + inner + ")");
            }
            if (alpha.length != 1 && alpha.length != channels) {
                throw new IllegalArgumentException("alpha must have length 1 or " + channels + ", got " + alpha.length);
            }
            if (!(n > 0) || Float.isInfinite(n)) throw new IllegalArgumentException("n must be positive, got " + n);
            final long size = (long) outer * channels * inner;
            if (size > Integer.MAX_VALUE) throw new IllegalArgumentException("too many elements: " + size);
            final int total = (int) size;
            final boolean perChannel = alpha.length != 1;
            final int width = perChannel ? channels * inner : Math.max(1, Math.min(total, BLOCK_COLUMNS));
            final int rows = total == 0 ? 0 : perChannel ? outer : ceilDiv(total, width);
            final int blockWidth = Math.max(1, Math.min(width, BLOCK_COLUMNS));
            final int colBlocks = ceilDiv(width, blockWidth);
            final int rowsPerTask = Math.max(1, TASK_ELEMENTS / blockWidth);
            final int maxSpan = perChannel ? Math.min(channels, (blockWidth - 1) / Math.max(1, inner) + 2) : 1;
            return new Tiling(total, rows, width, inner, perChannel, blockWidth, colBlocks, rowsPerTask,
                    ceilDiv(rows, rowsPerTask), maxSpan);
        }

        int tasks() {
            return rowGroups * colBlocks;
        }

        int firstColumn(int task) {
            return task % colBlocks * blockWidth;
        }

        int endColumn(int task) {
            return Math.min(width, firstColumn(task) + blockWidth);
        }

        int firstRow(int task) {
            return task / colBlocks * rowsPerTask;
        }

        int endRow(int task) {
            return Math.min(rows, firstRow(task) + rowsPerTask);
        }

        /** Where the columns {@code < j1} of row {@code r} end: earlier in a short last row. */
        int segmentEnd(int r, int j1) {
            return Math.min(j1, total - r * width);
        }

        int channelOf(int column) {
            return perChannel ? column / inner : 0;
        }
    }

    /**
     * A thread's working arrays: the current task's per-column constants and sums, the current
     * segment's intermediates, and a padded tail.
     */
    private static final class Scratch {
        final float[] alpha;
        final float[] halfOnePlusAlpha;
        final float[] halfOneMinusAlpha;
        /** The factor of e^(−z²) in G: (1/(2n))·sqrt(2/π), times 1−α for EXACT. */
        final float[] firstTerm;
        /** The saturated slopes (1+α)/2 + (1−α)/2 and (1+α)/2 − (1−α)/2, that is 1 and α rounded as the full path does. */
        final float[] slopePositive;
        final float[] slopeNegative;
        final float[] sumAlpha;
        final float[] sumN;
        /** The offsets of the vectors of the current segment that need the full path. */
        final int[] mixed;
        /** z = n·x/√2, e^(−z²) and erf(z) of the current segment. */
        final float[] z;
        final float[] gaussian;
        final float[] erf;
        final float[] tailX = new float[V];
        final float[] tailG = new float[V];
        final float[] tailOut = new float[V];

        Scratch(int blockWidth) {
            final int padded = ceilDiv(blockWidth, V) * V;
            alpha = new float[padded];
            halfOnePlusAlpha = new float[padded];
            halfOneMinusAlpha = new float[padded];
            firstTerm = new float[padded];
            slopePositive = new float[padded];
            slopeNegative = new float[padded];
            mixed = new int[padded / V];
            sumAlpha = new float[padded];
            sumN = new float[padded];
            z = new float[padded];
            gaussian = new float[padded];
            erf = new float[padded];
        }

        /** The columns whose constants the arrays hold, {@code [loadedFrom, loadedTo)}; none at first. */
        private int loadedFrom = -1, loadedTo = -1;

        /**
         * Fills the constants of columns {@code [j0, j1)}; the padding stays zero. A thread's
         * tasks often cover the same columns (always, with one α per layer), and then the arrays
         * already hold them: six arrays of 512 are not refilled for every 32768 elements.
         */
        void loadColumns(Tiling tiling, int j0, int j1, float[] alphas, float n, SauVariant v) {
            if (j0 == loadedFrom && j1 == loadedTo) return;
            loadedFrom = j0;
            loadedTo = j1;
            final float k = (float) (Math.sqrt(2 / Math.PI) / (2.0 * n));
            for (int j = j0; j < j1; j++) {
                final float a = alphas[tiling.channelOf(j)];
                alpha[j - j0] = a;
                halfOnePlusAlpha[j - j0] = (1 + a) / 2;
                halfOneMinusAlpha[j - j0] = (1 - a) / 2;
                firstTerm[j - j0] = v == SauVariant.EXACT ? (1 - a) * k : k;
                slopePositive[j - j0] = halfOnePlusAlpha[j - j0] + halfOneMinusAlpha[j - j0];
                slopeNegative[j - j0] = halfOnePlusAlpha[j - j0] - halfOneMinusAlpha[j - j0];
            }
            for (float[] column : new float[][] {alpha, halfOnePlusAlpha, halfOneMinusAlpha, firstTerm, slopePositive,
                    slopeNegative}) {
                Arrays.fill(column, j1 - j0, column.length, 0f);
            }
        }

        /** Copies {@code count} values into {@code tail}, zero after them. */
        static void pad(float[] src, int from, int count, float[] tail) {
            System.arraycopy(src, from, tail, 0, count);
            Arrays.fill(tail, count, tail.length, 0f);
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
