package sau.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolution on small "same" maps: stride 1, the output as large as the input, and
 * rows so short that several fit in one vector (ShuffleNet's 4×4 and 8×8 maps with 8-float
 * vectors).
 *
 * <p>{@link DepthwiseConvKernel} puts one output row in a vector, so on a 4×4 map half of every
 * vector is wasted, and its padded copy of each plane costs a copy call per row of four values.
 * Here the plane is taken as one flat array of {@code H·W} values, a vector covering
 * {@code L/W} whole rows. Tap (ki, kj) of output {@code o = oh·W + ow} reads input
 * {@code o + (ki·d − p)·W + (kj·d − p)}: for every output of a vector the same shift, so one
 * contiguous load per tap and vector. Two things go wrong at the edges, and each is cheap to fix:
 *
 * <ul>
 *   <li>a row above or below the image: the plane is copied, in one piece, between runs of
 *       zeros long enough that such reads land on them;
 *   <li>a column left or right of the image: the read lands on the neighbouring row's last or
 *       first value instead. Because a vector holds whole rows, which lanes do so depends only on
 *       the lane and kj, never on the vector: in the forward pass the weight of tap (ki, kj) is
 *       broadcast with zeros in those lanes, and in backward-weights those lanes are left out
 *       when a tap's lane sums are added up.
 * </ul>
 *
 * <p>The forward sums are taken in {@link DepthwiseConvKernel}'s order (a masked tap adds an
 * exact 0), so the outputs are the same bits, with one exception: a wrongly read neighbour that
 * is infinite or NaN makes a NaN (0·∞) where the exact convolution would not read it at all.
 * Backward-weights groups its partial sums by lane differently: the same up to rounding.
 */
final class DepthwiseSmallMaps {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private DepthwiseSmallMaps() {}

    /** Whether {@code g} (depthwise) is a small "same" map this class handles. */
    static boolean fits(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && g.outH() == g.inH() && g.outW() == g.inW()
                && L % g.inW() == 0 && g.inPlane() % L == 0;
    }

    /**
     * Where the taps read: {@code shift[t]} is tap t's offset from the output's own index, and a
     * plane sits at {@code front} in a buffer of {@code length} floats with zeros around it;
     * {@code lanes[kj·L + lane]} is 1 where kernel column kj reads inside the image, 0 where it
     * wraps into the next or previous row.
     */
    private record Taps(int[] shift, int front, int length, float[] lanes) {

        static Taps of(ConvGeometry g) {
            final int w = g.inW(), kh = g.kernelH(), kw = g.kernelW();
            final int[] shift = new int[kh * kw];
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) shift[ki * kw + kj] = (ki * g.dilationH() - g.padH()) * w + kj * g.dilationW() - g.padW();
            }
            final float[] lanes = new float[kw * L];
            for (int kj = 0; kj < kw; kj++) {
                for (int lane = 0; lane < L; lane++) {
                    final int iw = lane % w + kj * g.dilationW() - g.padW();
                    lanes[kj * L + lane] = iw >= 0 && iw < w ? 1f : 0f;
                }
            }
            final int front = g.padH() * w + g.padW();
            return new Taps(shift, front, front + g.inPlane() + front, lanes);
        }
    }

    /** Per-thread buffers that only grow. */
    private static final class Scratch {
        float[] plane = new float[0];
        float[] weights = new float[0];
        float[] sums = new float[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** As {@link DepthwiseConvKernel#forward}: each thread takes whole channels, and with them each channel's weights once. */
    static void forward(ConvGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff, int grain) {
        final Taps taps = Taps.of(g);
        final int channels = g.inChannels(), plane = g.inPlane(), count = taps.shift().length;
        Parallel.forRange(channels, grain, (c0, c1) -> {
            final Scratch s = SCRATCH.get();
            final float[] buf = s.plane = zeroed(s.plane, taps.length());
            final float[] weights = s.weights = grow(s.weights, count * L);
            for (int c = c0; c < c1; c++) {
                maskedWeights(g, taps, w, wOff + c * count, weights);
                final float b = bias == null ? 0f : bias[bOff + c];
                for (int n = 0; n < g.batch(); n++) {
                    final int p = n * channels + c;
                    System.arraycopy(x, xOff + p * plane, buf, taps.front(), plane);
                    forwardPlane(taps, plane, buf, weights, b, y, yOff + p * plane);
                }
            }
        });
    }

    /** Tap t's weight in every lane that reads inside the image, 0 in the others. */
    private static void maskedWeights(ConvGeometry g, Taps taps, float[] w, int wc, float[] weights) {
        final int kw = g.kernelW();
        for (int t = 0; t < taps.shift().length; t++) {
            FloatVector.fromArray(S, taps.lanes(), t % kw * L).mul(w[wc + t]).intoArray(weights, t * L);
        }
    }

    private static void forwardPlane(Taps taps, int plane, float[] buf, float[] weights, float bias, float[] y, int yPlane) {
        final int[] shift = taps.shift();
        for (int o = 0; o < plane; o += L) {
            FloatVector acc = FloatVector.broadcast(S, bias);
            final int at = taps.front() + o;
            for (int t = 0; t < shift.length; t++) {
                acc = FloatVector.fromArray(S, buf, at + shift[t]).fma(FloatVector.fromArray(S, weights, t * L), acc);
            }
            acc.intoArray(y, yPlane + o);
        }
    }

    /**
     * As {@link DepthwiseConvKernel#backwardWeight}: {@code dw[c, t] = Σ_n Σ_o dy[n, c, o]·x[n, c, o + shift[t]]},
     * L partial sums per tap over the whole batch, then the lanes that read inside the image
     * added up. One thread per channel, images in order: the same bits on any number of threads.
     */
    static void backwardWeight(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff, int grain) {
        final Taps taps = Taps.of(g);
        final int channels = g.inChannels(), plane = g.inPlane(), kw = g.kernelW(), count = taps.shift().length;
        Parallel.forRange(channels, grain, (c0, c1) -> {
            final Scratch s = SCRATCH.get();
            final float[] buf = s.plane = zeroed(s.plane, taps.length());
            final float[] sums = s.sums = grow(s.sums, count * L);
            for (int c = c0; c < c1; c++) {
                Arrays.fill(sums, 0, count * L, 0f);
                for (int n = 0; n < g.batch(); n++) {
                    final int p = n * channels + c;
                    System.arraycopy(x, xOff + p * plane, buf, taps.front(), plane);
                    accumulatePlane(taps, plane, buf, dy, dyOff + p * plane, sums);
                }
                for (int t = 0; t < count; t++) {
                    float sum = 0f;
                    for (int lane = 0; lane < L; lane++) {
                        if (taps.lanes()[t % kw * L + lane] != 0f) sum += sums[t * L + lane];
                    }
                    dw[dwOff + c * count + t] = sum;
                }
            }
        });
    }

    /** {@code sums[t] += dy·x shifted by tap t}, lane by lane, over one plane. */
    private static void accumulatePlane(Taps taps, int plane, float[] buf, float[] dy, int dyPlane, float[] sums) {
        final int[] shift = taps.shift();
        for (int t = 0; t < shift.length; t++) {
            FloatVector acc = FloatVector.fromArray(S, sums, t * L);
            final int at = taps.front() + shift[t];
            for (int o = 0; o < plane; o += L) {
                acc = FloatVector.fromArray(S, dy, dyPlane + o).fma(FloatVector.fromArray(S, buf, at + o), acc);
            }
            acc.intoArray(sums, t * L);
        }
    }

    /** A buffer of at least {@code n} floats whose first n are zero (the plane copies overwrite only their own middle). */
    private static float[] zeroed(float[] buffer, int n) {
        final float[] b = grow(buffer, n);
        Arrays.fill(b, 0, n, 0f);
        return b;
    }

    private static float[] grow(float[] buffer, int size) {
        return buffer.length >= size ? buffer : new float[Math.max(size, buffer.length + buffer.length / 2)];
    }
}
