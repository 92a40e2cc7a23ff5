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
 * <p>The backward passes use the same buffer: backward-data scatters {@code w·dy} into a zeroed
 * phased plane with the same addressing, then copies the real pixels out; backward-weights
 * takes, for each tap, the dot product of the dY row with the shifted input row. The weight and
 * bias gradients of a channel are summed by one thread in a fixed order: the same bits on any
 * number of threads.
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
        final float[] lanes = new float[L];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Where things sit in the phased copy of one plane: {@code width} outputs rounded up to whole
     * vectors, phases of {@code phaseLen} elements, {@code rowStride} per input row, and
     * {@code tap[kj]}, the offset of kernel column kj's first element within a row.
     */
    private record Layout(int width, int phaseLen, int rowStride, int[] tap) {

        static Layout of(ConvGeometry g) {
            final int s = g.strideW(), width = (g.outW() + L - 1) / L * L;
            final int phaseLen = width + (g.kernelW() - 1) * g.dilationW() / s;
            final int[] tap = new int[g.kernelW()];
            for (int kj = 0; kj < tap.length; kj++) {
                final int shift = kj * g.dilationW();
                tap[kj] = shift % s * phaseLen + shift / s;
            }
            return new Layout(width, phaseLen, s * phaseLen, tap);
        }

        int planeLength(ConvGeometry g) {
            return g.inH() * rowStride;
        }
    }

    private DepthwiseConvKernel() {}

    /** As {@link Conv2dKernel#forward}, for a depthwise geometry. */
    public static void forward(ConvGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff) {
        checkDepthwise(g);
        final Layout lay = Layout.of(g);
        final int channels = g.inChannels(), taps = g.kernelH() * g.kernelW();
        Parallel.forRange(g.batch() * channels, grain(g.outPlane() * taps), (p0, p1) -> {
            final Scratch s = SCRATCH.get();
            final float[] buf = s.plane = grow(s.plane, lay.planeLength(g));
            for (int p = p0; p < p1; p++) {
                final int c = p % channels;
                fillPhases(g, lay, x, xOff + p * g.inPlane(), buf);
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

    /** As {@link Conv2dKernel#backwardData}, for a depthwise geometry. */
    public static void backwardData(ConvGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        checkDepthwise(g);
        final Layout lay = Layout.of(g);
        final int channels = g.inChannels(), taps = g.kernelH() * g.kernelW();
        Parallel.forRange(g.batch() * channels, grain(g.outPlane() * taps), (p0, p1) -> {
            final Scratch s = SCRATCH.get();
            final float[] buf = s.plane = grow(s.plane, lay.planeLength(g));
            final float[] row = s.row = grow(s.row, lay.width());
            for (int p = p0; p < p1; p++) {
                Arrays.fill(buf, 0, lay.planeLength(g), 0f);
                backwardDataPlane(g, lay, dy, dyOff + p * g.outPlane(), w, wOff + p % channels * taps, buf, row);
                unphase(g, lay, buf, dx, dxOff + p * g.inPlane());
            }
        });
    }

    /** {@code dx[ih, ow·s + kj·d − p] += w[ki,kj]·dy[oh, ow]}, into the zeroed phased plane {@code buf}. */
    private static void backwardDataPlane(ConvGeometry g, Layout lay, float[] dy, int dyPlane, float[] w, int wc, float[] buf, float[] row) {
        final int outW = g.outW(), kh = g.kernelH(), kw = g.kernelW(), width = lay.width();
        final int[] tap = lay.tap();
        for (int oh = 0; oh < g.outH(); oh++) {
            // Zeros past the row's end, so that the last vector adds nothing where there is no output.
            System.arraycopy(dy, dyPlane + oh * outW, row, 0, outW);
            Arrays.fill(row, outW, width, 0f);
            for (int ki = 0; ki < kh; ki++) {
                final int ih = oh * g.strideH() - g.padH() + ki * g.dilationH();
                if (ih < 0 || ih >= g.inH()) continue;
                for (int kj = 0; kj < kw; kj++) {
                    final FloatVector wv = FloatVector.broadcast(S, w[wc + ki * kw + kj]);
                    final int dst = ih * lay.rowStride() + tap[kj];
                    for (int ow = 0; ow < width; ow += L) {
                        FloatVector.fromArray(S, row, ow).fma(wv, FloatVector.fromArray(S, buf, dst + ow)).intoArray(buf, dst + ow);
                    }
                }
            }
        }
    }

    /** As {@link Conv2dKernel#backwardWeight}, for a depthwise geometry: one thread per channel, images in order. */
    public static void backwardWeight(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        checkDepthwise(g);
        final Layout lay = Layout.of(g);
        final int channels = g.inChannels(), taps = g.kernelH() * g.kernelW();
        Parallel.forRange(channels, grain(g.batch() * g.outPlane() * taps), (c0, c1) -> {
            final Scratch s = SCRATCH.get();
            final float[] buf = s.plane = grow(s.plane, lay.planeLength(g));
            final float[] row = s.row = grow(s.row, lay.width());
            final float[] sums = s.sums = grow(s.sums, taps * L);
            for (int c = c0; c < c1; c++) {
                Arrays.fill(sums, 0, taps * L, 0f);
                for (int n = 0; n < g.batch(); n++) {
                    final int p = n * channels + c;
                    fillPhases(g, lay, x, xOff + p * g.inPlane(), buf);
                    backwardWeightPlane(g, lay, buf, dy, dyOff + p * g.outPlane(), row, sums);
                }
                for (int t = 0; t < taps; t++) {
                    float sum = 0f;
                    for (int lane = 0; lane < L; lane++) sum += sums[t * L + lane];
                    dw[dwOff + c * taps + t] = sum;
                }
            }
        });
    }

    /** {@code sums[tap] += dy[oh, ow]·x[ih, ow·s + kj·d − p]} over the plane, L partial sums per tap. */
    private static void backwardWeightPlane(ConvGeometry g, Layout lay, float[] buf, float[] dy, int dyPlane, float[] row, float[] sums) {
        final int outW = g.outW(), kh = g.kernelH(), kw = g.kernelW(), width = lay.width();
        final int[] tap = lay.tap();
        for (int oh = 0; oh < g.outH(); oh++) {
            // Zeros past the row's end: the phased row holds real inputs there, which must not count.
            System.arraycopy(dy, dyPlane + oh * outW, row, 0, outW);
            Arrays.fill(row, outW, width, 0f);
            for (int ki = 0; ki < kh; ki++) {
                final int ih = oh * g.strideH() - g.padH() + ki * g.dilationH();
                if (ih < 0 || ih >= g.inH()) continue;
                for (int kj = 0; kj < kw; kj++) {
                    final int src = ih * lay.rowStride() + tap[kj];
                    FloatVector acc = FloatVector.zero(S);
                    for (int ow = 0; ow < width; ow += L) {
                        acc = FloatVector.fromArray(S, row, ow).fma(FloatVector.fromArray(S, buf, src + ow), acc);
                    }
                    final int t = (ki * kw + kj) * L;
                    FloatVector.fromArray(S, sums, t).add(acc).intoArray(sums, t);
                }
            }
        }
    }

    /** Copies one input plane into {@code buf} as zero-padded rows split into stride phases (see the class comment). */
    private static void fillPhases(ConvGeometry g, Layout lay, float[] x, int plane, float[] buf) {
        final int w = g.inW(), s = g.strideW(), pad = g.padW(), phaseLen = lay.phaseLen();
        for (int ih = 0; ih < g.inH(); ih++) {
            final int src = plane + ih * w, rowBase = ih * lay.rowStride();
            if (s == 1) {
                final int n = Math.min(w, phaseLen - pad);
                Arrays.fill(buf, rowBase, rowBase + Math.min(pad, phaseLen), 0f);
                if (n > 0) System.arraycopy(x, src, buf, rowBase + pad, n);
                Arrays.fill(buf, rowBase + Math.min(phaseLen, pad + Math.max(n, 0)), rowBase + phaseLen, 0f);
                continue;
            }
            for (int r = 0; r < s; r++) {
                final int phase = rowBase + r * phaseLen;
                for (int j = 0; j < phaseLen; j++) {
                    final int iw = r + j * s - pad;
                    buf[phase + j] = iw >= 0 && iw < w ? x[src + iw] : 0f;
                }
            }
        }
    }

    /** Copies the real pixels out of a phased plane: the inverse of {@link #fillPhases} on the image's own columns. */
    private static void unphase(ConvGeometry g, Layout lay, float[] buf, float[] dx, int plane) {
        final int w = g.inW(), s = g.strideW(), pad = g.padW(), phaseLen = lay.phaseLen();
        for (int ih = 0; ih < g.inH(); ih++) {
            final int dst = plane + ih * w, rowBase = ih * lay.rowStride();
            for (int iw = 0; iw < w; iw++) {
                final int padded = iw + pad, j = padded / s;
                dx[dst + iw] = j < phaseLen ? buf[rowBase + padded % s * phaseLen + j] : 0f;
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
