package sau.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2-D pooling over the planes of a contiguous {@code [planes, H, W]} block ({@code planes = N·C}):
 * max pooling, average pooling and adaptive average pooling, forward and backward, with
 * PyTorch's rules for windows, padding and output sizes.
 *
 * <p>Each plane is independent, so the work is split over planes, and a backward pass only ever
 * adds into its own plane: no two threads write the same element, and the result does not
 * depend on the number of threads. The fast kernels clip every window to the input once, before
 * its loop, so the inner loops have no bounds tests; the scalar references next to them test
 * every tap, straight from the definition.
 *
 * <p>Windows: output position {@code o} starts at input position {@code o·stride − padding} and
 * has taps {@code start + k·dilation} for {@code k < kernel}; taps outside the input are padding.
 */
public final class Pool2dKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = S.length();

    // In a two-vector shuffle, lanes L..2L-1 are the second vector's lanes 0..L-1: these pick the
    // even and the odd lanes of two vectors, that is the left and the right column of L windows.
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);
    /** 0, 2, 4, ...: where each lane's window starts, for L windows in one row. */
    private static final IntVector ONE_ROW = IntVector.zero(I).addIndex(2);
    /**
     * The same for rows of L pixels (L/2 windows each), two rows of windows per vector: the
     * upper half of the lanes starts two input rows, 2L pixels, further on.
     */
    private static final IntVector TWO_ROWS = ONE_ROW.add(L, IntVector.zero(I).addIndex(1).compare(VectorOperators.GE, L / 2));

    private Pool2dKernel() {}

    /** One spatial dimension of a pooling window: kernel size, stride, padding, dilation. */
    public record Window(int kernel, int stride, int padding, int dilation) {
        public Window {
            if (kernel < 1 || stride < 1 || padding < 0 || dilation < 1) {
                throw new IllegalArgumentException("pooling needs kernel, stride, dilation >= 1 and padding >= 0, got kernel=" + kernel
                        + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation);
            }
            if (padding > kernel / 2) {
                throw new IllegalArgumentException("pooling padding should be at most half the kernel size, got padding=" + padding + ", kernel=" + kernel);
            }
        }

        /**
         * PyTorch's output size: {@code ⌊(in + 2p − d·(k−1) − 1)/s⌋ + 1}, rounded up instead in
         * ceil mode; but ceil mode never makes a window that starts past the input and its left
         * padding, since such a window would see only right padding.
         */
        public int outputSize(int in, boolean ceilMode) {
            final int span = in + 2 * padding - dilation * (kernel - 1) - 1;
            if (span < 0) throw new IllegalArgumentException("pooling window " + this + " is larger than the padded input of size " + in);
            int out = (ceilMode ? span + stride - 1 : span) / stride + 1;
            if (ceilMode && (out - 1) * stride >= in + padding) out--;
            return out;
        }
    }

    // ---- max pooling --------------------------------------------------------------------------

    /**
     * Max pooling: {@code y[o] = max over the window's taps inside the input}, and {@code argmax[o]}
     * the flat index {@code h·W + w} in the plane of the first largest tap (what backward routes
     * the gradient to). A NaN wins (the last one, as in PyTorch), so it propagates.
     *
     * <p>The indices are ints kept as the bits of floats ({@link #indexAsFloat}), so that they
     * live in an array from the arena, which lends floats only, instead of a new {@code int[]}
     * at every step (15 MB per VGG-16 step at batch 128). The GPU kernels keep them the same way.
     */
    public static void maxForward(float[] x, int xOff, float[] y, float[] argmax, int planes, int inH, int inW,
                                  Window wh, Window ww, int outH, int outW) {
        final Window halving = new Window(2, 2, 0, 1);
        if (wh.equals(halving) && ww.equals(halving) && 2 * outH <= inH && 2 * outW <= inW) {
            maxForward2x2(x, xOff, y, argmax, planes, inH, inW, outH, outW);
            return;
        }
        final int[] h0 = new int[outH], h1 = new int[outH], w0 = new int[outW], w1 = new int[outW];
        clip(wh, inH, h0, h1);
        clip(ww, inW, w0, w1);
        final int inPlane = inH * inW, outPlane = outH * outW;
        Parallel.forRange(planes, Math.max(1, Elementwise.GRAIN / Math.max(1, inPlane)), (first, last) -> {
            for (int p = first; p < last; p++) {
                final int in = xOff + p * inPlane;
                for (int oh = 0; oh < outH; oh++) {
                    final int hs = oh * wh.stride - wh.padding;
                    for (int ow = 0; ow < outW; ow++) {
                        final int ws = ow * ww.stride - ww.padding;
                        float best = Float.NEGATIVE_INFINITY;
                        int bestAt = (hs + h0[oh] * wh.dilation) * inW + ws + w0[ow] * ww.dilation;
                        for (int kh = h0[oh]; kh < h1[oh]; kh++) {
                            final int rowAt = (hs + kh * wh.dilation) * inW + ws;
                            for (int kw = w0[ow]; kw < w1[ow]; kw++) {
                                final int at = rowAt + kw * ww.dilation;
                                final float v = x[in + at];
                                if (v > best || Float.isNaN(v)) {
                                    best = v;
                                    bestAt = at;
                                }
                            }
                        }
                        final int o = p * outPlane + oh * outW + ow;
                        y[o] = best;
                        argmax[o] = indexAsFloat(bestAt);
                    }
                }
            }
        });
    }

    /**
     * The common 2×2 stride-2 max pool whose windows all lie inside the input: four taps read
     * directly, no clipping. {@code v > best || v != v} keeps the first largest tap and lets a
     * NaN win (and stay), as in the general loop.
     *
     * <p>L windows of a row at a time: two vectors of each input row hold their 2L values, split
     * into the windows' left and right columns with shuffles; the four taps are then compared in
     * order with lane masks instead of branches. With branches, random data mispredicts about
     * every other compare, and the loop took about ten times as long as reading its input from memory.
     */
    private static void maxForward2x2(float[] x, int xOff, float[] y, float[] argmax, int planes, int inH, int inW, int outH, int outW) {
        final int inPlane = inH * inW, outPlane = outH * outW;
        Parallel.forRange(planes, Math.max(1, Elementwise.GRAIN / Math.max(1, inPlane)), (first, last) -> {
            for (int p = first; p < last; p++) {
                final int in = xOff + p * inPlane;
                int oh = 0;
                if (inW == L) {
                    // Rows of L pixels: two rows of L/2 windows fill a vector.
                    for (; oh + 2 <= outH; oh += 2) maxWindows2x2(x, in, 2 * oh * inW, inW, 2 * inW, TWO_ROWS, y, argmax, p * outPlane + oh * outW);
                }
                for (; oh < outH; oh++) {
                    int ow = 0, o = p * outPlane + oh * outW, at = 2 * oh * inW;
                    for (; ow + L <= outW; ow += L, o += L, at += 2 * L) maxWindows2x2(x, in, at, inW, L, ONE_ROW, y, argmax, o);
                    for (; ow < outW; ow++, o++, at += 2) maxWindow2x2(x, in, at, inW, y, argmax, o);
                }
            }
        });
    }

    /**
     * L windows whose top-left taps are {@code x[in + at + starts[i]]}, outputs o to o + L − 1: the
     * top rows of their taps are the two vectors at {@code at} and {@code at + next}, the bottom
     * rows one input row below.
     */
    private static void maxWindows2x2(float[] x, int in, int at, int inW, int next, IntVector starts, float[] y, float[] argmax, int o) {
        final FloatVector top0 = FloatVector.fromArray(S, x, in + at), top1 = FloatVector.fromArray(S, x, in + at + next);
        final FloatVector bottom0 = FloatVector.fromArray(S, x, in + at + inW), bottom1 = FloatVector.fromArray(S, x, in + at + inW + next);
        final IntVector left = starts.add(at);
        FloatVector best = top0.rearrange(EVEN, top1);
        IntVector bestAt = left;
        final FloatVector topRight = top0.rearrange(ODD, top1);
        VectorMask<Float> wins = winsOver(topRight, best);
        best = best.blend(topRight, wins);
        bestAt = bestAt.blend(left.add(1), wins.cast(I));
        final FloatVector bottomLeft = bottom0.rearrange(EVEN, bottom1);
        wins = winsOver(bottomLeft, best);
        best = best.blend(bottomLeft, wins);
        bestAt = bestAt.blend(left.add(inW), wins.cast(I));
        final FloatVector bottomRight = bottom0.rearrange(ODD, bottom1);
        wins = winsOver(bottomRight, best);
        best = best.blend(bottomRight, wins);
        bestAt = bestAt.blend(left.add(inW + 1), wins.cast(I));
        best.intoArray(y, o);
        bestAt.reinterpretAsFloats().intoArray(argmax, o); // the bits of indexAsFloat
    }

    /** One window, its top-left tap at {@code x[in + at]}: output o. */
    private static void maxWindow2x2(float[] x, int in, int at, int inW, float[] y, float[] argmax, int o) {
        float best = x[in + at];
        int bestAt = at;
        float v = x[in + at + 1];
        if (v > best || v != v) {
            best = v;
            bestAt = at + 1;
        }
        v = x[in + at + inW];
        if (v > best || v != v) {
            best = v;
            bestAt = at + inW;
        }
        v = x[in + at + inW + 1];
        if (v > best || v != v) {
            best = v;
            bestAt = at + inW + 1;
        }
        y[o] = best;
        argmax[o] = indexAsFloat(bestAt);
    }

    /** Lanes where tap {@code v} takes over from {@code best}: larger, or NaN. */
    private static VectorMask<Float> winsOver(FloatVector v, FloatVector best) {
        return v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
    }

    /** Max pooling backward: each output's gradient goes to the tap that won, {@code gx[argmax[o]] += g[o]}. */
    public static void maxBackward(float[] g, int gOff, float[] argmax, float[] gx, int planes, int inPlane, int outPlane) {
        Parallel.forRange(planes, Math.max(1, Elementwise.GRAIN / Math.max(1, outPlane)), (first, last) -> {
            for (int p = first; p < last; p++) {
                for (int o = p * outPlane, end = o + outPlane; o < end; o++) gx[p * inPlane + floatAsIndex(argmax[o])] += g[gOff + o];
            }
        });
    }

    /**
     * An index stored in a float array, bit for bit. Indices are below {@code 0x7F800000}, so the
     * bits are never a NaN, whose bits a copy could change: the float is an ordinary (tiny) number.
     */
    static float indexAsFloat(int index) {
        return Float.intBitsToFloat(index);
    }

    /** The index that {@link #indexAsFloat} stored. */
    static int floatAsIndex(float stored) {
        return Float.floatToRawIntBits(stored);
    }

    /** The scalar reference of {@link #maxForward}: returns the output; fills {@code argmax}. */
    public static float[] maxForwardReference(float[] x, int planes, int inH, int inW, Window wh, Window ww, int outH, int outW, int[] argmax) {
        final float[] y = new float[planes * outH * outW];
        for (int p = 0, o = 0; p < planes; p++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++, o++) {
                    float best = Float.NEGATIVE_INFINITY;
                    int bestAt = -1;
                    for (int kh = 0; kh < wh.kernel; kh++) {
                        final int h = oh * wh.stride - wh.padding + kh * wh.dilation;
                        for (int kw = 0; kw < ww.kernel; kw++) {
                            final int w = ow * ww.stride - ww.padding + kw * ww.dilation;
                            if (h < 0 || h >= inH || w < 0 || w >= inW) continue;
                            final float v = x[p * inH * inW + h * inW + w];
                            if (bestAt < 0 || v > best || Float.isNaN(v)) {
                                best = v;
                                bestAt = h * inW + w;
                            }
                        }
                    }
                    y[o] = best;
                    argmax[o] = bestAt;
                }
            }
        }
        return y;
    }

    // ---- average pooling ------------------------------------------------------------------

    /**
     * Average pooling (no dilation): the sum of the taps inside the input divided by the window's
     * size, which counts the padding taps when {@code countIncludePad} (but never the taps that
     * ceil mode hangs past the padding) and only the real taps otherwise.
     */
    public static void avgForward(float[] x, int xOff, float[] y, int planes, int inH, int inW, Window wh, Window ww,
                                  int outH, int outW, boolean countIncludePad) {
        final AvgRanges hr = new AvgRanges(wh, inH, outH), wr = new AvgRanges(ww, inW, outW);
        final int inPlane = inH * inW, outPlane = outH * outW;
        Parallel.forRange(planes, Math.max(1, Elementwise.GRAIN / Math.max(1, inPlane)), (first, last) -> {
            for (int p = first; p < last; p++) {
                final int in = xOff + p * inPlane;
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        float sum = 0;
                        for (int h = hr.start[oh]; h < hr.end[oh]; h++) {
                            for (int w = wr.start[ow]; w < wr.end[ow]; w++) sum += x[in + h * inW + w];
                        }
                        final int count = divisor(hr, oh, wr, ow, countIncludePad);
                        y[p * outPlane + oh * outW + ow] = count == 0 ? 0f : sum / count;
                    }
                }
            }
        });
    }

    /** Average pooling backward: every tap of a window inside the input receives {@code g[o] / divisor}. */
    public static void avgBackward(float[] g, int gOff, float[] gx, int planes, int inH, int inW, Window wh, Window ww,
                                   int outH, int outW, boolean countIncludePad) {
        final AvgRanges hr = new AvgRanges(wh, inH, outH), wr = new AvgRanges(ww, inW, outW);
        final int inPlane = inH * inW, outPlane = outH * outW;
        Parallel.forRange(planes, Math.max(1, Elementwise.GRAIN / Math.max(1, inPlane)), (first, last) -> {
            for (int p = first; p < last; p++) {
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        final int count = divisor(hr, oh, wr, ow, countIncludePad);
                        if (count == 0) continue;
                        final float share = g[gOff + p * outPlane + oh * outW + ow] / count;
                        for (int h = hr.start[oh]; h < hr.end[oh]; h++) {
                            for (int w = wr.start[ow]; w < wr.end[ow]; w++) gx[p * inPlane + h * inW + w] += share;
                        }
                    }
                }
            }
        });
    }

    /**
     * Per output position along one dimension: the window clipped to the input
     * ({@code [start, end)}) and its size clipped only to the padded input ({@code padded}),
     * which is what PyTorch's {@code count_include_pad} divides by.
     */
    private static final class AvgRanges {
        final int[] start, end, padded;

        AvgRanges(Window w, int in, int out) {
            start = new int[out];
            end = new int[out];
            padded = new int[out];
            for (int o = 0; o < out; o++) {
                final int s = o * w.stride - w.padding;
                final int paddedEnd = Math.min(s + w.kernel, in + w.padding);
                padded[o] = paddedEnd - s;
                start[o] = Math.max(s, 0);
                end[o] = Math.min(paddedEnd, in);
            }
        }
    }

    private static int divisor(AvgRanges hr, int oh, AvgRanges wr, int ow, boolean countIncludePad) {
        if (hr.start[oh] >= hr.end[oh] || wr.start[ow] >= wr.end[ow]) return 0;
        return countIncludePad ? hr.padded[oh] * wr.padded[ow] : (hr.end[oh] - hr.start[oh]) * (wr.end[ow] - wr.start[ow]);
    }

    /** The scalar reference of {@link #avgForward}, tap by tap. */
    public static float[] avgForwardReference(float[] x, int planes, int inH, int inW, Window wh, Window ww, int outH, int outW, boolean countIncludePad) {
        final float[] y = new float[planes * outH * outW];
        for (int p = 0, o = 0; p < planes; p++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++, o++) {
                    double sum = 0;
                    int real = 0, padded = 0;
                    for (int kh = 0; kh < wh.kernel; kh++) {
                        final int h = oh * wh.stride - wh.padding + kh;
                        for (int kw = 0; kw < ww.kernel; kw++) {
                            final int w = ow * ww.stride - ww.padding + kw;
                            if (h >= inH + wh.padding || w >= inW + ww.padding) continue; // hangs past the padding: not counted
                            padded++;
                            if (h < 0 || h >= inH || w < 0 || w >= inW) continue;
                            real++;
                            sum += x[p * inH * inW + h * inW + w];
                        }
                    }
                    y[o] = real == 0 ? 0f : (float) (sum / (countIncludePad ? padded : real));
                }
            }
        }
        return y;
    }

    // ---- adaptive average pooling -----------------------------------------------------------

    /**
     * Adaptive average pooling to {@code outH × outW}: output bin {@code i} averages input
     * positions {@code ⌊i·in/out⌋ .. ⌈(i+1)·in/out⌉ − 1}. The bins cover the input, overlap
     * when {@code in} is not a multiple of {@code out}, and are never empty.
     */
    public static void adaptiveAvgForward(float[] x, int xOff, float[] y, int planes, int inH, int inW, int outH, int outW) {
        final int inPlane = inH * inW, outPlane = outH * outW;
        Parallel.forRange(planes, Math.max(1, Elementwise.GRAIN / Math.max(1, inPlane)), (first, last) -> {
            for (int p = first; p < last; p++) {
                final int in = xOff + p * inPlane;
                for (int oh = 0; oh < outH; oh++) {
                    final int hs = binStart(oh, inH, outH), he = binEnd(oh, inH, outH);
                    for (int ow = 0; ow < outW; ow++) {
                        final int ws = binStart(ow, inW, outW), we = binEnd(ow, inW, outW);
                        float sum = 0;
                        for (int h = hs; h < he; h++) {
                            for (int w = ws; w < we; w++) sum += x[in + h * inW + w];
                        }
                        y[p * outPlane + oh * outW + ow] = sum / ((he - hs) * (we - ws));
                    }
                }
            }
        });
    }

    /** Adaptive average pooling backward: each bin's gradient is shared equally by its positions. */
    public static void adaptiveAvgBackward(float[] g, int gOff, float[] gx, int planes, int inH, int inW, int outH, int outW) {
        final int inPlane = inH * inW, outPlane = outH * outW;
        Parallel.forRange(planes, Math.max(1, Elementwise.GRAIN / Math.max(1, inPlane)), (first, last) -> {
            for (int p = first; p < last; p++) {
                for (int oh = 0; oh < outH; oh++) {
                    final int hs = binStart(oh, inH, outH), he = binEnd(oh, inH, outH);
                    for (int ow = 0; ow < outW; ow++) {
                        final int ws = binStart(ow, inW, outW), we = binEnd(ow, inW, outW);
                        final float share = g[gOff + p * outPlane + oh * outW + ow] / ((he - hs) * (we - ws));
                        for (int h = hs; h < he; h++) {
                            for (int w = ws; w < we; w++) gx[p * inPlane + h * inW + w] += share;
                        }
                    }
                }
            }
        });
    }

    /** {@code ⌊i·in/out⌋} */
    public static int binStart(int i, int in, int out) {
        return (int) ((long) i * in / out);
    }

    /** {@code ⌈(i+1)·in/out⌉} */
    public static int binEnd(int i, int in, int out) {
        return (int) (((long) (i + 1) * in + out - 1) / out);
    }

    /** The scalar reference of {@link #adaptiveAvgForward}, with the bins' bounds in floating point. */
    public static float[] adaptiveAvgForwardReference(float[] x, int planes, int inH, int inW, int outH, int outW) {
        final float[] y = new float[planes * outH * outW];
        for (int p = 0, o = 0; p < planes; p++) {
            for (int oh = 0; oh < outH; oh++) {
                final int hs = (int) Math.floor((double) oh * inH / outH), he = (int) Math.ceil((double) (oh + 1) * inH / outH);
                for (int ow = 0; ow < outW; ow++, o++) {
                    final int ws = (int) Math.floor((double) ow * inW / outW), we = (int) Math.ceil((double) (ow + 1) * inW / outW);
                    double sum = 0;
                    for (int h = hs; h < he; h++) for (int w = ws; w < we; w++) sum += x[p * inH * inW + h * inW + w];
                    y[o] = (float) (sum / ((he - hs) * (we - ws)));
                }
            }
        }
        return y;
    }

    /** For each output position, the range {@code [k0, k1)} of kernel taps that fall inside the input. */
    private static void clip(Window w, int in, int[] k0, int[] k1) {
        for (int o = 0; o < k0.length; o++) {
            final int start = o * w.stride - w.padding;
            int lo = 0;
            while (start + lo * w.dilation < 0) lo++;
            int hi = w.kernel;
            while (hi > lo && start + (hi - 1) * w.dilation >= in) hi--;
            k0[o] = lo;
            k1[o] = hi;
        }
    }
}
