package sau.backend.cpu;

import java.util.Arrays;

/**
 * A stride-1 convolution on small maps, one GEMM per tap and output row in each of its three
 * passes, so that no multiply-add reads padding: VGG-16's 4×4 maps under 3×3 kernels.
 *
 * <p>im2col makes a column of {@code C·kh·kw} values for every output pixel, zeros included where
 * a tap reads padding; on a 4×4 map with padding 1 that is 44 of every 144 taps, and the GEMM
 * multiplies them all. Here the sum over taps is taken outside the GEMMs. Tap (ki, kj) adds
 * {@code W_t · x} to every output pixel it reaches, where {@code W_t = w[·, ·, ki, kj]} is a
 * {@code K × C} matrix: output row oh reads input row {@code oh − padH + ki·dilationH}, and at
 * stride 1 the output columns it reaches in that row read consecutive input columns. With a set
 * of images laid out pixel-major ({@code [channel][pixel][image]}), those outputs and those inputs
 * are each one contiguous run of columns, so each (tap, output row) is one GEMM:
 *
 * <pre>
 *   forward           Y_run  += W_t  · X_run     (Y_run: the run of row oh; X_run: the inputs it reads)
 *   backward-data     dX_run += W_tᵀ · dY_run
 *   backward-weights  dW_t   += dY_run · X_runᵀ,  over every (tap, row) and the whole batch
 * </pre>
 *
 * <p>The two gradients are those of a product: from {@code Y_run += W_t·X_run}, the gradient
 * with respect to {@code X_run} is {@code W_tᵀ·dY_run} and with respect to {@code W_t} is
 * {@code dY_run·X_runᵀ}, added up over every (tap, row) that read the pixel or used the weight.
 * Each output sums its taps in tap order, each tap's product over the channels in the GEMM's
 * order, whatever the set of images or the thread, so the results do not depend on the thread
 * count; they differ from im2col's by rounding.
 */
final class TapwiseSmallMaps {

    /**
     * Floats in one set's pixel-major input or output: 4 MiB, as {@link Conv2dKernel#COLUMN_BUDGET}.
     * A set's matrices and the weights split by tap live in the calling thread's
     * {@link Conv2dKernel.Scratch}: the input in {@code cols}, the output in {@code out}, the
     * split weights (or their gradient) in {@code partials}.
     */
    private static final int SET_BUDGET = Conv2dKernel.COLUMN_BUDGET;

    private TapwiseSmallMaps() {}

    /**
     * Whether {@code g} takes this path: stride 1, one group, a small map (fewer output pixels than
     * {@link Conv2dKernel#GEMM_COLUMNS}, the maps that im2col puts several images in one GEMM
     * for), and at least a quarter of im2col's multiply-adds reading padding.
     */
    static boolean fits(ConvGeometry g) {
        final int taps = g.kernelH() * g.kernelW();
        return g.groups() == 1 && g.strideH() == 1 && g.strideW() == 1 && taps > 1
                && g.outPlane() < Conv2dKernel.GEMM_COLUMNS && !DenseSmallMaps.fits(g)
                && 4L * reached(g) <= 3L * taps * g.outPlane();
    }

    /** The (tap, output pixel) pairs that read the image, not padding. */
    static long reached(ConvGeometry g) {
        long pairs = 0;
        for (int ki = 0; ki < g.kernelH(); ki++) {
            for (int kj = 0; kj < g.kernelW(); kj++) {
                final Run rows = Run.of(g.outH(), g.inH(), ki * g.dilationH() - g.padH());
                final Run cols = Run.of(g.outW(), g.inW(), kj * g.dilationW() - g.padW());
                pairs += (long) rows.length() * cols.length();
            }
        }
        return pairs;
    }

    /**
     * The outputs {@code [first, first + length)} of one axis whose input {@code o + shift} lies in
     * {@code [0, in)}: a tap reaches a run of consecutive outputs at stride 1.
     */
    private record Run(int first, int length) {
        static Run of(int out, int in, int shift) {
            final int first = Math.max(0, -shift), end = Math.min(out, in - shift);
            return new Run(first, Math.max(0, end - first));
        }
    }

    /** {@code y = conv(x, w) + bias}, as {@link Conv2dKernel#forward}. */
    static void forward(ConvGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff) {
        throughTaps(g, packByTap(g, w, wOff, false), true, x, xOff, y, yOff, bias, bOff);
    }

    /** dL/dx from dL/dy (into {@code dx}, overwritten), as {@link Conv2dKernel#backwardData}. */
    static void backwardData(ConvGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        throughTaps(g, packByTap(g, w, wOff, true), false, dy, dyOff, dx, dxOff, null, 0);
    }

    /**
     * Forward (x to y through {@code W_t}) or backward-data (dy to dx through {@code W_tᵀ}), a set
     * of images at a time: the set's source planes pixel-major, every run's product added into
     * the destination's, which then overwrites the destination images (with the bias added).
     */
    private static void throughTaps(ConvGeometry g, Gemm.PackedA[] byTap, boolean forward, float[] src, int srcOff, float[] dst, int dstOff,
                                    float[] bias, int bOff) {
        final int srcC = forward ? g.inChannels() : g.outChannels(), srcPlane = forward ? g.inPlane() : g.outPlane();
        final int dstC = forward ? g.outChannels() : g.inChannels(), dstPlane = forward ? g.outPlane() : g.inPlane();
        final int sets = Conv2dKernel.setsOf(g.batch(), imagesPerSet(g));
        Parallel.forChunks(sets, set -> {
            final int n0 = Parallel.chunkStart(g.batch(), sets, set), n1 = Parallel.chunkStart(g.batch(), sets, set + 1), count = n1 - n0;
            final Conv2dKernel.Scratch s = Conv2dKernel.scratch();
            final float[] from = s.cols = Conv2dKernel.grow(s.cols, srcC * srcPlane * count), to = s.out = Conv2dKernel.grow(s.out, dstC * dstPlane * count);
            pixelMajor(src, srcOff, srcC, srcPlane, n0, n1, from, true);
            Arrays.fill(to, 0, dstC * dstPlane * count, 0f);
            forEachRun(g, (tap, inAt, outAt, pixels) -> Gemm.gemm(byTap[tap], false, pixels * count, from, (forward ? inAt : outAt) * count,
                    srcPlane * count, 1f, to, (forward ? outAt : inAt) * count, dstPlane * count));
            pixelMajor(dst, dstOff, dstC, dstPlane, n0, n1, to, false);
            if (bias != null) Conv2dKernel.addBias(dst, dstOff + n0 * dstC * dstPlane, count, dstC, dstPlane, bias, bOff);
        });
    }

    /**
     * dL/dw (into {@code dw}, overwritten): {@code dW_t = Σ over (tap t, row) runs of dY_run · X_runᵀ},
     * over the batch in sets of consecutive images taken in order. Unlike forward's, these GEMMs
     * all add into the same {@code K × C} slices, so the sets run one after the other and
     * {@link Gemm} splits each product over the threads; the sets depend on the sizes only, so the
     * result is the same bits on any number of threads. Large sets matter here: each GEMM reads and
     * writes its tap's whole slice for the set's columns, and with the batch in four parts of 32
     * images, one per thread, VGG-16's 512->512@4 took 27–28 ms instead of 20.
     */
    static void backwardWeight(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        final int outC = g.outChannels(), inC = g.inChannels(), inPlane = g.inPlane(), outPlane = g.outPlane();
        final int taps = g.kernelH() * g.kernelW(), size = outC * inC, perSet = imagesPerSet(g);
        final Conv2dKernel.Scratch s = Conv2dKernel.scratch();
        final float[] byTap = s.partials = Conv2dKernel.grow(s.partials, taps * size);
        // A tap's first GEMM overwrites its slice (beta 0), the others add onto it.
        final boolean[] started = new boolean[taps];
        for (int n0 = 0; n0 < g.batch(); n0 += perSet) {
            final int n1 = Math.min(g.batch(), n0 + perSet), count = n1 - n0;
            final float[] in = s.cols = Conv2dKernel.grow(s.cols, inC * inPlane * count), grad = s.out = Conv2dKernel.grow(s.out, outC * outPlane * count);
            pixelMajor(x, xOff, inC, inPlane, n0, n1, in, true);
            pixelMajor(dy, dyOff, outC, outPlane, n0, n1, grad, true);
            forEachRun(g, (tap, inAt, outAt, pixels) -> {
                Gemm.gemm(false, true, outC, inC, pixels * count, grad, outAt * count, outPlane * count,
                        in, inAt * count, inPlane * count, started[tap] ? 1f : 0f, byTap, tap * size, inC);
                started[tap] = true;
            });
        }
        // A tap that reaches no output (or an empty batch) has no gradient.
        for (int t = 0; t < taps; t++) if (!started[t]) Arrays.fill(byTap, t * size, (t + 1) * size, 0f);
        // dw[k, c, t] = dW_t[k][c]
        Parallel.forRange(outC, Math.max(1, (1 << 15) / (inC * taps)), (k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                for (int c = 0; c < inC; c++) {
                    for (int t = 0; t < taps; t++) dw[dwOff + (k * inC + c) * taps + t] = byTap[t * size + k * inC + c];
                }
            }
        });
    }

    /** One GEMM's worth: tap {@code tap} maps the input pixels from {@code inAt} to the output pixels from {@code outAt}, {@code pixels} of each. */
    @FunctionalInterface
    private interface RunBody {
        void run(int tap, int inAt, int outAt, int pixels);
    }

    /** Every (tap, output row) that reads the image, in tap order, then row order. */
    private static void forEachRun(ConvGeometry g, RunBody body) {
        for (int ki = 0; ki < g.kernelH(); ki++) {
            final int rowShift = ki * g.dilationH() - g.padH();
            final Run rows = Run.of(g.outH(), g.inH(), rowShift);
            for (int kj = 0; kj < g.kernelW(); kj++) {
                final int colShift = kj * g.dilationW() - g.padW();
                final Run cols = Run.of(g.outW(), g.inW(), colShift);
                if (cols.length() == 0) continue;
                for (int oh = rows.first(); oh < rows.first() + rows.length(); oh++) {
                    final int outAt = oh * g.outW() + cols.first();
                    final int inAt = (oh + rowShift) * g.inW() + cols.first() + colShift;
                    body.run(ki * g.kernelW() + kj, inAt, outAt, cols.length());
                }
            }
        }
    }

    /**
     * {@code W_t} of every tap, packed: {@code K × C} for forward, {@code C × K} (transposed) for
     * backward-data. The taps are first copied out of w, where a tap's values lie {@code kh·kw}
     * apart, into one {@code K × C} matrix each.
     */
    private static Gemm.PackedA[] packByTap(ConvGeometry g, float[] w, int wOff, boolean transposed) {
        final int outC = g.outChannels(), inC = g.inChannels(), taps = g.kernelH() * g.kernelW(), size = outC * inC;
        final Conv2dKernel.Scratch s = Conv2dKernel.scratch();
        final float[] byTap = s.partials = Conv2dKernel.grow(s.partials, taps * size);
        Parallel.forRange(outC, Math.max(1, (1 << 15) / (inC * taps)), (k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                for (int c = 0; c < inC; c++) {
                    final int from = wOff + (k * inC + c) * taps, to = k * inC + c;
                    for (int t = 0; t < taps; t++) byTap[t * size + to] = w[from + t];
                }
            }
        });
        final float[][] buffers = s.packedWeights(taps);
        final Gemm.PackedA[] packed = new Gemm.PackedA[taps];
        for (int t = 0; t < taps; t++) {
            packed[t] = transposed ? Gemm.pack(true, inC, outC, byTap, t * size, inC, buffers[t])
                    : Gemm.pack(false, outC, inC, byTap, t * size, inC, buffers[t]);
            buffers[t] = packed[t].data();
        }
        return packed;
    }

    /**
     * Images per set: as many as the budget allows, so that each GEMM has many columns (a tap's run
     * of pixels times the set's images). The sets depend on the sizes and the thread count only,
     * and the results do not depend on them.
     */
    private static int imagesPerSet(ConvGeometry g) {
        return Math.max(1, SET_BUDGET / Math.max(g.inChannels() * g.inPlane(), g.outChannels() * g.outPlane()));
    }

    /**
     * Images {@code [n0, n1)} of an NCHW array between their NCHW layout and the pixel-major
     * {@code [channel][pixel][image]} of a set: {@code into} copies from the images into
     * {@code matrix}, otherwise back (overwriting the images). Split over the threads by channel
     * when not already inside a parallel region.
     */
    private static void pixelMajor(float[] images, int off, int channels, int plane, int n0, int n1, float[] matrix, boolean into) {
        final int count = n1 - n0;
        Parallel.forRange(channels, Math.max(1, (1 << 15) / (plane * count)), (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                for (int n = n0; n < n1; n++) {
                    final int image = off + (n * channels + c) * plane, at = c * plane * count + (n - n0);
                    for (int p = 0; p < plane; p++) {
                        if (into) matrix[at + p * count] = images[image + p];
                        else images[image + p] = matrix[at + p * count];
                    }
                }
            }
        });
    }
}
