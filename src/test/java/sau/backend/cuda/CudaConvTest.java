package sau.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import sau.backend.cpu.ConvGeometry;
import sau.ops.Convolution;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * conv2d and conv_transpose2d on the GPU against the CPU: output, input, weight and bias
 * gradients, over the geometries the CPU supports (kernels 1×1 to 7×7, strides, padding,
 * dilation, groups, depthwise, batches of one and more, non-square inputs), and the GPU paths
 * that only larger sizes take (several chunks of images, a sliced weight gradient).
 */
@Tag("cuda")
class CudaConvTest {

    private static final double TOL = 1e-5; // fp32 GEMMs and sums: only the summation order differs
    private final Generator gen = new Generator(3);

    private static int[] p(int a, int b) {
        return new int[] {a, b};
    }

    /** conv2d of x {@code [n, c, h, w]} with k filters of {@code kh × kw}, checked with and without a bias. */
    private void conv(String name, int n, int c, int h, int w, int k, int kh, int kw, int[] stride, int[] padding, int[] dilation, int groups) {
        final Tensor x = CudaParity.randn(gen, n, c, h, w), weight = CudaParity.randn(gen, k, c / groups, kh, kw), bias = CudaParity.randn(gen, k);
        CudaParity.check(name + " with bias", TOL, t -> Convolution.conv2d(t[0], t[1], t[2], stride, padding, dilation, groups), new Tensor[] {x, weight, bias});
        CudaParity.check(name + " without bias", TOL, t -> Convolution.conv2d(t[0], t[1], null, stride, padding, dilation, groups), new Tensor[] {x, weight});
    }

    @Test
    void threeByThreePaddedStride1() {
        conv("3x3 pad 1", 2, 3, 9, 7, 8, 3, 3, p(1, 1), p(1, 1), p(1, 1), 1);
    }

    @Test
    void threeByThreeUnpaddedStride2() {
        conv("3x3 stride 2", 3, 4, 10, 9, 5, 3, 3, p(2, 2), p(0, 0), p(1, 1), 1);
    }

    @Test
    void pointwiseBatchOfOne() {
        conv("1x1", 1, 6, 6, 5, 7, 1, 1, p(1, 1), p(0, 0), p(1, 1), 1);
        conv("1x1 stride 2", 2, 6, 7, 5, 3, 1, 1, p(2, 2), p(0, 0), p(1, 1), 1);
    }

    @Test
    void sevenBySevenStem() {
        conv("7x7 stride 2 pad 3", 2, 3, 16, 13, 4, 7, 7, p(2, 2), p(3, 3), p(1, 1), 1);
    }

    @Test
    void unevenStridePaddingAndKernel() {
        conv("3x2 kernel, stride 2x1, pad 1x0", 2, 3, 8, 6, 4, 3, 2, p(2, 1), p(1, 0), p(1, 1), 1);
    }

    @Test
    void dilated() {
        conv("3x3 dilation 2", 2, 3, 11, 9, 4, 3, 3, p(1, 1), p(2, 2), p(2, 2), 1);
        conv("3x3 dilation 2x3 stride 2", 1, 2, 12, 13, 3, 3, 3, p(2, 2), p(1, 2), p(2, 3), 1);
    }

    @Test
    void grouped() {
        conv("groups 2", 2, 4, 7, 6, 6, 3, 3, p(1, 1), p(1, 1), p(1, 1), 2);
        conv("groups 3 stride 2", 2, 6, 9, 8, 9, 3, 3, p(2, 2), p(1, 1), p(1, 1), 3);
        // groups == channels but two filters per channel: not depthwise, a GEMM per group
        conv("channel multiplier 2", 2, 3, 6, 7, 6, 3, 3, p(1, 1), p(1, 1), p(1, 1), 3);
    }

    @Test
    void depthwise() {
        conv("depthwise 3x3", 2, 5, 8, 7, 5, 3, 3, p(1, 1), p(1, 1), p(1, 1), 5);
        conv("depthwise 3x3 stride 2", 3, 4, 9, 10, 4, 3, 3, p(2, 2), p(1, 1), p(1, 1), 4);
        conv("depthwise 5x5 dilation 2", 1, 3, 12, 11, 3, 5, 5, p(1, 1), p(4, 4), p(2, 2), 3);
        conv("depthwise 3x3 unpadded stride 2x1", 2, 3, 7, 9, 3, 3, 3, p(2, 1), p(0, 0), p(1, 1), 3);
    }

    @Test
    void severalChunksOfImages() {
        final long budget = CudaConv.chunkBudget;
        try {
            // (3·9 + 4)·8·7 = 1736 floats per image: a batch of 5 in chunks of 2, 2, 1 images (one image per chunk with groups 2)
            CudaConv.chunkBudget = 2 * 1736 + 100;
            conv("3x3 in chunks", 5, 3, 8, 7, 4, 3, 3, p(1, 1), p(1, 1), p(1, 1), 1);
            conv("groups 2 in chunks", 5, 4, 8, 7, 4, 3, 3, p(1, 1), p(1, 1), p(1, 1), 2);
        } finally {
            CudaConv.chunkBudget = budget;
        }
    }

    @Test
    void slicedWeightGradient() {
        // 37·41 = 1517 pixels and one small GEMM tile: the weight gradient sums 2 slices of 758 pixels and 1 left over
        final ConvGeometry g = ConvGeometry.of(1, 2, 37, 41, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertEquals(2, CudaConv.weightSlices(g, g.outPlane()));
        conv("sliced weight gradient", 1, 2, 37, 41, 4, 3, 3, p(1, 1), p(1, 1), p(1, 1), 1);
        final long budget = CudaConv.chunkBudget;
        try {
            // three images of 40·26 = 1040 pixels: chunks of 2 and 1 images, 4 slices of 520, then of 260
            CudaConv.chunkBudget = 2L * (2 * 9 + 4) * 1040 + 100;
            assertEquals(4, CudaConv.weightSlices(ConvGeometry.of(3, 2, 40, 26, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1), 2 * 1040));
            conv("sliced weight gradient in chunks", 3, 2, 40, 26, 4, 3, 3, p(1, 1), p(1, 1), p(1, 1), 1);
        } finally {
            CudaConv.chunkBudget = budget;
        }
    }

    @Test
    void slicedForward() {
        // 512 channels of 2×2 pixels, in small: 4 filters of 115·3·3 = 1035 weights on 2 images of 4×4 pixels, one GEMM tile:
        // the forward product sums 2 slices of 517 column rows and 1 left over
        final ConvGeometry g = ConvGeometry.of(2, 115, 4, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertEquals(2, CudaConv.forwardSlices(g, g.batch() * g.outPlane()));
        conv("sliced forward", 2, 115, 4, 4, 4, 3, 3, p(1, 1), p(1, 1), p(1, 1), 1);
    }

    @Test
    void transposed() {
        final Tensor x = CudaParity.randn(gen, 2, 4, 5, 6), w = CudaParity.randn(gen, 4, 3, 3, 3), b = CudaParity.randn(gen, 3);
        CudaParity.check("conv_transpose2d stride 2, output padding 1", TOL,
            t -> Convolution.convTranspose2d(t[0], t[1], t[2], p(2, 2), p(1, 1), p(1, 1), 1, p(1, 1)), new Tensor[] {x, w, b});
        final Tensor wg = CudaParity.randn(gen, 4, 2, 4, 4);
        CudaParity.check("conv_transpose2d groups 2, 4x4 stride 2", TOL,
            t -> Convolution.convTranspose2d(t[0], t[1], null, p(2, 2), p(1, 1), p(0, 0), 2, p(1, 1)), new Tensor[] {x, wg});
        final Tensor wd = CudaParity.randn(gen, 4, 1, 3, 3);
        CudaParity.check("conv_transpose2d depthwise", TOL,
            t -> Convolution.convTranspose2d(t[0], t[1], t[2], p(1, 1), p(1, 1), p(0, 0), 4, p(1, 1)), new Tensor[] {x, wd, CudaParity.randn(gen, 4)});
    }

    @Test
    void inputsOnDifferentDevicesAreRefused() {
        CudaParity.assumeGpu();
        final Tensor x = CudaParity.randn(gen, 1, 2, 5, 5).to(CudaParity.GPU), w = CudaParity.randn(gen, 3, 2, 3, 3);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Convolution.conv2d(x, w, null));
        assertTrue(e.getMessage().contains("different devices"), e.getMessage());
    }
}
