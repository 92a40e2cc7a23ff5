package sau.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax and log-softmax over the rows of a contiguous {@code [rows, n]} block.
 *
 * <p>Numerically stable: each row's maximum is subtracted before exponentiating, so no
 * {@code e^x} overflows, and log-softmax is computed as {@code x − max − log Σ e^(x−max)}
 * rather than as the log of a softmax that may have underflowed to 0.
 */
public final class SoftmaxKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private SoftmaxKernel() {}

    public static void forward(float[] x, int xOff, float[] y, int rows, int n, boolean log) {
        Parallel.forRange(rows, Math.max(1, Elementwise.GRAIN / Math.max(1, n)), (start, end) -> {
            for (int r = start; r < end; r++) forwardRow(x, xOff + r * n, y, r * n, n, log);
        });
    }

    private static void forwardRow(float[] x, int xi, float[] y, int yi, int n, boolean log) {
        float max = Float.NEGATIVE_INFINITY;
        int i = 0;
        if (n >= S.length()) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (final int bound = S.loopBound(n); i < bound; i += S.length()) m = m.max(FloatVector.fromArray(S, x, xi + i));
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) max = Math.max(max, x[xi + i]);
        if (max == Float.NEGATIVE_INFINITY) max = 0; // a fully masked row: keep it NaN-free until the sum
        // y = e^(x - max), and its sum
        final FloatVector mv = FloatVector.broadcast(S, max);
        FloatVector acc = FloatVector.zero(S);
        i = 0;
        for (final int bound = S.loopBound(n); i < bound; i += S.length()) {
            final FloatVector e = Exp.exp(FloatVector.fromArray(S, x, xi + i).sub(mv));
            e.intoArray(y, yi + i);
            acc = acc.add(e);
        }
        float sum = Lanes.sum(acc);
        for (; i < n; i++) {
            y[yi + i] = Exp.exp(x[xi + i] - max);
            sum += y[yi + i];
        }
        if (log) {
            final float shift = max + (float) Math.log(sum);
            for (i = 0; i < n; i++) y[yi + i] = x[xi + i] - shift;
        } else {
            final float inv = 1f / sum;
            i = 0;
            for (final int bound = S.loopBound(n); i < bound; i += S.length()) FloatVector.fromArray(S, y, yi + i).mul(inv).intoArray(y, yi + i);
            for (; i < n; i++) y[yi + i] *= inv;
        }
    }

    /**
     * dL/dx from dL/dy and the forward output y.
     * softmax:     dx_i = y_i·(g_i − Σ_j g_j·y_j)
     * log-softmax: dx_i = g_i − e^(y_i)·Σ_j g_j
     */
    public static void backward(float[] y, float[] g, int gOff, float[] dx, int rows, int n, boolean log) {
        Parallel.forRange(rows, Math.max(1, Elementwise.GRAIN / Math.max(1, n)), (start, end) -> {
            for (int r = start; r < end; r++) {
                final int yi = r * n, gi = gOff + r * n;
                double s = 0;
                if (log) {
                    for (int i = 0; i < n; i++) s += g[gi + i];
                    for (int i = 0; i < n; i++) dx[yi + i] = g[gi + i] - Exp.exp(y[yi + i]) * (float) s;
                } else {
                    for (int i = 0; i < n; i++) s += (double) g[gi + i] * y[yi + i];
                    for (int i = 0; i < n; i++) dx[yi + i] = y[yi + i] * (g[gi + i] - (float) s);
                }
            }
        });
    }

    /**
     * The cross entropy of each row of log-probabilities {@code logp = [rows, classes]} against
     * target {@code t[r]} with label smoothing ε: {@code −(1−ε)·logp[t] − ε/C·Σ_c logp[c]}, and 0
     * on rows whose target is {@code ignoreIndex}. Each row's sum is taken in order, in double.
     */
    public static void crossEntropyRows(float[] logp, int[] t, int rows, int classes, float smoothing, int ignoreIndex, float[] loss) {
        Parallel.forRange(rows, Math.max(1, Elementwise.GRAIN / Math.max(1, classes)), (start, end) -> {
            for (int r = start; r < end; r++) {
                if (t[r] == ignoreIndex) continue;
                final int row = r * classes;
                double all = 0;
                if (smoothing != 0) for (int c = 0; c < classes; c++) all += logp[row + c];
                loss[r] = (float) (-(1 - smoothing) * logp[row + t[r]] - smoothing / classes * all);
            }
        });
    }

    /**
     * dL/dlogits of {@link #crossEntropyRows}: {@code scale[r]·(p − q)} with {@code p = e^logp}
     * and the smoothed target {@code q = (1−ε)·onehot(t) + ε/C}, and 0 on ignored rows: every
     * value of dx is written. The rows are split over the threads; each exponential is
     * {@link Math#exp}, as it always was here, so that training results keep their bits ({@link
     * Exp#exp} would be several times faster, at about an ulp from it).
     */
    public static void crossEntropyBackward(float[] logp, int[] t, float[] scale, int rows, int classes, float smoothing, int ignoreIndex, float[] dx) {
        final float elsewhere = smoothing / classes, atTarget = (1 - smoothing) + smoothing / classes;
        Parallel.forRange(rows, Math.max(1, Elementwise.GRAIN / Math.max(1, classes)), (start, end) -> {
            for (int r = start; r < end; r++) {
                final int row = r * classes;
                if (t[r] == ignoreIndex) {
                    Arrays.fill(dx, row, row + classes, 0f);
                    continue;
                }
                final float s = scale[r];
                for (int c = 0; c < classes; c++) dx[row + c] = s * ((float) Math.exp(logp[row + c]) - elsewhere);
                dx[row + t[r]] = s * ((float) Math.exp(logp[row + t[r]]) - atTarget);
            }
        });
    }

    /** The definition of {@link #crossEntropyBackward}, one element at a time with {@link Math#exp}. */
    public static void crossEntropyBackwardReference(float[] logp, int[] t, float[] scale, int rows, int classes, float smoothing, int ignoreIndex, float[] dx) {
        for (int r = 0; r < rows; r++) {
            if (t[r] == ignoreIndex) continue;
            for (int c = 0; c < classes; c++) {
                final double q = (c == t[r] ? 1 - smoothing : 0) + (double) smoothing / classes;
                dx[r * classes + c] = (float) (scale[r] * (Math.exp(logp[r * classes + c]) - q));
            }
        }
    }

    /** The scalar reference of {@link #forward}, in double. */
    public static void forwardReference(float[] x, int xOff, float[] y, int rows, int n, boolean log) {
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int i = 0; i < n; i++) max = Math.max(max, x[xOff + r * n + i]);
            for (int i = 0; i < n; i++) sum += Math.exp(x[xOff + r * n + i] - max);
            for (int i = 0; i < n; i++) {
                final double v = x[xOff + r * n + i] - max;
                y[r * n + i] = (float) (log ? v - Math.log(sum) : Math.exp(v) / sum);
            }
        }
    }
}
