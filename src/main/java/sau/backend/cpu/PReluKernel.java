package sau.backend.cpu;

import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * PReLU, {@code y = x} for {@code x > 0} and {@code w_c·x} otherwise, with a trained slope per
 * channel (or one for all). As in PyTorch, the {@code n} elements are seen as a contiguous
 * {@code [outer, channels, inner]} block: element {@code i} belongs to channel
 * {@code (i / inner) % channels}. One slope for everything is {@code channels = 1, inner = n}.
 *
 * <p>The loops walk flat index ranges and cut them into runs of one channel, so a range may start
 * or end in the middle of a channel's run; within a run the slope is a constant and the loop
 * vectorises.
 *
 * <p>The slope gradient sums over many elements, and a float sum depends on its order. To give
 * the same bits on any number of threads, the elements are cut into chunks that depend only on
 * {@code n}; each chunk sums its channels into its own slots, and the chunks' sums are added in
 * chunk order at the end.
 */
public final class PReluKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** The gradient's chunks: at least this many elements each, and at most MAX_CHUNKS of them. */
    private static final int MIN_CHUNK = 1 << 14;
    private static final int MAX_CHUNKS = 64;

    private PReluKernel() {}

    /** {@code y[yOff + i] = prelu(x[xOff + i])} for {@code i < n}. */
    public static void forward(float[] x, int xOff, float[] w, int wOff, float[] y, int yOff, int n, int channels, int inner) {
        checkLayout(n, channels, inner);
        Parallel.forRange(n, Elementwise.GRAIN, (start, end) -> {
            int i = start;
            while (i < end) {
                final int row = i / inner;
                final int runEnd = (int) Math.min(end, (long) (row + 1) * inner);
                final float slope = w[wOff + row % channels];
                final int bound = i + S.loopBound(runEnd - i);
                for (; i < bound; i += L) {
                    final FloatVector v = FloatVector.fromArray(S, x, xOff + i);
                    v.mul(slope).blend(v, v.compare(GT, 0f)).intoArray(y, yOff + i);
                }
                for (; i < runEnd; i++) y[yOff + i] = prelu(x[xOff + i], slope);
            }
        });
    }

    static float prelu(float x, float slope) {
        return x > 0 ? x : slope * x;
    }

    /**
     * dL/dx = g for x > 0, w_c·g otherwise, into {@code gx}; and, when {@code gw} is not null,
     * dL/dw_c = Σ g·x over the elements of channel c with x < 0, ADDED to {@code gw[gwOff + c]}.
     */
    public static void backward(float[] x, int xOff, float[] w, int wOff, float[] g, int gOff, float[] gx, int gxOff, float[] gw, int gwOff, int n, int channels, int inner) {
        checkLayout(n, channels, inner);
        final int chunk = Math.max(MIN_CHUNK, (int) ((n + (long) MAX_CHUNKS - 1) / MAX_CHUNKS));
        final int chunks = (n + chunk - 1) / chunk;
        final double[] partial = gw == null ? null : new double[chunks * channels];
        Parallel.forRange(chunks, Math.max(1, Elementwise.GRAIN / chunk), (first, last) -> {
            final float[] lanes = new float[L];
            for (int c = first; c < last; c++) {
                final int start = c * chunk;
                final int end = (int) Math.min(n, (long) start + chunk);
                backwardChunk(x, xOff, w, wOff, g, gOff, gx, gxOff, partial, c * channels, start, end, channels, inner, lanes);
            }
        });
        if (gw == null) return;
        for (int ch = 0; ch < channels; ch++) {
            double sum = 0;
            for (int c = 0; c < chunks; c++) sum += partial[c * channels + ch];
            gw[gwOff + ch] += (float) sum;
        }
    }

    /** One chunk; its slope-gradient sums go to {@code partial[pOff + channel]} (if partial is not null). */
    private static void backwardChunk(float[] x, int xOff, float[] w, int wOff, float[] g, int gOff, float[] gx, int gxOff,
                                      double[] partial, int pOff, int start, int end, int channels, int inner, float[] lanes) {
        final FloatVector zero = FloatVector.zero(S);
        int i = start;
        while (i < end) {
            final int row = i / inner;
            final int channel = row % channels;
            final int runEnd = (int) Math.min(end, (long) (row + 1) * inner);
            final float slope = w[wOff + channel];
            final int bound = i + S.loopBound(runEnd - i);
            double sum = 0;
            if (i < bound) {
                FloatVector acc = zero;
                for (; i < bound; i += L) {
                    final FloatVector xv = FloatVector.fromArray(S, x, xOff + i);
                    final FloatVector gv = FloatVector.fromArray(S, g, gOff + i);
                    gv.mul(slope).blend(gv, xv.compare(GT, 0f)).intoArray(gx, gxOff + i);
                    final VectorMask<Float> negative = xv.compare(LT, 0f);
                    acc = acc.add(zero.blend(gv.mul(xv), negative));
                }
                // the lanes are added one by one, in order: reduceLanes may pick its own order
                acc.intoArray(lanes, 0);
                for (float lane : lanes) sum += lane;
            }
            for (; i < runEnd; i++) {
                final float xi = x[xOff + i], gi = g[gOff + i];
                gx[gxOff + i] = xi > 0 ? gi : slope * gi;
                if (xi < 0) sum += gi * xi;
            }
            if (partial != null) partial[pOff + channel] += sum;
        }
    }

    /** The scalar reference of {@link #backward}: returns {gx, gw} as new arrays, summed in double. */
    public static float[][] backwardReference(float[] x, float[] w, float[] g, int channels, int inner) {
        final float[] gx = new float[x.length];
        final double[] gw = new double[channels];
        for (int i = 0; i < x.length; i++) {
            final int channel = (i / inner) % channels;
            gx[i] = x[i] > 0 ? g[i] : w[channel] * g[i];
            if (x[i] < 0) gw[channel] += (double) g[i] * x[i];
        }
        final float[] gwf = new float[channels];
        for (int c = 0; c < channels; c++) gwf[c] = (float) gw[c];
        return new float[][] {gx, gwf};
    }

    /** The scalar reference of {@link #forward}. */
    public static float[] forwardReference(float[] x, float[] w, int channels, int inner) {
        final float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = prelu(x[i], w[(i / inner) % channels]);
        return y;
    }

    private static void checkLayout(int n, int channels, int inner) {
        if (channels < 1 || inner < 1 || n % ((long) channels * inner) != 0) {
            throw new IllegalArgumentException("PReLU: " + n + " elements do not form [outer, " + channels + ", " + inner + "]");
        }
    }
}
