package sau.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch normalisation (Ioffe and Szegedy, 2015) over a contiguous block {@code [N, C, inner]}:
 * {@code inner = H·W} for images, {@code L} for sequences, 1 for plain features. Channel
 * {@code c} owns the {@code N} rows {@code x[(n·C + c)·inner .. +inner)}, and its statistics are
 * taken over all {@code m = N·inner} of their elements.
 *
 * <p>Forward in training is two passes over {@code x} and no temporaries: {@link #statistics}
 * reads {@code x} once for every channel's mean and variance, {@link #normalize} reads it again
 * and writes {@code y = (x − μ)·γ/√(σ² + ε) + β}. Backward is the same shape: {@link #gradSums}
 * finds {@code Σg} and {@code Σg·x̂} per channel, {@link #inputGrad} writes {@code dx}.
 *
 * <p>A ReLU right after the batch norm can join it ({@link ReluAfter}): forward applies it to
 * each row as it is written, and backward recomputes the ReLU's input from x to apply its
 * gradient on the fly, so the pair costs the passes of the batch norm alone.
 *
 * <p>The variance is summed around a shift: {@code K}, the channel's first element, is
 * subtracted before squaring, so {@code σ² = (Σd² − (Σd)²/m)/m} with {@code d = x − K}. A shift
 * near the mean keeps the two sums from being huge and nearly equal, which is what ruins the
 * naive {@code E[x²] − E[x]²} for data with a large mean. A channel's rows are summed in float
 * vector lanes, a few hundred values per lane at a time, and those lane sums are added in order
 * into double: one thread does one channel, in an order set by the shape alone, so the result
 * is the same bits on any number of threads.
 */
public final class BatchNormKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Values summed in one float lane before the lane is added into a double. */
    private static final int LANE_RUN = 256;

    private BatchNormKernel() {}

    /**
     * The ReLU that follows the batch norm when the two run as one op ({@code BatchNormOp.batchNormRelu}),
     * with the batch norm's γ and β (null meaning 1 and 0). Backward recomputes the ReLU's input
     * {@code y = (x − μ)·γσ⁻¹ + β} from x, in exactly the operations {@link #normalizeThen} used, and
     * replaces g by ReLU's gradient {@code g·[y > 0]}: y is never stored and never read back.
     */
    public record ReluAfter(float[] weight, float[] bias) {
        float scale(int c, float[] invStd) {
            return (weight == null ? 1f : weight[c]) * invStd[c];
        }

        float beta(int c) {
            return bias == null ? 0f : bias[c];
        }
    }

    /**
     * Pass 1: {@code mean[c]} and the biased variance {@code var[c]} (divided by m, as used for
     * normalising) of every channel.
     */
    public static void statistics(float[] x, int xOff, int n, int channels, int inner, float[] mean, float[] var) {
        checkLayout(n, channels, inner);
        final long m = (long) n * inner;
        Parallel.forRange(channels, grain(n, inner), (first, last) -> {
            final float[] lanes = new float[L];
            for (int c = first; c < last; c++) {
                final float shift = x[xOff + c * inner];
                double sum = 0, sumSq = 0;
                FloatVector s = FloatVector.zero(S), q = FloatVector.zero(S);
                for (int i = 0; i < n; i++) {
                    final int row = xOff + (i * channels + c) * inner;
                    int j = 0;
                    for (final int bound = S.loopBound(inner); j < bound; j += L) {
                        final FloatVector d = FloatVector.fromArray(S, x, row + j).sub(shift);
                        s = s.add(d);
                        q = d.fma(d, q);
                    }
                    if (flushAfter(i, n, inner)) {
                        sum += inOrder(s, lanes);
                        sumSq += inOrder(q, lanes);
                        s = FloatVector.zero(S);
                        q = FloatVector.zero(S);
                    }
                    for (; j < inner; j++) {
                        final double d = x[row + j] - shift;
                        sum += d;
                        sumSq += d * d;
                    }
                }
                final double dMean = sum / m;
                mean[c] = (float) (shift + dMean);
                var[c] = (float) Math.max(0, sumSq / m - dMean * dMean);
            }
        });
    }

    /**
     * Pass 2: {@code y = (x − mean_c)·γ_c·invStd_c + β_c}. {@code weight} (γ) and {@code bias} (β)
     * may be null, meaning 1 and 0. The same pass serves training (batch statistics) and
     * evaluation (running statistics, {@code invStd = 1/√(running_var + ε)}).
     */
    public static void normalize(float[] x, int xOff, float[] y, int yOff, int n, int channels, int inner,
                                 float[] mean, float[] invStd, float[] weight, float[] bias) {
        normalizeThen(x, xOff, y, yOff, n, channels, inner, mean, invStd, weight, bias, null, 0, 0);
    }

    /**
     * {@link #normalize}, then {@code y = then(y)} row by row while each row is still in cache:
     * batch norm and the activation after it in one pass over memory. {@code then} may be null.
     */
    public static void normalizeThen(float[] x, int xOff, float[] y, int yOff, int n, int channels, int inner,
                                     float[] mean, float[] invStd, float[] weight, float[] bias, Activation then, float p, float q) {
        checkLayout(n, channels, inner);
        final Parallel.RangeBody activation = then == null ? null : ActivationKernels.forwardBody(then, y, yOff, y, yOff, p, q);
        // rows of one (n, c), so that even a batch with few channels spreads over the threads
        Parallel.forRange(n * channels, Math.max(1, Elementwise.GRAIN / inner), (start, end) -> {
            for (int r = start; r < end; r++) {
                final int c = r % channels;
                final float mu = mean[c];
                final float scale = (weight == null ? 1f : weight[c]) * invStd[c];
                final float beta = bias == null ? 0f : bias[c];
                final int xr = xOff + r * inner, yr = yOff + r * inner;
                int j = 0;
                for (final int bound = S.loopBound(inner); j < bound; j += L) {
                    FloatVector.fromArray(S, x, xr + j).sub(mu).fma(scale, beta).intoArray(y, yr + j);
                }
                for (; j < inner; j++) y[yr + j] = (x[xr + j] - mu) * scale + beta;
                if (activation != null) activation.run(r * inner, (r + 1) * inner);
            }
        });
    }

    /**
     * Backward pass 1: {@code sumG[c] = Σ g} and {@code sumGXhat[c] = Σ g·x̂} with
     * {@code x̂ = (x − mean_c)·invStd_c}; these are also dL/dβ and dL/dγ.
     */
    public static void gradSums(float[] x, int xOff, float[] g, int gOff, int n, int channels, int inner,
                                float[] mean, float[] invStd, float[] sumG, float[] sumGXhat) {
        gradSums(x, xOff, g, gOff, n, channels, inner, mean, invStd, null, sumG, sumGXhat);
    }

    /** {@link #gradSums}, with g taken through the gradient of {@code relu} first (null: none). */
    public static void gradSums(float[] x, int xOff, float[] g, int gOff, int n, int channels, int inner,
                                float[] mean, float[] invStd, ReluAfter relu, float[] sumG, float[] sumGXhat) {
        checkLayout(n, channels, inner);
        Parallel.forRange(channels, grain(n, inner), (first, last) -> {
            final float[] lanes = new float[L];
            for (int c = first; c < last; c++) {
                final float mu = mean[c];
                final float scale = relu == null ? 0f : relu.scale(c, invStd), beta = relu == null ? 0f : relu.beta(c);
                double sg = 0, sgx = 0;
                FloatVector s = FloatVector.zero(S), q = FloatVector.zero(S);
                for (int i = 0; i < n; i++) {
                    final int row = (i * channels + c) * inner;
                    int j = 0;
                    for (final int bound = S.loopBound(inner); j < bound; j += L) {
                        final FloatVector centred = FloatVector.fromArray(S, x, xOff + row + j).sub(mu);
                        FloatVector gv = FloatVector.fromArray(S, g, gOff + row + j);
                        if (relu != null) gv = ActivationKernels.reluBackward(centred.fma(scale, beta), gv);
                        s = s.add(gv);
                        q = centred.fma(gv, q);
                    }
                    if (flushAfter(i, n, inner)) {
                        sg += inOrder(s, lanes);
                        sgx += inOrder(q, lanes);
                        s = FloatVector.zero(S);
                        q = FloatVector.zero(S);
                    }
                    for (; j < inner; j++) {
                        final float centred = x[xOff + row + j] - mu;
                        final float gi = relu == null ? g[gOff + row + j] : ActivationKernels.reluBackward(centred * scale + beta, g[gOff + row + j]);
                        sg += gi;
                        sgx += (double) gi * centred;
                    }
                }
                sumG[c] = (float) sg;
                sumGXhat[c] = (float) (sgx * invStd[c]);
            }
        });
    }

    /**
     * Backward pass 2, dL/dx into {@code dx}. In training the batch statistics depend on x, so
     *
     * <pre>
     *   dx = γ·σ⁻¹·(g − mean(g) − x̂·mean(g·x̂))
     *      = g·a + (x − μ)·b + c   with   a = γ·σ⁻¹,   b = −a·σ⁻¹·Σ(g·x̂)/m,   c = −a·Σg/m
     * </pre>
     *
     * with σ⁻¹ = {@code invStd}. In evaluation the running statistics are constants and
     * {@code dx = g·γ·σ⁻¹}; {@code sumG} and {@code sumGXhat} are then not read and may be null.
     */
    public static void inputGrad(float[] x, int xOff, float[] g, int gOff, float[] dx, int dxOff, int n, int channels, int inner,
                                 float[] mean, float[] invStd, float[] weight, float[] sumG, float[] sumGXhat, boolean training) {
        inputGrad(x, xOff, g, gOff, dx, dxOff, n, channels, inner, mean, invStd, weight, null, sumG, sumGXhat, training);
    }

    /** {@link #inputGrad}, with g taken through the gradient of {@code relu} first (null: none). */
    public static void inputGrad(float[] x, int xOff, float[] g, int gOff, float[] dx, int dxOff, int n, int channels, int inner,
                                 float[] mean, float[] invStd, float[] weight, ReluAfter relu, float[] sumG, float[] sumGXhat, boolean training) {
        checkLayout(n, channels, inner);
        final double m = (double) n * inner;
        Parallel.forRange(n * channels, Math.max(1, Elementwise.GRAIN / inner), (start, end) -> {
            for (int r = start; r < end; r++) {
                final int ch = r % channels;
                final float a = (weight == null ? 1f : weight[ch]) * invStd[ch];
                final int gr = gOff + r * inner, dr = dxOff + r * inner, xr = xOff + r * inner;
                final float mu = mean[ch];
                // a is also the ReLU's scale γσ⁻¹ (relu carries the same γ)
                final float beta = relu == null ? 0f : relu.beta(ch);
                // in evaluation b = c = 0: dx = g·a
                final float b = training ? (float) (-a * invStd[ch] * (sumGXhat[ch] / m)) : 0f;
                final float c = training ? (float) (-a * (sumG[ch] / m)) : 0f;
                final FloatVector av = FloatVector.broadcast(S, a);
                int j = 0;
                for (final int bound = S.loopBound(inner); j < bound; j += L) {
                    final FloatVector centred = FloatVector.fromArray(S, x, xr + j).sub(mu);
                    FloatVector gv = FloatVector.fromArray(S, g, gr + j);
                    if (relu != null) gv = ActivationKernels.reluBackward(centred.fma(a, beta), gv);
                    (training ? gv.fma(av, centred.fma(b, c)) : gv.mul(av)).intoArray(dx, dr + j);
                }
                for (; j < inner; j++) {
                    final float centred = x[xr + j] - mu;
                    final float gi = relu == null ? g[gr + j] : ActivationKernels.reluBackward(centred * a + beta, g[gr + j]);
                    dx[dr + j] = training ? gi * a + (centred * b + c) : gi * a;
                }
            }
        });
    }

    /**
     * Whether the float lane sums are moved into the double totals after row {@code i}: every
     * {@link #LANE_RUN} values per lane, and after the last row. Short rows (a 4×4 feature map is
     * two vectors) would otherwise spend more time adding lanes than summing; a float lane holds
     * a few hundred values with no loss that matters, and the order is fixed by the shape alone.
     */
    private static boolean flushAfter(int i, int n, int inner) {
        final int rowsPerRun = Math.max(1, LANE_RUN * L / inner);
        return i == n - 1 || (i + 1) % rowsPerRun == 0;
    }

    /** Adds the lanes one by one, in order: {@code reduceLanes} may choose its own order. */
    private static double inOrder(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        double s = 0;
        for (float lane : lanes) s += lane;
        return s;
    }

    /** Channels per thread: enough that each thread gets about GRAIN elements. */
    private static int grain(int n, int inner) {
        return (int) Math.max(1, Elementwise.GRAIN / Math.max(1L, (long) n * inner));
    }

    private static void checkLayout(int n, int channels, int inner) {
        if (n < 1 || channels < 1 || inner < 1) {
            throw new IllegalArgumentException("batch norm needs a non-empty [N, C, inner] block, got [" + n + ", " + channels + ", " + inner + "]");
        }
    }

    // ---- scalar references, in double, straight from the definitions -----------------------

    /** Training forward: returns {y, mean, biased var}. */
    public static float[][] forwardTrainingReference(float[] x, int n, int channels, int inner, float[] weight, float[] bias, float eps) {
        final float[] mean = new float[channels], var = new float[channels], invStd = new float[channels];
        final double m = (double) n * inner;
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < inner; j++) s += x[(i * channels + c) * inner + j];
            final double mu = s / m;
            double q = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < inner; j++) {
                    final double d = x[(i * channels + c) * inner + j] - mu;
                    q += d * d;
                }
            }
            mean[c] = (float) mu;
            var[c] = (float) (q / m);
            invStd[c] = (float) (1 / Math.sqrt(q / m + eps));
        }
        return new float[][] {evalForwardReference(x, n, channels, inner, mean, invStd, weight, bias), mean, var};
    }

    /** {@code y = (x − mean)·invStd·γ + β} with given statistics. */
    public static float[] evalForwardReference(float[] x, int n, int channels, int inner, float[] mean, float[] invStd, float[] weight, float[] bias) {
        final float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            final int c = (i / inner) % channels;
            final double w = weight == null ? 1 : weight[c], b = bias == null ? 0 : bias[c];
            y[i] = (float) ((x[i] - (double) mean[c]) * invStd[c] * w + b);
        }
        return y;
    }

    /** Backward: returns {dx, dγ = Σg·x̂, dβ = Σg}, with the training or the evaluation formula for dx. */
    public static float[][] backwardReference(float[] x, float[] g, int n, int channels, int inner, float[] mean, float[] invStd, float[] weight, boolean training) {
        final double m = (double) n * inner;
        final double[] sg = new double[channels], sgx = new double[channels];
        for (int i = 0; i < x.length; i++) {
            final int c = (i / inner) % channels;
            sg[c] += g[i];
            sgx[c] += g[i] * ((x[i] - (double) mean[c]) * invStd[c]);
        }
        final float[] dx = new float[x.length], dw = new float[channels], db = new float[channels];
        for (int i = 0; i < x.length; i++) {
            final int c = (i / inner) % channels;
            final double w = weight == null ? 1 : weight[c];
            final double xhat = (x[i] - (double) mean[c]) * invStd[c];
            dx[i] = (float) (training ? w * invStd[c] * (g[i] - sg[c] / m - xhat * sgx[c] / m) : w * invStd[c] * g[i]);
        }
        for (int c = 0; c < channels; c++) {
            dw[c] = (float) sgx[c];
            db[c] = (float) sg[c];
        }
        return new float[][] {dx, dw, db};
    }
}
