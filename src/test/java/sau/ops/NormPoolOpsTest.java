package sau.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import sau.autograd.GradCheck;
import sau.backend.cpu.Pool2dKernel.Window;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/** Batch norm, pooling, upsampling, channel shuffle and channel dropout: gradient checks and hand-computed values. */
class NormPoolOpsTest {

    private final Generator gen = new Generator(5);
    private static final GradCheck CHECK = GradCheck.create();

    private Tensor randn(int... shape) {
        return Tensor.randn(gen, shape).requiresGrad(true);
    }

    /** Distinct values 0.25 apart in random order: no finite-difference step can change a max pool's winner. */
    private Tensor distinct(int... shape) {
        final Tensor t = Tensor.zeros(shape);
        final int[] perm = gen.permutation(t.numel());
        final float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = 0.25f * (perm[i] - d.length / 2f);
        return t.requiresGrad(true);
    }

    // ---- batch norm -----------------------------------------------------------------------

    @Test
    void batchNormTrainingGradients() {
        CHECK.check(t -> BatchNormOp.batchNorm(t[0], t[1], t[2], null, null, true, 0.1f, 1e-5f), randn(3, 2, 2, 3), randn(2), randn(2));
        CHECK.check(t -> BatchNormOp.batchNorm(t[0], t[1], t[2], null, null, true, 0.1f, 1e-5f), randn(5, 3), randn(3), randn(3));
        CHECK.check(t -> BatchNormOp.batchNorm(t[0], t[1], t[2], null, null, true, 0.1f, 1e-5f), randn(2, 3, 4), randn(3), randn(3));
        CHECK.check(t -> BatchNormOp.batchNorm(t[0], null, null, null, null, true, 0.1f, 1e-5f), randn(4, 2, 3, 1));
    }

    @Test
    void batchNormEvalGradients() {
        final Tensor rm = Tensor.of(0.3f, -0.2f), rv = Tensor.of(1.5f, 0.7f);
        CHECK.check(t -> BatchNormOp.batchNorm(t[0], t[1], t[2], rm, rv, false, 0.1f, 1e-5f), randn(2, 2, 3, 2), randn(2), randn(2));
    }

    @Test
    void batchNormReluGradients() {
        CHECK.check(t -> BatchNormOp.batchNormRelu(t[0], t[1], t[2], null, null, true, 0.1f, 1e-5f), randn(3, 2, 2, 5), randn(2), randn(2));
        CHECK.check(t -> BatchNormOp.batchNormRelu(t[0], null, null, null, null, true, 0.1f, 1e-5f), randn(3, 2, 7));
        final Tensor rm = Tensor.of(0.3f, -0.2f), rv = Tensor.of(1.5f, 0.7f);
        CHECK.check(t -> BatchNormOp.batchNormRelu(t[0], t[1], t[2], rm, rv, false, 0.1f, 1e-5f), randn(2, 2, 3, 2), randn(2), randn(2));
    }

    @Test
    void batchNormNormalisesEachChannelAndUpdatesRunningStats() {
        // channel 0: 1, 3, 5 (mean 3, biased var 8/3, unbiased 4); channel 1: 2, 6, 10 (mean 6, 32/3, 16)
        final Tensor x = Tensor.of(new float[] {1, 2, 3, 6, 5, 10}, 3, 2);
        final Tensor rm = Tensor.zeros(2), rv = Tensor.ones(2);
        final Tensor y = BatchNormOp.batchNorm(x, Tensor.of(2f, 1f), Tensor.of(0.5f, -1f), rm, rv, true, 0.1f, 1e-5f);
        final double s0 = Math.sqrt(8 / 3.0 + 1e-5), s1 = Math.sqrt(32 / 3.0 + 1e-5);
        assertArrayEquals(new float[] {(float) (2 * -2 / s0 + 0.5), (float) (-4 / s1 - 1), 0.5f, -1f, (float) (2 * 2 / s0 + 0.5), (float) (4 / s1 - 1)},
                y.toArray(), 1e-5f);
        assertArrayEquals(new float[] {0.3f, 0.6f}, rm.toArray(), 1e-6f);
        assertArrayEquals(new float[] {0.9f + 0.4f, 0.9f + 1.6f}, rv.toArray(), 1e-6f);
    }

    @Test
    void batchNormEvalUsesTheRunningStatsAndLeavesThemAlone() {
        final Tensor x = Tensor.of(new float[] {1, 2, 3, 6}, 2, 2, 1);
        final Tensor rm = Tensor.of(1f, 2f), rv = Tensor.of(4f, 0.25f);
        final Tensor y = BatchNormOp.batchNorm(x, null, Tensor.of(0f, 1f), rm, rv, false, 0.1f, 0f);
        assertArrayEquals(new float[] {0f, 1f, 1f, 9f}, y.toArray(), 1e-6f);
        assertArrayEquals(new float[] {1f, 2f}, rm.toArray(), 0f);
        assertArrayEquals(new float[] {4f, 0.25f}, rv.toArray(), 0f);
    }

    @Test
    void batchNormRejectsOneValuePerChannelInTraining() {
        assertThrows(IllegalArgumentException.class, () -> BatchNormOp.batchNorm(Tensor.ones(1, 3), null, null, null, null, true, 0.1f, 1e-5f));
    }

    // ---- pooling --------------------------------------------------------------------------

    @Test
    void poolingGradients() {
        CHECK.check(t -> Pooling.maxPool2d(t[0], 2, 2, 0, 1, false), distinct(2, 2, 4, 5));
        CHECK.check(t -> Pooling.maxPool2d(t[0], 3, 2, 1, 1, true), distinct(1, 2, 6, 5));
        CHECK.check(t -> Pooling.maxPool2d(t[0], new Window(3, 1, 1, 2), new Window(2, 2, 0, 1), false), distinct(1, 2, 5, 6));
        CHECK.check(t -> Pooling.maxPool2d(t[0], 3, 2, 0, 1, false), distinct(2, 5, 5)); // [C, H, W]
        CHECK.check(t -> Pooling.avgPool2d(t[0], 3, 2, 1, true, true), randn(2, 2, 6, 5));
        CHECK.check(t -> Pooling.avgPool2d(t[0], 3, 2, 1, true, false), randn(2, 2, 6, 5));
        CHECK.check(t -> Pooling.avgPool2d(t[0], 2, 2, 0, false, true), randn(1, 3, 4, 5));
        CHECK.check(t -> Pooling.adaptiveAvgPool2d(t[0], 3, 3), randn(2, 2, 7, 7));
        CHECK.check(t -> Pooling.adaptiveAvgPool2d(t[0], 2, 4), randn(1, 2, 5, 3));
    }

    @Test
    void maxPoolOfA4x4() {
        final Tensor x = Tensor.arange(16).requiresGrad(true);
        final Tensor y = Pooling.maxPool2d(Views.reshape(x, 1, 1, 4, 4), 2, 2, 0, 1, false);
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
        assertArrayEquals(new float[] {5, 7, 13, 15}, y.toArray(), 0f);
        Reductions.sum(y).backward();
        final float[] g = new float[16];
        g[5] = g[7] = g[13] = g[15] = 1;
        assertArrayEquals(g, x.grad().toArray(), 0f);
    }

    @Test
    void avgPoolCountsPaddingOnlyWhenAsked() {
        final Tensor x = Tensor.ones(1, 1, 3, 3);
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.5f, 1f}, Pooling.avgPool2d(x, 2, 2, 1, false, true).toArray(), 0f);
        assertArrayEquals(new float[] {1f, 1f, 1f, 1f}, Pooling.avgPool2d(x, 2, 2, 1, false, false).toArray(), 0f);
        // ceil mode: the last window hangs past the input, and its overhang is never counted
        assertArrayEquals(new float[] {1f, 1f, 1f, 1f}, Pooling.avgPool2d(x, 2, 2, 0, true, true).toArray(), 0f);
    }

    @Test
    void adaptiveAvgPool5To3() {
        // value 5h + w; bins along each side: {0,1}, {1,2,3}, {3,4}, with means 0.5, 2, 3.5
        final Tensor y = Pooling.adaptiveAvgPool2d(Views.reshape(Tensor.arange(25), 1, 1, 5, 5), 3, 3);
        final float[] m = {0.5f, 2f, 3.5f};
        final float[] expected = new float[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) expected[i * 3 + j] = 5 * m[i] + m[j];
        assertArrayEquals(expected, y.toArray(), 1e-6f);
    }

    // ---- upsampling -----------------------------------------------------------------------

    @Test
    void upsamplingGradients() {
        CHECK.check(t -> Upsampling.upsampleNearest2d(t[0], 2.0, 2.0), randn(1, 2, 3, 2));
        CHECK.check(t -> Upsampling.upsampleNearest2d(t[0], 5, 4), randn(2, 1, 3, 3));
        for (boolean align : new boolean[] {false, true}) {
            CHECK.check(t -> Upsampling.upsampleBilinear2d(t[0], 2.0, 2.0, align), randn(1, 2, 3, 2));
            CHECK.check(t -> Upsampling.upsampleBilinear2d(t[0], 5, 7, align), randn(2, 1, 3, 4));
            CHECK.check(t -> Upsampling.upsampleBilinear2d(t[0], 2, 3, align), randn(1, 1, 5, 6));
        }
    }

    @Test
    void nearestTimesTwo() {
        final Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, Upsampling.upsampleNearest2d(x, 2.0, 2.0).toArray(), 0f);
        assertArrayEquals(new float[] {1, 1, 2, 3, 3, 4}, Upsampling.upsampleNearest2d(x, 2, 3).toArray(), 0f);
    }

    @Test
    void bilinearMatchesPyTorch() {
        final Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        // torch.nn.functional.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        assertArrayEquals(new float[] {
            1.00f, 1.25f, 1.75f, 2.00f,
            1.50f, 1.75f, 2.25f, 2.50f,
            2.50f, 2.75f, 3.25f, 3.50f,
            3.00f, 3.25f, 3.75f, 4.00f}, Upsampling.upsampleBilinear2d(x, 2.0, 2.0, false).toArray(), 1e-6f);
        // align_corners=True, to 3x3: the corners stay, the middle is the mean
        assertArrayEquals(new float[] {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4}, Upsampling.upsampleBilinear2d(x, 3, 3, true).toArray(), 1e-6f);
    }

    // ---- channel shuffle and channel dropout ------------------------------------------------

    @Test
    void channelShufflePermutesChannels() {
        // 6 channels in 2 groups {0,1,2}, {3,4,5} → 0, 3, 1, 4, 2, 5
        final Tensor x = Views.reshape(Tensor.arange(12), 1, 6, 2, 1);
        final float[] y = ChannelShuffleOp.channelShuffle(x, 2).toArray();
        final int[] order = {0, 3, 1, 4, 2, 5};
        for (int c = 0; c < 6; c++) {
            assertEquals(2 * order[c], y[2 * c], 0f);
            assertEquals(2 * order[c] + 1, y[2 * c + 1], 0f);
        }
        assertThrows(IllegalArgumentException.class, () -> ChannelShuffleOp.channelShuffle(x, 4));
        CHECK.check(t -> ChannelShuffleOp.channelShuffle(t[0], 3), randn(2, 6, 2, 2));
    }

    @Test
    void concatAndShuffleIsCatThenChannelShuffle() {
        final Tensor a = Tensor.randn(gen, 2, 3, 2, 3), b = Tensor.randn(gen, 2, 3, 2, 3);
        // a strided part, as ShuffleNet's untouched half: channels 1..3 of a 6-channel tensor
        final Tensor c = Views.narrow(Tensor.randn(gen, 2, 6, 2, 3), 1, 1, 3);
        assertArrayEquals(ChannelShuffleOp.channelShuffle(Joins.cat(List.of(a, b), 1), 2).toArray(),
                ChannelShuffleOp.concatAndShuffle(List.of(a, b)).toArray(), 0f);
        assertArrayEquals(ChannelShuffleOp.channelShuffle(Joins.cat(List.of(a, c, b), 1), 3).toArray(),
                ChannelShuffleOp.concatAndShuffle(List.of(a, c, b)).toArray(), 0f);
        assertThrows(IllegalArgumentException.class, () -> ChannelShuffleOp.concatAndShuffle(List.of(a, Tensor.randn(gen, 2, 4, 2, 3))));
        CHECK.check(t -> ChannelShuffleOp.concatAndShuffle(List.of(t[0], Views.narrow(t[1], 1, 2, 2))), randn(2, 2, 3, 2), randn(2, 4, 3, 2));
    }

    @Test
    void dropout2dDropsWholeChannelsAndScales() {
        final Tensor x = Tensor.randn(gen, 8, 16, 3, 5).requiresGrad(true);
        final Tensor y = Dropout2dOp.dropout2d(x, 0.5f, new Generator(3));
        final float[] xv = x.toArray(), yv = y.toArray();
        int dropped = 0;
        for (int ch = 0; ch < 8 * 16; ch++) {
            final boolean drop = yv[ch * 15] == 0;
            if (drop) dropped++;
            for (int i = ch * 15; i < ch * 15 + 15; i++) assertEquals(drop ? 0f : 2 * xv[i], yv[i], 1e-6f, "channel " + ch);
        }
        assertEquals(64, dropped, 16);
        Reductions.sum(y).backward();
        final float[] gv = x.grad().toArray();
        for (int i = 0; i < gv.length; i++) assertEquals(yv[i] == 0 ? 0f : 2f, gv[i], 0f);
        // same seed, same channels
        assertArrayEquals(yv, Dropout2dOp.dropout2d(x, 0.5f, new Generator(3)).toArray(), 0f);
    }
}
