package sau.backend.cpu;

/**
 * Upsampling (resizing) of the planes of a contiguous {@code [planes, H, W]} block, by nearest
 * neighbour or bilinear interpolation, forward and backward, with PyTorch's coordinate rules.
 *
 * <p>{@code ratio} is the input distance per output step along a dimension. PyTorch takes it as
 * {@code 1/scale_factor} when the caller gave a scale factor and {@code in/out} when it gave a
 * size; the two differ for scale factors such as 1.5 on odd sizes, so the caller passes it.
 *
 * <ul>
 *   <li>Nearest: output {@code o} copies input {@code min(⌊o·ratio⌋, in − 1)}.
 *   <li>Bilinear, {@code align_corners=False}: pixels are squares and their centres line up,
 *       {@code src = (o + ½)·ratio − ½}, clamped at 0 below; with {@code align_corners=True} the
 *       corner pixels line up, {@code src = o·(in − 1)/(out − 1)}. The output mixes input
 *       {@code i0 = ⌊src⌋} and {@code i1 = min(i0 + 1, in − 1)} with weights {@code 1 − λ} and
 *       {@code λ = src − i0}, along each dimension.
 * </ul>
 *
 * <p>Every output of a plane reads only that plane, so the work is split over planes, and the
 * backward pass (which scatters each output's gradient back to the inputs it read, with the same
 * weights) never has two threads adding into one element. The coordinates are computed once per
 * row and column into small tables; the references recompute them per element.
 */
public final class UpsampleKernel {

    private UpsampleKernel() {}

    /** PyTorch's nearest source index, in float as PyTorch computes it. */
    public static int nearestIndex(int o, int in, int out, double ratio) {
        if (out == in) return o;
        if (out == 2 * in) return o >> 1;
        return Math.min((int) Math.floor(o * (float) ratio), in - 1);
    }

    /** The input distance per output step of bilinear interpolation (PyTorch's {@code area_pixel_compute_scale}). */
    public static double bilinearRatio(int in, int out, boolean alignCorners, double ratio) {
        if (alignCorners) return out > 1 ? (double) (in - 1) / (out - 1) : 0;
        return ratio;
    }

    /** The fractional source coordinate of output {@code o} (PyTorch's {@code area_pixel_compute_source_index}). */
    public static float sourceCoordinate(int o, float ratio, boolean alignCorners) {
        if (alignCorners) return ratio * o;
        final float src = ratio * (o + 0.5f) - 0.5f;
        return src < 0 ? 0f : src;
    }

    // ---- nearest ----------------------------------------------------------------------------

    public static void nearestForward(float[] x, int xOff, float[] y, int planes, int inH, int inW, int outH, int outW, double ratioH, double ratioW) {
        final int[] ih = nearestTable(inH, outH, ratioH), iw = nearestTable(inW, outW, ratioW);
        final int inPlane = inH * inW, outPlane = outH * outW;
        Parallel.forRange(planes, Math.max(1, Elementwise.GRAIN / Math.max(1, outPlane)), (first, last) -> {
            for (int p = first; p < last; p++) {
                for (int oh = 0; oh < outH; oh++) {
                    final int src = xOff + p * inPlane + ih[oh] * inW, dst = p * outPlane + oh * outW;
                    for (int ow = 0; ow < outW; ow++) y[dst + ow] = x[src + iw[ow]];
                }
            }
        });
    }

    /** Nearest backward: {@code gx[source(o)] += g[o]}, an input's gradient being the sum over the outputs that copied it. */
    public static void nearestBackward(float[] g, int gOff, float[] gx, int planes, int inH, int inW, int outH, int outW, double ratioH, double ratioW) {
        final int[] ih = nearestTable(inH, outH, ratioH), iw = nearestTable(inW, outW, ratioW);
        final int inPlane = inH * inW, outPlane = outH * outW;
        Parallel.forRange(planes, Math.max(1, Elementwise.GRAIN / Math.max(1, outPlane)), (first, last) -> {
            for (int p = first; p < last; p++) {
                for (int oh = 0; oh < outH; oh++) {
                    final int dst = p * inPlane + ih[oh] * inW, src = gOff + p * outPlane + oh * outW;
                    for (int ow = 0; ow < outW; ow++) gx[dst + iw[ow]] += g[src + ow];
                }
            }
        });
    }

    private static int[] nearestTable(int in, int out, double ratio) {
        final int[] t = new int[out];
        for (int o = 0; o < out; o++) t[o] = nearestIndex(o, in, out, ratio);
        return t;
    }

    public static float[] nearestForwardReference(float[] x, int planes, int inH, int inW, int outH, int outW, double ratioH, double ratioW) {
        final float[] y = new float[planes * outH * outW];
        for (int p = 0, o = 0; p < planes; p++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++, o++) {
                    y[o] = x[p * inH * inW + nearestIndex(oh, inH, outH, ratioH) * inW + nearestIndex(ow, inW, outW, ratioW)];
                }
            }
        }
        return y;
    }

    // ---- bilinear ---------------------------------------------------------------------------

    public static void bilinearForward(float[] x, int xOff, float[] y, int planes, int inH, int inW, int outH, int outW,
                                       boolean alignCorners, double ratioH, double ratioW) {
        final Taps th = new Taps(inH, outH, alignCorners, ratioH), tw = new Taps(inW, outW, alignCorners, ratioW);
        final int inPlane = inH * inW, outPlane = outH * outW;
        Parallel.forRange(planes, Math.max(1, Elementwise.GRAIN / Math.max(1, outPlane)), (first, last) -> {
            for (int p = first; p < last; p++) {
                final int in = xOff + p * inPlane;
                for (int oh = 0; oh < outH; oh++) {
                    final int r0 = in + th.i0[oh] * inW, r1 = in + th.i1[oh] * inW;
                    final float a0 = th.w0[oh], a1 = th.w1[oh];
                    final int dst = p * outPlane + oh * outW;
                    for (int ow = 0; ow < outW; ow++) {
                        final int c0 = tw.i0[ow], c1 = tw.i1[ow];
                        final float b0 = tw.w0[ow], b1 = tw.w1[ow];
                        y[dst + ow] = a0 * (b0 * x[r0 + c0] + b1 * x[r0 + c1]) + a1 * (b0 * x[r1 + c0] + b1 * x[r1 + c1]);
                    }
                }
            }
        });
    }

    /** Bilinear backward: each output's gradient goes to its four inputs, times the weight it read them with. */
    public static void bilinearBackward(float[] g, int gOff, float[] gx, int planes, int inH, int inW, int outH, int outW,
                                        boolean alignCorners, double ratioH, double ratioW) {
        final Taps th = new Taps(inH, outH, alignCorners, ratioH), tw = new Taps(inW, outW, alignCorners, ratioW);
        final int inPlane = inH * inW, outPlane = outH * outW;
        Parallel.forRange(planes, Math.max(1, Elementwise.GRAIN / Math.max(1, outPlane)), (first, last) -> {
            for (int p = first; p < last; p++) {
                final int in = p * inPlane;
                for (int oh = 0; oh < outH; oh++) {
                    final int r0 = in + th.i0[oh] * inW, r1 = in + th.i1[oh] * inW;
                    final float a0 = th.w0[oh], a1 = th.w1[oh];
                    final int src = gOff + p * outPlane + oh * outW;
                    for (int ow = 0; ow < outW; ow++) {
                        final int c0 = tw.i0[ow], c1 = tw.i1[ow];
                        final float b0 = tw.w0[ow], b1 = tw.w1[ow];
                        final float gv = g[src + ow];
                        gx[r0 + c0] += a0 * b0 * gv;
                        gx[r0 + c1] += a0 * b1 * gv;
                        gx[r1 + c0] += a1 * b0 * gv;
                        gx[r1 + c1] += a1 * b1 * gv;
                    }
                }
            }
        });
    }

    /** Along one dimension: the two inputs {@code i0, i1} each output reads and their weights {@code w0 = 1 − λ, w1 = λ}. */
    private static final class Taps {
        final int[] i0, i1;
        final float[] w0, w1;

        Taps(int in, int out, boolean alignCorners, double ratio) {
            i0 = new int[out];
            i1 = new int[out];
            w0 = new float[out];
            w1 = new float[out];
            final float r = (float) bilinearRatio(in, out, alignCorners, ratio);
            for (int o = 0; o < out; o++) {
                final float src = sourceCoordinate(o, r, alignCorners);
                i0[o] = Math.min((int) src, in - 1);
                i1[o] = Math.min(i0[o] + 1, in - 1);
                w1[o] = Math.min(Math.max(src - i0[o], 0f), 1f);
                w0[o] = 1 - w1[o];
            }
        }
    }

    public static float[] bilinearForwardReference(float[] x, int planes, int inH, int inW, int outH, int outW,
                                                   boolean alignCorners, double ratioH, double ratioW) {
        final float[] y = new float[planes * outH * outW];
        final float rh = (float) bilinearRatio(inH, outH, alignCorners, ratioH), rw = (float) bilinearRatio(inW, outW, alignCorners, ratioW);
        for (int p = 0, o = 0; p < planes; p++) {
            for (int oh = 0; oh < outH; oh++) {
                final float sh = sourceCoordinate(oh, rh, alignCorners);
                final int h0 = Math.min((int) sh, inH - 1), h1 = Math.min(h0 + 1, inH - 1);
                final double lh = Math.min(Math.max(sh - h0, 0f), 1f);
                for (int ow = 0; ow < outW; ow++, o++) {
                    final float sw = sourceCoordinate(ow, rw, alignCorners);
                    final int w0 = Math.min((int) sw, inW - 1), w1 = Math.min(w0 + 1, inW - 1);
                    final double lw = Math.min(Math.max(sw - w0, 0f), 1f);
                    final int base = p * inH * inW;
                    final double top = (1 - lw) * x[base + h0 * inW + w0] + lw * x[base + h0 * inW + w1];
                    final double bottom = (1 - lw) * x[base + h1 * inW + w0] + lw * x[base + h1 * inW + w1];
                    y[o] = (float) ((1 - lh) * top + lh * bottom);
                }
            }
        }
        return y;
    }
}
