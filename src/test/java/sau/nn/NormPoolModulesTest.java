package sau.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import sau.autograd.NoGrad;
import sau.nn.activation.ELU;
import sau.nn.activation.GELU;
import sau.nn.activation.LeakyReLU;
import sau.nn.activation.ReLU;
import sau.nn.activation.SiLU;
import sau.nn.activation.Softplus;
import sau.ops.Reductions;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/** The batch norm, pooling, shuffle, channel dropout and upsampling layers: state, modes and printing. */
class NormPoolModulesTest {

    private final Generator gen = new Generator(8);

    @Test
    void batchNormHasPyTorchsParametersAndBuffers() {
        final BatchNorm2d bn = new BatchNorm2d(3);
        assertEquals(List.of("weight", "bias"), List.copyOf(bn.namedParameters().keySet()));
        assertEquals(List.of("running_mean", "running_var", "num_batches_tracked"), List.copyOf(bn.namedBuffers().keySet()));
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"), List.copyOf(bn.stateDict().keySet()));
        assertArrayEquals(new float[] {1, 1, 1}, bn.weight().toArray(), 0f);
        assertArrayEquals(new float[] {1, 1, 1}, bn.runningVar().toArray(), 0f);
        assertEquals(1, bn.numBatchesTracked().numel());
        assertEquals("BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", bn.toString());
        assertEquals("BatchNorm1d(4, eps=0.001, momentum=None, affine=False, track_running_stats=False)", new BatchNorm1d(4, 1e-3f, null, false, false).toString());
        final BatchNorm1d bare = new BatchNorm1d(4, 1e-3f, null, false, false);
        assertEquals(0, bare.stateDict().size());
        assertNull(bare.weight());
    }

    @Test
    void trainingFusesBatchNormWithTheReluAfterItToTheSameBitsAndGradients() {
        // {N, C, H, W}: rows of 3×7 (vector loops with tails) and of 4×4 (whole vectors)
        for (int[] shape : new int[][] {{4, 5, 3, 7}, {3, 6, 4, 4}}) {
            final BatchNorm2d fusedBn = new BatchNorm2d(shape[1]), plainBn = new BatchNorm2d(shape[1]);
            for (BatchNorm2d bn : List.of(fusedBn, plainBn)) { // the same γ and β, not 1 and 0
                bn.weight().copyFrom(Tensor.randn(new Generator(3), shape[1]));
                bn.bias().copyFrom(Tensor.randn(new Generator(4), shape[1]));
            }
            assertFusedLikePlain("BatchNormReLU", fusedBn, plainBn, shape, shape);
            assertArrayEquals(plainBn.runningMean().toArray(), fusedBn.runningMean().toArray(), 0f, "running mean");
            assertArrayEquals(plainBn.runningVar().toArray(), fusedBn.runningVar().toArray(), 0f, "running var");
            assertEquals(plainBn.numBatchesTracked().item(), fusedBn.numBatchesTracked().item());
        }
    }

    @Test
    void aConvolutionFollowedByReluIsOneOpWithTheSameBitsAndGradients() {
        final Conv2d fusedConv = new Conv2d(3, 4, 3, 1, 1, true, new Generator(5)), plainConv = new Conv2d(3, 4, 3, 1, 1, true, new Generator(5));
        assertFusedLikePlain("Conv2dReLU", fusedConv, plainConv, new int[] {2, 3, 5, 6}, new int[] {2, 4, 5, 6});
        // another activation runs as its own layer
        assertEquals("GELU", new Sequential(fusedConv, new GELU("none")).forward(Tensor.randn(gen, 2, 3, 5, 6).requiresGrad(true)).gradFn().name());
    }

    /**
     * {@code Sequential(fused, ReLU)} runs as the one op {@code op} and gives the same output and
     * the same gradients of the input and of every parameter, bit for bit, as {@code plain}
     * (a copy of {@code fused}) followed by a separate ReLU.
     */
    private void assertFusedLikePlain(String op, Module fused, Module plain, int[] inShape, int[] outShape) {
        final Tensor x = Tensor.randn(gen, inShape), g = Tensor.randn(gen, outShape);
        final Tensor xFused = x.detach().requiresGrad(true), xPlain = x.detach().requiresGrad(true);
        final Tensor yFused = new Sequential(fused, new ReLU()).forward(xFused), yPlain = new ReLU().forward(plain.forward(xPlain));
        assertEquals(op, yFused.gradFn().name());
        assertArrayEquals(yPlain.toArray(), yFused.toArray(), 0f);
        yFused.backward(g);
        yPlain.backward(g);
        assertArrayEquals(xPlain.grad().toArray(), xFused.grad().toArray(), 0f, "dL/dx");
        for (String name : plain.namedParameters().keySet()) {
            assertArrayEquals(plain.namedParameters().get(name).grad().toArray(), fused.namedParameters().get(name).grad().toArray(), 0f, "dL/d" + name);
        }
    }

    @Test
    void evaluationFusesBatchNormWithTheActivationAfterItToTheSameBits() {
        for (Module activation : List.<Module>of(new ReLU(), new LeakyReLU(0.2f), new ELU(0.7f), new Softplus(2f, 5f), new GELU("tanh"), new SiLU())) {
            final BatchNorm2d bn = new BatchNorm2d(5);
            final Sequential net = new Sequential(bn, activation);
            net.forward(Tensor.randn(gen, 4, 5, 3, 7)); // training: moves the running statistics
            net.eval();
            final Tensor x = Tensor.randn(gen, 4, 5, 3, 7);
            final float[] expected;
            final float[] fused;
            try (NoGrad scope = NoGrad.enter()) {
                expected = activation.forward(bn.forward(x)).toArray();
                fused = net.forward(x).toArray();
            }
            assertArrayEquals(expected, fused, 0f, activation.toString());
            // With gradients recorded the two layers run as usual, and a gradient flows.
            final Tensor xg = x.detach().requiresGrad(true);
            Reductions.sum(net.forward(xg)).backward();
            assertEquals(x.numel(), xg.grad().numel());
        }
    }

    @Test
    void trainingUpdatesRunningStatsAndEvalUsesThem() {
        final BatchNorm1d bn = new BatchNorm1d(2);
        // channel 0: 1, 3, 5 (mean 3, unbiased var 4); channel 1: 2, 6, 10 (mean 6, unbiased var 16)
        final Tensor x = Tensor.of(new float[] {1, 2, 3, 6, 5, 10}, 3, 2);
        final Tensor yTrain = bn.forward(x);
        assertArrayEquals(new float[] {0.3f, 0.6f}, bn.runningMean().toArray(), 1e-6f);
        assertArrayEquals(new float[] {1.3f, 2.5f}, bn.runningVar().toArray(), 1e-6f);
        assertEquals(1f, bn.numBatchesTracked().item());
        // the batch's own statistics: each channel comes out with mean 0
        final float[] y = yTrain.toArray();
        assertEquals(0f, y[0] + y[2] + y[4], 1e-5f);
        bn.forward(x);
        assertArrayEquals(new float[] {0.57f, 1.14f}, bn.runningMean().toArray(), 1e-6f);
        assertEquals(2f, bn.numBatchesTracked().item());

        bn.eval();
        final float[] yEval = bn.forward(x).toArray();
        final float[] rm = bn.runningMean().toArray(), rv = bn.runningVar().toArray();
        final float[] xv = x.toArray();
        for (int i = 0; i < 6; i++) assertEquals((xv[i] - rm[i % 2]) / Math.sqrt(rv[i % 2] + 1e-5), yEval[i], 1e-5, "element " + i);
        assertEquals(2f, bn.numBatchesTracked().item());
        assertArrayEquals(rm, bn.runningMean().toArray(), 0f);
    }

    @Test
    void momentumNoneIsACumulativeAverage() {
        final BatchNorm2d bn = new BatchNorm2d(1, 1e-5f, null, true, true);
        bn.forward(Tensor.full(2f, 2, 1, 2, 2));
        bn.forward(Tensor.full(4f, 2, 1, 2, 2));
        bn.forward(Tensor.full(9f, 2, 1, 2, 2));
        assertEquals(5f, bn.runningMean().item(), 1e-6f);
    }

    @Test
    void withoutRunningStatsEvalStillUsesTheBatch() {
        final BatchNorm2d bn = new BatchNorm2d(2, 1e-5f, 0.1f, true, false);
        bn.eval();
        final float[] y = bn.forward(Tensor.randn(gen, 4, 2, 3, 3)).toArray();
        double s = 0;
        for (int n = 0; n < 4; n++) for (int i = 0; i < 9; i++) s += y[n * 18 + i];
        assertEquals(0, s, 1e-4);
    }

    @Test
    void batchNormTrainsItsAffineParameters() {
        final BatchNorm2d bn = new BatchNorm2d(2);
        Reductions.sum(bn.forward(Tensor.randn(gen, 2, 2, 3, 3).requiresGrad(true))).backward();
        assertArrayEquals(new float[] {18, 18}, bn.bias().grad().toArray(), 1e-5f);
        assertArrayEquals(new float[] {0, 0}, bn.weight().grad().toArray(), 1e-4f); // Σ x̂ = 0
        assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(2, 3, 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(2, 2)));
    }

    @Test
    void poolingLayers() {
        final Tensor x = Tensor.randn(gen, 2, 3, 8, 8);
        assertArrayEquals(new int[] {2, 3, 4, 4}, new MaxPool2d(2).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 4, 4}, new MaxPool2d(3, 2, 1).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 3, 3}, new AvgPool2d(3, 3, 0, true, true).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 1, 1}, new AdaptiveAvgPool2d(1).forward(x).shape());
        assertEquals("MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)", new MaxPool2d(3, 2, 1).toString());
        assertEquals("AvgPool2d(kernel_size=2, stride=2, padding=0)", new AvgPool2d(2).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=(6, 7))", new AdaptiveAvgPool2d(6, 7).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=1)", new AdaptiveAvgPool2d(1).toString());
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2, 2, 2));
    }

    @Test
    void channelShuffleAndDropout2d() {
        final ChannelShuffle shuffle = new ChannelShuffle(2);
        assertEquals("ChannelShuffle(groups=2)", shuffle.toString());
        final Tensor x = Tensor.randn(gen, 2, 4, 3, 3);
        assertArrayEquals(x.toArray(), shuffle.forward(shuffle.forward(x)).toArray(), 0f); // [0,2,1,3] is its own inverse

        final Dropout2d drop = new Dropout2d(0.25f, new Generator(1));
        assertEquals("Dropout2d(p=0.25, inplace=False)", drop.toString());
        final float[] y = drop.forward(Tensor.ones(64, 8, 2, 2)).toArray();
        for (int ch = 0; ch < 64 * 8; ch++) {
            for (int i = 1; i < 4; i++) assertEquals(y[ch * 4], y[ch * 4 + i], 0f);
            assertEquals(y[ch * 4] == 0 ? 0f : 1 / 0.75f, y[ch * 4], 0f);
        }
        drop.eval();
        assertSame(x, drop.forward(x));
    }

    @Test
    void upsampleLayer() {
        final Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        final Upsample up = Upsample.scale(2, Upsample.Mode.NEAREST, false);
        assertEquals("Upsample(scale_factor=2.0, mode='nearest')", up.toString());
        assertArrayEquals(new int[] {1, 1, 4, 4}, up.forward(x).shape());
        final Upsample bil = Upsample.size(4, 4, Upsample.Mode.BILINEAR, false);
        assertEquals("Upsample(size=(4, 4), mode='bilinear')", bil.toString());
        assertArrayEquals(new float[] {1, 1.25f, 1.75f, 2}, java.util.Arrays.copyOf(bil.forward(x).toArray(), 4), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> Upsample.scale(2, Upsample.Mode.NEAREST, true));
    }
}
