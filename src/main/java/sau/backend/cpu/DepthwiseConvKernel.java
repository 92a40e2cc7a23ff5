package sau.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolution ({@code groups == inChannels == outChannels}: one small filter per
 * channel, as in MobileNet and ShuffleNet) computed directly, with vectors along the output width.
 *
 * <p>Through im2col, a depthwise convolution becomes one GEMM per channel with a single row,
 * {@code 1 × kh·kw} times {@code kh·kw × pixels}: no reuse of anything, and the unrolling costs
 * as much as the arithmetic. Done directly, output row oh is a sum of {@code kh·kw} input rows,
 * each shifted by its tap and scaled by one weight, {@code y[oh, ow] += w[ki,kj]·x[ih, ow·s + kj·d − p]},
 * so one vector of L outputs costs one load and one FMA per tap.
 *
 * <p><b>Phased, padded planes.</b> That load reads L consecutive inputs only at stride 1, and
 * near the edges it would read outside the image. So each input plane is first copied into a
 * buffer where every row is padded with zeros and split into {@code s} phases: phase r holds the
 * padded row's elements {@code r, r + s, r + 2s, ...}. Input column {@code ow·s + kj·d} of the
 * padded row is then element {@code ow + ⌊kj·d/s⌋} of phase {@code kj·d mod s}, so every tap of
 * every stride is a plain contiguous vector load. The phases are padded to a whole number of
 * vectors, so no loop needs a scalar tail; only the last partial vector of an output row is
 * stored through a small buffer. Rows above and below the image are skipped, not stored.
 *
 * <p>The backward passes use the same layout: backward-data computes dx's phased plane, each
 * vector once, from a zero-padded copy of dY, then copies the real pixels out; backward-weights
 * takes, for each tap, the dot product of the dY row with the shifted input row. The weight and
 * bias gradients of a channel are summed by one thread in a fixed order: the same bits on any
 * number of threads.
 *
 * <p>Small maps, where several output rows fit in one vector, go to {@link DepthwiseSmallMaps}.
 */
public final class DepthwiseConvKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Multiply-adds below which a thread is not worth waking. */
    private static final int GRAIN_MACS = 1 << 15;

    /** Per-thread buffers that only grow. */
    private static final class Scratch {
        float[] plane = new float[0];
        float[] row = new float[0];
        float[] sums = new float[0];
        int[] rows = new int[0];
        final float[] lanes = new float[L];
        /** The geometry whose zero padding {@code plane} holds (see {@link #fillPhases}), or null. */
        PaddingOf paddedFor;
    }

    /** What the zero padding of a phased plane depends on. */
    private record PaddingOf(int inH, int inW, int stride, int pad, int rowStride) {

        static PaddingOf of(ConvGeometry g, Layout lay) {
            return new PaddingOf(g.inH(), g.inW(), g.strideW(), g.padW(), lay.rowStride());
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Where things sit in the phased copy of one plane: {@code width} outputs rounded up to whole
     * vectors; phases of {@code phaseLen} elements (whole vectors too), {@code rowStride} per
     * input row; for kernel column kj, {@code phase[kj]} and {@code shift[kj]}, the phase and the
     * element within it where its taps start ({@code tap[kj]} combines the two into one offset);
     * {@code maxShift}, the largest shift.
     */
    private record Layout(int width, int phaseLen, int rowStride, int[] phase, int[] shift, int[] tap, int maxShift) {

        static Layout of(ConvGeometry g) {
            final int s = g.strideW(), width = roundUp(g.outW());
            final int maxShift = (g.kernelW() - 1) * g.dilationW() / s, phaseLen = roundUp(width + maxShift);
            final int[] phase = new int[g.kernelW()], shift = new int[g.kernelW()], tap = new int[g.kernelW()];
            for (int kj = 0; kj < tap.length; kj++) {
                phase[kj] = kj * g.dilationW() % s;
                shift[kj] = kj * g.dilationW() / s;
                tap[kj] = phase[kj] * phaseLen + shift[kj];
            }
            return new Layout(width, phaseLen, s * phaseLen, phase, shift, tap, maxShift);
        }

        int planeLength(ConvGeometry g) {
            return g.inH() * rowStride;
        }

        /** A dY row with {@code maxShift} zeros before it and zeros after, up to {@code phaseLen} past them. */
        int paddedRow() {
            return maxShift + phaseLen;
        }

        private static int roundUp(int n) {
            return (n + L - 1) / L * L;
        }
    }

    private DepthwiseConvKernel() {}

    /** As {@link Conv2dKernel#forward}, for a depthwise geometry. */
    public static void forward(ConvGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff) {
        checkDepthwise(g);
        final int channels = g.inChannels(), taps = g.kernelH() * g.kernelW();
        if (DepthwiseSmallMaps.fits(g)) {
            DepthwiseSmallMaps.forward(g, x, xOff, w, wOff, bias, bOff, y, yOff, grain(g.outPlane() * taps));
            return;
        }
        final Layout lay = Layout.of(g);
        final PaddingOf padding = PaddingOf.of(g, lay);
        Parallel.forRange(g.batch() * channels, grain(g.outPlane() * taps), (p0, p1) -> {
            final Scratch s = SCRATCH.get();
            final float[] buf = s.plane = grow(s.plane, lay.planeLength(g));
            for (int p = p0; p < p1; p++) {
                final int c = p % channels;
                fillPhases(g, lay, padding, x, xOff + p * g.inPlane(), s);
                forwardPlane(g, lay, buf, w, wOff + c * taps, bias == null ? 0f : bias[bOff + c], y, yOff + p * g.outPlane(), s.lanes);
            }
        });
    }

    private static void forwardPlane(ConvGeometry g, Layout lay, float[] buf, float[] w, int wc, float bias, float[] y, int yPlane, float[] lanes) {
        final int outW = g.outW(), kh = g.kernelH(), kw = g.kernelW();
        final int[] tap = lay.tap();
        for (int oh = 0; oh < g.outH(); oh++) {
            final int yRow = yPlane + oh * outW;
            for (int ow = 0; ow < outW; ow += L) {
                FloatVector acc = FloatVector.broadcast(S, bias);
                for (int ki = 0; ki < kh; ki++) {
                    final int ih = oh * g.strideH() - g.padH() + ki * g.dilationH();
                    if (ih < 0 || ih >= g.inH()) continue;
                    final int base = ih * lay.rowStride() + ow;
                    for (int kj = 0; kj < kw; kj++) {
                        acc = FloatVector.fromArray(S, buf, base + tap[kj]).fma(FloatVector.broadcast(S, w[wc + ki * kw + kj]), acc);
                    }
                }
                if (ow + L <= outW) {
                    acc.intoArray(y, yRow + ow);
                } else {
                    acc.intoArray(lanes, 0);
                    System.arraycopy(lanes, 0, y, yRow + ow, outW - ow);
                }
            }
        }
    }

    /**
     * As {@link Conv2dKernel#backwardData}, for a depthwise geometry.
     *
     * <p>At stride 1 this is itself a depthwise convolution: {@code dx[ih] = Σ_ki w[ki]·dy[ih + p − ki·d]}
     * is the forward pass over dY, padded by {@code p' = d·(k − 1) − p}, of the filter turned by
     * 180° ({@code w'[ki] = w[k − 1 − ki]}, both axes), whose output has the input's size. So it
     * runs on {@link #forward}'s fast path. Small maps take {@link DepthwiseSmallMaps}'s own walk
     * at any stride; other strides, and paddings wider than the filter, the general route of
     * {@link #backwardDataPlane}.
     */
    public static void backwardData(ConvGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        checkDepthwise(g);
        final int channels = g.inChannels(), taps = g.kernelH() * g.kernelW();
        if (DepthwiseSmallMaps.fits(g)) {
            DepthwiseSmallMaps.backwardData(g, dy, dyOff, w, wOff, dx, dxOff, grain(g.outPlane() * taps));
            return;
        }
        final int padH = g.dilationH() * (g.kernelH() - 1) - g.padH(), padW = g.dilationW() * (g.kernelW() - 1) - g.padW();
        if (g.strideH() == 1 && g.strideW() == 1 && padH >= 0 && padW >= 0) {
            final ConvGeometry transposed = new ConvGeometry(g.batch(), g.outChannels(), g.outH(), g.outW(), g.inChannels(),
                    g.kernelH(), g.kernelW(), 1, 1, padH, padW, g.dilationH(), g.dilationW(), g.groups(), g.inH(), g.inW());
            forward(transposed, dy, dyOff, flipped(g, w, wOff), 0, null, 0, dx, dxOff);
            return;
        }
        final Layout lay = Layout.of(g);
        Parallel.forRange(g.batch() * channels, grain(g.outPlane() * taps), (p0, p1) -> {
            final Scratch s = SCRATCH.get();
            final float[] buf = s.plane = grow(s.plane, lay.planeLength(g));
            s.paddedFor = null; // backwardDataPlane writes over the padding
            final float[] padded = s.row = grow(s.row, g.outH() * lay.paddedRow());
            final int[] rows = s.rows = s.rows.length >= g.kernelH() ? s.rows : new int[g.kernelH()];
            for (int p = p0; p < p1; p++) {
                backwardDataPlane(g, lay, dy, dyOff + p * g.outPlane(), w, wOff + p % channels * taps, buf, padded, rows);
                unphase(g, lay, buf, dx, dxOff + p * g.inPlane());
            }
        });
    }

    /** Each channel's filter turned by 180°: tap {@code (ki, kj)} moves to {@code (kh − 1 − ki, kw − 1 − kj)}. */
    private static float[] flipped(ConvGeometry g, float[] w, int wOff) {
        final int taps = g.kernelH() * g.kernelW();
        final float[] f = new float[g.inChannels() * taps];
        for (int c = 0; c < g.inChannels(); c++) {
            for (int t = 0; t < taps; t++) f[c * taps + t] = w[wOff + c * taps + taps - 1 - t];
        }
        return f;
    }

    /**
     * The phased plane of dx, each element computed once as a sum over the taps that reach it:
     * element j of phase r in input row ih receives {@code w[ki,kj]·dy[oh, j − shift[kj]]} from
     * every kj of phase r and every ki with {@code oh·s − p + ki·d = ih}. Reading dY at shifted
     * positions, rather than adding shifted vectors into dx, leaves no store followed by an
     * overlapping load, which would stall the CPU; and the zero-padded copy of dY makes the
     * shifted positions that fall outside the row read zero.
     */
    private static void backwardDataPlane(ConvGeometry g, Layout lay, float[] dy, int dyPlane, float[] w, int wc, float[] buf, float[] padded, int[] rows) {
        final int outW = g.outW(), outH = g.outH(), kh = g.kernelH(), kw = g.kernelW(), s = g.strideW();
        final int phaseLen = lay.phaseLen(), rowLen = lay.paddedRow(), maxShift = lay.maxShift();
        final int[] phase = lay.phase(), shift = lay.shift();
        for (int oh = 0; oh < outH; oh++) {
            final int base = oh * rowLen;
            Arrays.fill(padded, base, base + maxShift, 0f);
            System.arraycopy(dy, dyPlane + oh * outW, padded, base + maxShift, outW);
            Arrays.fill(padded, base + maxShift + outW, base + rowLen, 0f);
        }
        for (int ih = 0; ih < g.inH(); ih++) {
            // rows[ki]: where the dY row that reads ih through kernel row ki starts, or −1 if none does.
            for (int ki = 0; ki < kh; ki++) {
                final int t = ih + g.padH() - ki * g.dilationH(); // = oh·strideH for that row oh
                rows[ki] = t < 0 || t % g.strideH() != 0 || t / g.strideH() >= outH ? -1 : t / g.strideH() * rowLen + maxShift;
            }
            for (int r = 0; r < s; r++) {
                final int dst = ih * lay.rowStride() + r * phaseLen;
                for (int j = 0; j < phaseLen; j += L) {
                    FloatVector acc = FloatVector.zero(S);
                    for (int ki = 0; ki < kh; ki++) {
                        if (rows[ki] < 0) continue;
                        final int src = rows[ki] + j;
                        for (int kj = 0; kj < kw; kj++) {
                            if (phase[kj] != r) continue;
                            acc = FloatVector.fromArray(S, padded, src - shift[kj]).fma(FloatVector.broadcast(S, w[wc + ki * kw + kj]), acc);
                        }
                    }
                    acc.intoArray(buf, dst + j);
                }
            }
        }
    }

    /** As {@link Conv2dKernel#backwardWeight}, for a depthwise geometry: one thread per channel, images in order. */
    public static void backwardWeight(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        checkDepthwise(g);
        final int channels = g.inChannels(), taps = g.kernelH() * g.kernelW();
        if (DepthwiseSmallMaps.fits(g)) {
            DepthwiseSmallMaps.backwardWeight(g, x, xOff, dy, dyOff, dw, dwOff, grain(g.batch() * g.outPlane() * taps));
            return;
        }
        final Layout lay = Layout.of(g);
        final PaddingOf padding = PaddingOf.of(g, lay);
        Parallel.forRange(channels, grain(g.batch() * g.outPlane() * taps), (c0, c1) -> {
            final Scratch s = SCRATCH.get();
            final float[] buf = s.plane = grow(s.plane, lay.planeLength(g));
            final float[] rows = s.row = grow(s.row, g.outH() * lay.width());
            final float[] sums = s.sums = grow(s.sums, taps * L);
            for (int c = c0; c < c1; c++) {
                Arrays.fill(sums, 0, taps * L, 0f);
                for (int n = 0; n < g.batch(); n++) {
                    final int p = n * channels + c;
                    fillPhases(g, lay, padding, x, xOff + p * g.inPlane(), s);
                    backwardWeightPlane(g, lay, buf, dy, dyOff + p * g.outPlane(), rows, sums);
                }
                for (int t = 0; t < taps; t++) {
                    float sum = 0f;
                    for (int lane = 0; lane < L; lane++) sum += sums[t * L + lane];
                    dw[dwOff + c * taps + t] = sum;
                }
            }
        });
    }

    /**
     * {@code sums[tap] += dy[oh, ow]·x[ih, ow·s + kj·d − p]} over the plane, L partial sums per
     * tap. The dY rows are first copied into rows of whole vectors with zeros past their end (the
     * phased input holds real values there, which must not count); then each tap's sum stays in a
     * register over the whole plane.
     */
    private static void backwardWeightPlane(ConvGeometry g, Layout lay, float[] buf, float[] dy, int dyPlane, float[] rows, float[] sums) {
        final int outW = g.outW(), outH = g.outH(), kh = g.kernelH(), kw = g.kernelW(), width = lay.width();
        final int[] tap = lay.tap();
        for (int oh = 0; oh < outH; oh++) {
            FloatVector.zero(S).intoArray(rows, oh * width + width - L);
            System.arraycopy(dy, dyPlane + oh * outW, rows, oh * width, outW);
        }
        for (int ki = 0; ki < kh; ki++) {
            for (int kj = 0; kj < kw; kj++) {
                FloatVector acc = FloatVector.zero(S);
                for (int oh = 0; oh < outH; oh++) {
                    final int ih = oh * g.strideH() - g.padH() + ki * g.dilationH();
                    if (ih < 0 || ih >= g.inH()) continue;
                    final int src = ih * lay.rowStride() + tap[kj], row = oh * width;
                    for (int ow = 0; ow < width; ow += L) {
                        acc = FloatVector.fromArray(S, rows, row + ow).fma(FloatVector.fromArray(S, buf, src + ow), acc);
                    }
                }
                final int t = (ki * kw + kj) * L;
                FloatVector.fromArray(S, sums, t).add(acc).intoArray(sums, t);
            }
        }
    }

    /**
     * Copies one input plane into the scratch plane as zero-padded rows split into stride phases
     * (see the class comment). Which elements of the buffer hold pixels depends only on the
     * geometry, so the zeros around them are written once per call and layout, not once per
     * plane: on a 4×4 feature map they are most of the buffer.
     */
    private static void fillPhases(ConvGeometry g, Layout lay, PaddingOf padding, float[] x, int plane, Scratch scratch) {
        final int w = g.inW(), s = g.strideW(), pad = g.padW(), phaseLen = lay.phaseLen();
        final float[] buf = scratch.plane;
        if (!padding.equals(scratch.paddedFor)) {
            Arrays.fill(buf, 0, lay.planeLength(g), 0f);
            scratch.paddedFor = padding;
        }
        for (int r = 0; r < s; r++) {
            // Element j of phase r is padded column r + j·s, input column r + j·s − pad: real for j in [first, end).
            final int first = Math.max(0, ceilDiv(pad - r, s)), end = Math.min(phaseLen, ceilDiv(w + pad - r, s));
            for (int ih = 0; ih < g.inH(); ih++) {
                final int src = plane + ih * w + r - pad, dst = ih * lay.rowStride() + r * phaseLen;
                if (s == 1) {
                    if (end > first) System.arraycopy(x, src + first, buf, dst + first, end - first);
                } else {
                    for (int j = first; j < end; j++) buf[dst + j] = x[src + j * s];
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return Math.floorDiv(a + b - 1, b);
    }

    /** Copies the real pixels out of a phased plane: the inverse of {@link #fillPhases} on the image's own columns. */
    private static void unphase(ConvGeometry g, Layout lay, float[] buf, float[] dx, int plane) {
        final int w = g.inW(), s = g.strideW(), pad = g.padW(), phaseLen = lay.phaseLen();
        for (int ih = 0; ih < g.inH(); ih++) {
            final int dst = plane + ih * w, rowBase = ih * lay.rowStride();
            if (s == 1) {
                final int n = Math.max(0, Math.min(w, phaseLen - pad));
                System.arraycopy(buf, rowBase + pad, dx, dst, n);
                Arrays.fill(dx, dst + n, dst + w, 0f);
                continue;
            }
            // Padded column iw + pad is element j of phase r; both advance without a division.
            int r = pad % s, j = pad / s;
            for (int iw = 0; iw < w; iw++) {
                dx[dst + iw] = j < phaseLen ? buf[rowBase + r * phaseLen + j] : 0f;
                if (++r == s) {
                    r = 0;
                    j++;
                }
            }
        }
    }

    private static int grain(int macsPerItem) {
        return Math.max(1, GRAIN_MACS / Math.max(1, macsPerItem));
    }

    private static void checkDepthwise(ConvGeometry g) {
        if (!g.isDepthwise()) throw new IllegalArgumentException("not a depthwise convolution: " + g);
    }

    private static float[] grow(float[] buffer, int size) {
        return buffer.length >= size ? buffer : new float[Math.max(size, buffer.length + buffer.length / 2)];
    }
}
