package sau.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sau.autograd.GradCheck;
import sau.tensor.Generator;
import sau.tensor.Tensor;

class ConvolutionTest {

    private final Generator gen = new Generator(7);

    private Tensor randn(int... shape) {
        return Tensor.randn(gen, shape).requiresGrad(true);
    }

    private static int[] p(int a, int b) {
        return new int[] {a, b};
    }

    private static final GradCheck CHECK = GradCheck.create();

    @Test
    void conv2dReluGradients() {
        // Small weights and biases of ±3 keep every output far from ReLU's kink, where finite
        // differences break: channel 0 passes its gradient, channel 1 (always negative) none.
        final Tensor w = Arithmetic.mul(Tensor.randn(new Generator(4), 2, 3, 3, 3), 0.1f).requiresGrad(true);
        CHECK.check(t -> Convolution.conv2dRelu(t[0], t[1], t[2], p(1, 1), p(1, 1), p(1, 1), 1), randn(2, 3, 4, 5), w, Tensor.of(3f, -3f).requiresGrad(true));
    }

    @Test
    void conv2dByHand() {
        // 3×3 input 0..8, a 2×2 kernel of ones: each output is the sum of a 2×2 window, plus the bias.
        final Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, 1, 1, 3, 3);
        final Tensor w = Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
        final Tensor y = Convolution.conv2d(x, w, Tensor.of(0.5f));
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
        assertArrayEquals(new float[] {8.5f, 12.5f, 20.5f, 24.5f}, y.toArray(), 1e-6f);
        // padding 1, stride 2: windows at (−1,−1), (−1,1), (1,−1), (1,1)
        final Tensor z = Convolution.conv2d(x, w, null, 2, 1);
        assertArrayEquals(new float[] {0f, 1 + 2, 3 + 6, 4 + 5 + 7 + 8}, z.toArray(), 1e-6f);
    }

    @Test
    void conv2dGradients() {
        CHECK.check(t -> Convolution.conv2d(t[0], t[1], t[2], p(2, 1), p(1, 2), p(1, 1), 2), randn(2, 4, 5, 6), randn(4, 2, 3, 3), randn(4));
        CHECK.check(t -> Convolution.conv2d(t[0], t[1], null, p(1, 1), p(2, 2), p(2, 2), 1), randn(2, 3, 5, 5), randn(2, 3, 3, 3));
        CHECK.check(t -> Convolution.conv2d(t[0], t[1], t[2], p(2, 2), p(1, 1), p(1, 1), 3), randn(2, 3, 6, 5), randn(3, 1, 3, 3), randn(3));
        CHECK.check(t -> Convolution.conv2d(t[0], t[1], t[2], p(1, 1), p(0, 0), p(1, 1), 1), randn(2, 3, 4, 3), randn(5, 3, 1, 1), randn(5));
        // 2×2 maps under a 3×3 kernel: computed as a dense layer (DenseSmallMaps)
        CHECK.check(t -> Convolution.conv2d(t[0], t[1], t[2], p(1, 1), p(1, 1), p(1, 1), 1), randn(3, 3, 2, 2), randn(4, 3, 3, 3), randn(4));
        // 4×4 maps: forward and backward-data one GEMM per tap and row (TapwiseSmallMaps)
        CHECK.check(t -> Convolution.conv2d(t[0], t[1], t[2], p(1, 1), p(1, 1), p(1, 1), 1), randn(2, 3, 4, 4), randn(4, 3, 3, 3), randn(4));
    }

    @Test
    void convTranspose2dByHand() {
        final Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        final Tensor w = Tensor.of(new float[] {1, 0, 0, 1}, 1, 1, 2, 2);
        // stride 1: every input pixel adds its value times the kernel at its own position; overlaps add
        final Tensor y = Convolution.convTranspose2d(x, w, Tensor.of(1f), p(1, 1), p(0, 0), p(0, 0), 1, p(1, 1));
        assertArrayEquals(new int[] {1, 1, 3, 3}, y.shape());
        assertArrayEquals(new float[] {2, 3, 1, 4, 6, 3, 1, 4, 5}, y.toArray(), 1e-6f);
        // stride 2: the copies no longer overlap
        final Tensor z = Convolution.convTranspose2d(x, w, null, p(2, 2), p(0, 0), p(0, 0), 1, p(1, 1));
        assertArrayEquals(new float[] {1, 0, 2, 0, 0, 1, 0, 2, 3, 0, 4, 0, 0, 3, 0, 4}, z.toArray(), 1e-6f);
    }

    @Test
    void convTranspose2dOutputShape() {
        // (H − 1)·s − 2p + d(k − 1) + op + 1 in each dimension
        final Tensor x = Tensor.zeros(2, 4, 5, 7);
        final Tensor y = Convolution.convTranspose2d(x, Tensor.zeros(4, 3, 3, 2), null, p(2, 3), p(1, 0), p(1, 2), 1, p(1, 2));
        assertArrayEquals(new int[] {2, 3, (5 - 1) * 2 - 2 + 2 + 1 + 1, (7 - 1) * 3 + 2 + 2 + 1}, y.shape());
        final Tensor grouped = Convolution.convTranspose2d(x, Tensor.zeros(4, 3, 2, 2), null, p(2, 2), p(0, 0), p(0, 0), 2, p(1, 1));
        assertArrayEquals(new int[] {2, 6, 10, 14}, grouped.shape());
    }

    @Test
    void convTranspose2dGradients() {
        CHECK.check(t -> Convolution.convTranspose2d(t[0], t[1], t[2], p(2, 2), p(1, 1), p(1, 1), 1, p(1, 1)), randn(2, 4, 3, 4), randn(4, 3, 3, 3), randn(3));
        CHECK.check(t -> Convolution.convTranspose2d(t[0], t[1], t[2], p(1, 2), p(0, 1), p(0, 1), 2, p(2, 1)), randn(2, 4, 3, 3), randn(4, 1, 2, 3), randn(2));
        CHECK.check(t -> Convolution.convTranspose2d(t[0], t[1], null, p(2, 2), p(1, 1), p(1, 0), 3, p(1, 1)), randn(2, 3, 3, 3), randn(3, 1, 3, 3));
    }

    @Test
    void convTranspose2dIsTheAdjointOfConv2d() {
        // ⟨conv2d(x, w), y⟩ = ⟨x, conv_transpose2d(y, w)⟩ for any x and y, output padding included.
        final int[] stride = p(2, 3), padding = p(1, 2), dilation = p(2, 1);
        final Tensor x = Tensor.randn(gen, 2, 4, 9, 11), w = Tensor.randn(gen, 6, 2, 3, 4);
        final Tensor cx = Convolution.conv2d(x, w, null, stride, padding, dilation, 2);
        final Tensor y = Tensor.randn(gen, cx.shape());
        final int[] outputPadding = p(9 - outSize(cx.size(2), 2, 1, 3, 2), 11 - outSize(cx.size(3), 3, 2, 4, 1));
        final Tensor ty = Convolution.convTranspose2d(y, w, null, stride, padding, outputPadding, 2, dilation);
        assertArrayEquals(x.shape(), ty.shape());
        assertEquals(dot(cx, y), dot(x, ty), 1e-3 * Math.abs(dot(cx, y)) + 1e-3);
    }

    private static int outSize(int in, int s, int pad, int k, int d) {
        return (in - 1) * s - 2 * pad + d * (k - 1) + 1;
    }

    private static double dot(Tensor a, Tensor b) {
        final float[] u = a.toArray(), v = b.toArray();
        double s = 0;
        for (int i = 0; i < u.length; i++) s += (double) u[i] * v[i];
        return s;
    }

    @Test
    void nonContiguousInputsGiveTheSameResult() {
        final Tensor x = Tensor.randn(gen, 2, 3, 5, 6), w = Tensor.randn(gen, 4, 3, 3, 3);
        final Tensor xt = Views.transpose(Views.contiguous(Views.transpose(x, 2, 3)), 2, 3); // same values, other strides
        assertArrayEquals(Convolution.conv2d(x, w, null, 1, 1).toArray(), Convolution.conv2d(xt, w, null, 1, 1).toArray(), 1e-6f);
    }

    @Test
    void shapeErrorsNameTheShapes() {
        final Tensor x = Tensor.zeros(2, 3, 8, 8);
        final IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                () -> Convolution.conv2d(x, Tensor.zeros(4, 2, 3, 3), null));
        assertTrue(channels.getMessage().contains("[2, 3, 8, 8]") && channels.getMessage().contains("[4, 2, 3, 3]"), channels.getMessage());
        final IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> Convolution.conv2d(x, Tensor.zeros(4, 3, 11, 3), null));
        assertTrue(small.getMessage().contains("smaller than the kernel"), small.getMessage());
        final IllegalArgumentException bias = assertThrows(IllegalArgumentException.class,
                () -> Convolution.conv2d(x, Tensor.zeros(4, 3, 3, 3), Tensor.zeros(3)));
        assertTrue(bias.getMessage().contains("expected [4]"), bias.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Convolution.conv2d(Tensor.zeros(3, 8, 8), Tensor.zeros(4, 3, 3, 3), null));
        assertThrows(IllegalArgumentException.class, () -> Convolution.conv2d(x, Tensor.zeros(4, 1, 3, 3), null, p(1, 1), p(0, 0), p(1, 1), 3).shape());
        final IllegalArgumentException outputPadding = assertThrows(IllegalArgumentException.class,
                () -> Convolution.convTranspose2d(x, Tensor.zeros(3, 2, 3, 3), null, p(2, 2), p(0, 0), p(2, 0), 1, p(1, 1)));
        assertTrue(outputPadding.getMessage().contains("output_padding"), outputPadding.getMessage());
    }
}
