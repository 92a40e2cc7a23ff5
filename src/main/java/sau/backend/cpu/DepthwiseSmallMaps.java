package sau.backend.cpu;

import java.util.Arrays;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolution on small maps: output rows so short that several fit in one vector
 * (ShuffleNet's 8×8 and 4×4 outputs with 8-float vectors), at stride 1 or more; and, at stride
 * 1, rows that are a whole number of vectors (its 16×16 maps), where only the first and last
 * vector of a row see the edges.
 *
 * <p>{@link DepthwiseConvKernel} puts one output row in a vector, so on a 4×4 map half of every
 * vector is wasted, and its padded copy of each plane costs a copy call per row of four values.
 * Here the output plane is taken as one flat array of {@code outH·outW} values, a vector covering
 * {@code L/outW} whole rows.
 *
 * <p><b>Phase planes.</b> Tap (ki, kj) of output (oh, ow) reads input row
 * {@code oh·s + ki·d − p}. Writing {@code ki·d − p = s·qi + ri} with {@code 0 ≤ ri < s}, that
 * row is {@code (oh + qi)·s + ri}: row {@code oh + qi} of the input's rows that are ≡ ri mod s.
 * So the input plane is split into s×s phase planes, phase (ri, rj) holding the pixels
 * {@code x[i·s + ri][j·s + rj]}, each laid out with the output's row length. Tap (ki, kj) then
 * reads phase (ri, rj) at {@code o + qi·outW + qj} for output {@code o = oh·outW + ow}: for every
 * output of a vector the same shift, so one contiguous load per tap and vector. At stride 1
 * there is one phase, the plane itself. Two things go wrong at the edges, and each is cheap to fix:
 *
 * <ul>
 *   <li>a row above or below the image: each phase plane sits between runs of zeros long enough
 *       that such reads land on them;
 *   <li>a column left or right of the image: the read lands on the neighbouring row's last or
 *       first value instead. Because a vector holds whole rows, or starts at one of a few places
 *       in a row, which lanes do so depends only on the lane, the tap and that place: in the
 *       forward pass the weight of the tap is broadcast with zeros in those lanes, and in
 *       backward-weights those lanes are left out when a tap's lane sums are added up.
 * </ul>
 *
 * <p>Backward-data is the same walk the other way: phase (ri, rj) of dx at element e is the sum,
 * over the taps of that phase, of {@code w·dy[e − (qi·outW + qj)]}, read from a copy of dY between
 * zeros; then the phases are put back together into dx.
 *
 * <p>Splitting a plane into phases and putting them back are permutations of its pixels, the
 * same for every plane: they run as vector gathers through index tables made once per call, not
 * pixel by pixel (at stride 2 on 8×8 maps the pixel loops took most of the time).
 *
 * <p>The forward sums are taken in {@link DepthwiseConvKernel}'s order (a masked tap adds an
 * exact 0), so the outputs are the same bits, with one exception: a wrongly read neighbour that
 * is infinite or NaN makes a NaN (0·∞) where the exact convolution would not read it at all.
 * The backward passes group their sums differently: the same up to rounding.
 */
final class DepthwiseSmallMaps {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private DepthwiseSmallMaps() {}

    /**
     * Whether {@code g} (depthwise) is a map this class handles: the same stride on both axes,
     * every phase plane no larger than the output, and whole output rows per vector, or (at
     * stride 1, 16×16 maps with 8-float vectors) whole vectors per row.
     */
    static boolean fits(ConvGeometry g) {
        final int s = g.strideH();
        final boolean rowsPerVector = L % g.outW() == 0, vectorsPerRow = s == 1 && g.inW() == g.outW() && g.outW() % L == 0;
        return s == g.strideW() && (rowsPerVector || vectorsPerRow) && g.outPlane() % L == 0
                && ceilDiv(g.inH(), s) <= g.outH() && ceilDiv(g.inW(), s) <= g.outW();
    }

    /**
     * Where the taps read. Tap t reads phase plane {@code phase[t]} at {@code shift[t]} from the
     * output's own index; a phase plane starts at {@code front} in a slot of {@code slot} floats
     * with zeros around it. A vector starts at one of {@code positions} places in its output row
     * (1 when it holds whole rows). {@code lanes[(r·taps + t)·L + lane]} is 1 where tap t reads
     * inside the image's columns in the forward pass from a vector at place r, 0 where it wraps
     * into the next or previous row; {@code backLanes} is the same for the backward-data walk,
     * whose shift is the opposite. {@code byPhase[ph]} lists the taps that read phase ph.
     *
     * <p>The phases of a plane, side by side ({@code ph·outPlane + e}), and the plane itself are
     * permutations of each other: element e of phase ph is input pixel {@code split[ph·outPlane + e]}
     * where {@code inside} is true (elsewhere a zero), and input pixel k is element
     * {@code merge[k]} of the phases. {@code full}: every phase element is a pixel.
     */
    private record Taps(int stride, int positions, int[] phase, int[] shift, int[][] byPhase, int front, int slot, float[] lanes, float[] backLanes,
                        int[] split, boolean[] inside, boolean full, int[] merge) {

        static Taps of(ConvGeometry g) {
            final int s = g.strideH(), outW = g.outW(), kh = g.kernelH(), kw = g.kernelW(), count = kh * kw;
            final int positions = Math.max(1, outW / L);
            final int[] phase = new int[count], shift = new int[count];
            final float[] lanes = new float[positions * count * L], backLanes = new float[positions * count * L];
            int reach = 0;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                    final int t = ki * kw + kj, rowTap = ki * g.dilationH() - g.padH(), colTap = kj * g.dilationW() - g.padW();
                    final int qi = Math.floorDiv(rowTap, s), qj = Math.floorDiv(colTap, s);
                    phase[t] = Math.floorMod(rowTap, s) * s + Math.floorMod(colTap, s);
                    shift[t] = qi * outW + qj;
                    reach = Math.max(reach, Math.abs(shift[t]));
                    for (int r = 0; r < positions; r++) {
                        for (int lane = 0; lane < L; lane++) {
                            final int ow = (r * L + lane) % outW, at = (r * count + t) * L + lane;
                            lanes[at] = ow + qj >= 0 && ow + qj < outW ? 1f : 0f;
                            backLanes[at] = ow - qj >= 0 && ow - qj < outW ? 1f : 0f;
                        }
                    }
                }
            }
            final int[][] byPhase = new int[s * s][];
            for (int ph = 0; ph < byPhase.length; ph++) {
                final int of = ph;
                byPhase[ph] = IntStream.range(0, count).filter(t -> phase[t] == of).toArray();
            }
            final int outPlane = g.outPlane();
            final int[] split = new int[s * s * outPlane], merge = new int[g.inPlane()];
            final boolean[] inside = new boolean[split.length];
            boolean full = true;
            for (int ph = 0; ph < s * s; ph++) {
                for (int e = 0; e < outPlane; e++) {
                    final int ih = e / outW * s + ph / s, iw = e % outW * s + ph % s, at = ph * outPlane + e;
                    inside[at] = ih < g.inH() && iw < g.inW();
                    full &= inside[at];
                    if (inside[at]) {
                        split[at] = ih * g.inW() + iw;
                        merge[split[at]] = at;
                    }
                }
            }
            return new Taps(s, positions, phase, shift, byPhase, reach, reach + outPlane + reach, lanes, backLanes, split, inside, full, merge);
        }

        /** At stride 1 with rows as long as the output's, the one phase is the plane itself: no permutation. */
        boolean samePlane(ConvGeometry g) {
            return stride == 1 && g.inW() == g.outW();
        }

        int phases() {
            return stride * stride;
        }
    }

    /** Per-thread buffers that only grow. */
    private static final class Scratch {
        float[] planes = new float[0];
        float[] phased = new float[0];
        float[] weights = new float[0];
        float[] sums = new float[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * As {@link DepthwiseConvKernel#forward}. Planes are taken in memory order (a plane is a few
     * cache lines, and a channel's planes lie far apart), each with its channel's masked weights.
     */
    static void forward(ConvGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff, int grain) {
        final Taps taps = Taps.of(g);
        final int channels = g.inChannels();
        final float[] weights = maskedWeights(g, taps, taps.lanes(), w, wOff);
        final int perChannel = taps.positions() * taps.shift().length * L;
        Parallel.forRange(g.batch() * channels, grain, (p0, p1) -> {
            final Scratch s = SCRATCH.get();
            final float[] planes = s.planes = zeroed(s.planes, taps.phases() * taps.slot());
            for (int p = p0; p < p1; p++) {
                final int c = p % channels;
                splitPhases(g, taps, x, xOff + p * g.inPlane(), planes);
                forwardPlane(taps, g.outPlane(), planes, weights, c * perChannel, bias == null ? 0f : bias[bOff + c], y, yOff + p * g.outPlane());
            }
        });
    }

    /**
     * Every channel's weights as the planes read them: for channel c, place r of a vector in its
     * row and tap t, the vector at {@code ((c·positions + r)·taps + t)·L} holds w[c, t] in every
     * lane where {@code lanes} is 1, 0 in the others. Made once per call on the calling thread
     * (into its scratch), then only read by the threads of the call.
     */
    private static float[] maskedWeights(ConvGeometry g, Taps taps, float[] lanes, float[] w, int wOff) {
        final int count = taps.shift().length, perChannel = taps.positions() * count;
        final Scratch s = SCRATCH.get();
        final float[] weights = s.weights = grow(s.weights, g.inChannels() * perChannel * L);
        for (int c = 0; c < g.inChannels(); c++) {
            for (int i = 0; i < perChannel; i++) {
                FloatVector.fromArray(S, lanes, i * L).mul(w[wOff + c * count + i % count]).intoArray(weights, (c * perChannel + i) * L);
            }
        }
        return weights;
    }

    private static void forwardPlane(Taps taps, int plane, float[] planes, float[] weights, int wc, float bias, float[] y, int yPlane) {
        final int[] phase = taps.phase(), shift = taps.shift();
        for (int o = 0, r = 0; o < plane; o += L, r = r + 1 == taps.positions() ? 0 : r + 1) {
            FloatVector acc = FloatVector.broadcast(S, bias);
            final int at = taps.front() + o, wr = wc + r * shift.length * L;
            for (int t = 0; t < shift.length; t++) {
                acc = FloatVector.fromArray(S, planes, phase[t] * taps.slot() + at + shift[t]).fma(FloatVector.fromArray(S, weights, wr + t * L), acc);
            }
            acc.intoArray(y, yPlane + o);
        }
    }

    /** dL/dx from dL/dy, plane by plane in memory order: dY copied between zeros, each phase of dx computed, and the phases put back. */
    static void backwardData(ConvGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff, int grain) {
        final Taps taps = Taps.of(g);
        final int channels = g.inChannels(), plane = g.outPlane();
        final float[] weights = maskedWeights(g, taps, taps.backLanes(), w, wOff);
        final int perChannel = taps.positions() * taps.shift().length * L;
        // The one phase goes straight into dx when it is dx's own layout and a whole number of vectors.
        final boolean direct = taps.samePlane(g) && g.inPlane() % L == 0;
        Parallel.forRange(g.batch() * channels, grain, (p0, p1) -> {
            final Scratch s = SCRATCH.get();
            final float[] padded = s.planes = zeroed(s.planes, taps.slot());
            final float[] phased = s.phased = grow(s.phased, taps.phases() * plane);
            for (int p = p0; p < p1; p++) {
                System.arraycopy(dy, dyOff + p * plane, padded, taps.front(), plane);
                final int wc = p % channels * perChannel, dxPlane = dxOff + p * g.inPlane();
                if (direct) {
                    backwardDataPhase(g, taps, 0, padded, weights, wc, dx, dxPlane);
                    continue;
                }
                for (int ph = 0; ph < taps.phases(); ph++) backwardDataPhase(g, taps, ph, padded, weights, wc, phased, ph * plane);
                mergePhases(g, taps, phased, dx, dxPlane);
            }
        });
    }

    /**
     * Phase ph of dx into {@code out[at...]}: each vector of the phase plane summed over the taps of
     * that phase. Rows of the phase below the image are skipped, or left with what their vector
     * also covered; {@link #mergePhases} reads only the pixels.
     */
    private static void backwardDataPhase(ConvGeometry g, Taps taps, int ph, float[] padded, float[] weights, int wc, float[] out, int at) {
        final int s = taps.stride(), rows = ceilDiv(g.inH() - ph / s, s);
        final int[] shift = taps.shift(), ofPhase = taps.byPhase()[ph];
        for (int o = 0, r = 0; o < rows * g.outW(); o += L, r = r + 1 == taps.positions() ? 0 : r + 1) {
            FloatVector acc = FloatVector.zero(S);
            final int from = taps.front() + o, wr = wc + r * shift.length * L;
            for (int t : ofPhase) {
                acc = FloatVector.fromArray(S, padded, from - shift[t]).fma(FloatVector.fromArray(S, weights, wr + t * L), acc);
            }
            acc.intoArray(out, at + o);
        }
    }

    /** The plane at {@code x[xPlane]} from its phases side by side in {@code phased}: pixel k is element {@code merge[k]}. */
    private static void mergePhases(ConvGeometry g, Taps taps, float[] phased, float[] x, int xPlane) {
        final int[] merge = taps.merge();
        final int plane = g.inPlane();
        int k = 0;
        for (final int bound = S.loopBound(plane); k < bound; k += L) FloatVector.fromArray(S, phased, 0, merge, k).intoArray(x, xPlane + k);
        for (; k < plane; k++) x[xPlane + k] = phased[merge[k]];
    }

    /**
     * As {@link DepthwiseConvKernel#backwardWeight}: {@code dw[c, t] = Σ_n Σ_o dy[n, c, o]·x[n, c]}
     * read as tap t reads it, L partial sums per tap, then the lanes that read inside the image
     * added up. Each thread takes a range of channels and walks their planes image by image, in
     * memory order; each channel's sums still run over the images in order, so the result is the
     * same bits on any number of threads.
     */
    static void backwardWeight(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff, int grain) {
        final Taps taps = Taps.of(g);
        final int channels = g.inChannels(), count = taps.shift().length;
        Parallel.forRange(channels, grain, (c0, c1) -> {
            final Scratch s = SCRATCH.get();
            final float[] planes = s.planes = zeroed(s.planes, taps.phases() * taps.slot());
            final int perChannel = taps.positions() * count * L;
            final float[] sums = s.sums = zeroed(s.sums, (c1 - c0) * perChannel);
            for (int n = 0; n < g.batch(); n++) {
                for (int c = c0; c < c1; c++) {
                    final int p = n * channels + c;
                    splitPhases(g, taps, x, xOff + p * g.inPlane(), planes);
                    accumulatePlane(taps, g.outPlane(), planes, dy, dyOff + p * g.outPlane(), sums, (c - c0) * perChannel);
                }
            }
            for (int c = c0; c < c1; c++) {
                for (int t = 0; t < count; t++) {
                    float sum = 0f;
                    for (int r = 0; r < taps.positions(); r++) {
                        final int at = (r * count + t) * L;
                        for (int lane = 0; lane < L; lane++) {
                            if (taps.lanes()[at + lane] != 0f) sum += sums[(c - c0) * perChannel + at + lane];
                        }
                    }
                    dw[dwOff + c * count + t] = sum;
                }
            }
        });
    }

    /** {@code sums[r, t] += dy·x as tap t reads it}, lane by lane, over the vectors at place r of one plane. */
    private static void accumulatePlane(Taps taps, int plane, float[] planes, float[] dy, int dyPlane, float[] sums, int sumsAt) {
        final int[] phase = taps.phase(), shift = taps.shift();
        final int step = taps.positions() * L;
        for (int t = 0; t < shift.length; t++) {
            final int at = phase[t] * taps.slot() + taps.front() + shift[t];
            for (int r = 0; r < taps.positions(); r++) {
                final int sumAt = sumsAt + (r * shift.length + t) * L;
                FloatVector acc = FloatVector.fromArray(S, sums, sumAt);
                for (int o = r * L; o < plane; o += step) {
                    acc = FloatVector.fromArray(S, dy, dyPlane + o).fma(FloatVector.fromArray(S, planes, at + o), acc);
                }
                acc.intoArray(sums, sumAt);
            }
        }
    }

    /**
     * Copies one input plane into its phase planes: pixel {@code (i·s + ri, j·s + rj)} to element
     * {@code i·outW + j} of phase {@code ri·s + rj}, one gather per vector; elements that are no
     * pixel get a zero. The zeros around each phase are never written. At stride 1 with rows as
     * long as the output's, the plane is the one phase and goes in one copy.
     */
    private static void splitPhases(ConvGeometry g, Taps taps, float[] x, int xPlane, float[] planes) {
        if (taps.samePlane(g)) {
            System.arraycopy(x, xPlane, planes, taps.front(), g.inPlane());
            return;
        }
        final int plane = g.outPlane();
        final int[] split = taps.split();
        for (int ph = 0; ph < taps.phases(); ph++) {
            final int to = ph * taps.slot() + taps.front();
            for (int e = 0, at = ph * plane; e < plane; e += L, at += L) {
                final FloatVector v = taps.full()
                        ? FloatVector.fromArray(S, x, xPlane, split, at)
                        : FloatVector.fromArray(S, x, xPlane, split, at, VectorMask.fromArray(S, taps.inside(), at));
                v.intoArray(planes, to + e);
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return Math.floorDiv(a + b - 1, b);
    }

    /** A buffer of at least {@code n} floats whose first n are zero (the copies into it write only their own places). */
    private static float[] zeroed(float[] buffer, int n) {
        final float[] b = grow(buffer, n);
        Arrays.fill(b, 0, n, 0f);
        return b;
    }

    private static float[] grow(float[] buffer, int size) {
        return buffer.length >= size ? buffer : new float[Math.max(size, buffer.length + buffer.length / 2)];
    }
}
