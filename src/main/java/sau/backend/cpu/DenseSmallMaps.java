package sau.backend.cpu;

import java.util.Arrays;

/**
 * A convolution on a map so small that its kernel spans most of it, computed as the dense layer
 * it is: VGG-16's last block on 32×32 inputs runs 3×3 kernels over 2×2 maps.
 *
 * <p>A convolution is linear in its input, so for each image {@code y = M·x}, where x is the
 * image's {@code C·inPlane} values, y its {@code K·outPlane} values, and
 * {@code M[(k,p), (c,q)] = w[k, c, ki, kj]} when output pixel p reads input pixel q through tap
 * (ki, kj), 0 when no tap links them (a pixel is read through at most one tap). im2col and a GEMM
 * spend {@code kh·kw} multiply-adds per output pixel, input channel and output channel, the taps
 * that read padding included; the dense product spends {@code inPlane}. On a 2×2 map with a 3×3
 * kernel and padding 1 that is 4 against 9: every output pixel reads all four input pixels, and
 * five of its nine taps read zeros. With {@code X} the batch's inputs as rows
 * ({@code N × C·inPlane}, which NCHW already is) and {@code Y}, {@code dY} the outputs likewise:
 *
 * <pre>
 *   forward          Y  = X · Mᵀ
 *   backward-data    dX = dY · M
 *   backward-weights dM = dYᵀ · X,   dw[k, c, ki, kj] = Σ of dM[(k,p), (c,q)] over the pairs (p, q) that tap (ki, kj) links
 * </pre>
 *
 * <p>The last line is the chain rule through the copies: each weight appears in M once per pair
 * it links, so its gradient is the sum of those entries' gradients. Each is one GEMM over the
 * whole batch, split over the threads by {@link Gemm}, which sums every element in the same order
 * on any number of threads; the sums over pairs run in a fixed order too. The results differ from
 * im2col's by rounding only (the same products, added in another order, without the zeros).
 *
 * <p>M takes {@code K·outPlane·C·inPlane} floats, which {@link #fits} keeps within twice the
 * weights; it is rebuilt from w at every call (weights change at every step), in the calling
 * thread's convolution scratch ({@link Conv2dKernel.Scratch#cols}), which the pool's threads
 * read during the GEMM.
 */
final class DenseSmallMaps {

    private DenseSmallMaps() {}

    /**
     * Whether {@code g} is cheaper as a dense layer: fewer input pixels than taps, so fewer
     * multiply-adds than im2col's, with M at most twice the size of the weights, and one group.
     */
    static boolean fits(ConvGeometry g) {
        final int taps = g.kernelH() * g.kernelW();
        return g.groups() == 1 && g.inPlane() < taps && (long) g.outPlane() * g.inPlane() <= 2L * taps;
    }

    /** {@code y = X·Mᵀ (+ bias)}, as {@link Conv2dKernel#forward}. */
    static void forward(ConvGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff) {
        final int rows = g.outChannels() * g.outPlane(), cols = g.inChannels() * g.inPlane();
        final float[] m = denseWeights(g, w, wOff);
        Gemm.gemm(false, true, g.batch(), rows, cols, x, xOff, cols, m, 0, cols, 0f, y, yOff, rows);
        if (bias != null) Conv2dKernel.addBias(y, yOff, g.batch(), g.outChannels(), g.outPlane(), bias, bOff);
    }

    /** {@code dX = dY·M}, as {@link Conv2dKernel#backwardData}. */
    static void backwardData(ConvGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        final int rows = g.outChannels() * g.outPlane(), cols = g.inChannels() * g.inPlane();
        final float[] m = denseWeights(g, w, wOff);
        Gemm.gemm(false, false, g.batch(), cols, rows, dy, dyOff, rows, m, 0, cols, 0f, dx, dxOff, cols);
    }

    /** {@code dM = dYᵀ·X}, then each weight's gradient summed over the entries of M it fills; as {@link Conv2dKernel#backwardWeight}. */
    static void backwardWeight(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        final int outC = g.outChannels(), inC = g.inChannels(), outPlane = g.outPlane(), inPlane = g.inPlane();
        final int rows = outC * outPlane, cols = inC * inPlane, taps = g.kernelH() * g.kernelW();
        final float[] dm = buffer(rows * cols);
        Gemm.gemm(true, false, rows, cols, g.batch(), dy, dyOff, rows, x, xOff, cols, 0f, dm, 0, cols);
        final int[] tapOf = tapOf(g);
        Parallel.forRange(outC, Math.max(1, (1 << 15) / (outPlane * cols)), (k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                for (int c = 0; c < inC; c++) {
                    final int weight = dwOff + (k * inC + c) * taps;
                    for (int t = 0; t < taps; t++) dw[weight + t] = 0f;
                    for (int p = 0; p < outPlane; p++) {
                        final int entry = (k * outPlane + p) * cols + c * inPlane;
                        for (int q = 0; q < inPlane; q++) {
                            final int t = tapOf[p * inPlane + q];
                            if (t >= 0) dw[weight + t] += dm[entry + q];
                        }
                    }
                }
            }
        });
    }

    /** M from w: row {@code k·outPlane + p}, column {@code c·inPlane + q}. */
    private static float[] denseWeights(ConvGeometry g, float[] w, int wOff) {
        final int outC = g.outChannels(), inC = g.inChannels(), outPlane = g.outPlane(), inPlane = g.inPlane();
        final int cols = inC * inPlane, taps = g.kernelH() * g.kernelW();
        final float[] m = buffer(outC * outPlane * cols);
        final int[] tapOf = tapOf(g);
        Parallel.forRange(outC, Math.max(1, (1 << 15) / (outPlane * cols)), (k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                for (int p = 0; p < outPlane; p++) {
                    final int row = (k * outPlane + p) * cols;
                    for (int c = 0; c < inC; c++) {
                        final int weight = wOff + (k * inC + c) * taps, at = row + c * inPlane;
                        for (int q = 0; q < inPlane; q++) {
                            final int t = tapOf[p * inPlane + q];
                            m[at + q] = t < 0 ? 0f : w[weight + t];
                        }
                    }
                }
            }
        });
        return m;
    }

    /**
     * {@code tapOf[p·inPlane + q]}: the tap {@code ki·kw + kj} through which output pixel p reads
     * input pixel q, or −1. A pixel is read through one tap at most: output (oh, ow) reads row
     * {@code oh·strideH − padH + ki·dilationH}, which for a given input row holds for one ki;
     * likewise for columns.
     */
    static int[] tapOf(ConvGeometry g) {
        final int inPlane = g.inPlane();
        final int[] tapOf = new int[g.outPlane() * inPlane];
        Arrays.fill(tapOf, -1);
        for (int oh = 0; oh < g.outH(); oh++) {
            for (int ow = 0; ow < g.outW(); ow++) {
                for (int ki = 0; ki < g.kernelH(); ki++) {
                    for (int kj = 0; kj < g.kernelW(); kj++) {
                        final int q = Conv2dKernel.inputIndex(g, 0, 0, oh, ow, ki, kj);
                        if (q >= 0) tapOf[(oh * g.outW() + ow) * inPlane + q] = ki * g.kernelW() + kj;
                    }
                }
            }
        }
        return tapOf;
    }

    private static float[] buffer(int size) {
        final Conv2dKernel.Scratch s = Conv2dKernel.scratch();
        return s.cols = Conv2dKernel.grow(s.cols, size);
    }
}
