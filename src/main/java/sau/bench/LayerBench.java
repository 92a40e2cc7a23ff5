package sau.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import sau.backend.cpu.BatchNormKernel;
import sau.backend.cpu.Conv2dKernel;
import sau.backend.cpu.ConvGeometry;
import sau.backend.cpu.Gemm;
import sau.nn.Module;
import sau.nn.activation.ActivationFactory;
import sau.tensor.Arena;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * The pieces of a training step, one shape at a time, with the shapes the models really use (3×32×32
 * inputs, batch 128), so that a slow model can be traced to the layer that makes it slow:
 *
 * <ul>
 *   <li>{@code gemm_im2col}: the forward GEMM of each of VGG-16's convolutions, {@code Cout × Cin·9}
 *       weights times {@code Cin·9 × 1024} columns;
 *   <li>{@code conv_vgg16}: each of VGG-16's 3×3 convolutions, forward + backward-data +
 *       backward-weights;
 *   <li>{@code depthwise}: each of ShuffleNetV2 1.0×'s depthwise 3×3 convolutions (CIFAR stem), the
 *       same three passes;
 *   <li>{@code pointwise}: each of its 1×1 convolutions, the same three passes;
 *   <li>{@code batchnorm}: batch norm in training, forward (statistics, normalisation) and backward;
 *   <li>{@code activation}: every activation of the paper's comparison, forward + backward through
 *       autograd on 16M floats, as a model runs it.
 * </ul>
 *
 * <p>Each has its PyTorch twin in {@code src/bench/python/bench_torch.py} (rows matched by
 * {@code layer} or {@code activation}). Arguments: {@code --batch N} (default 128).
 */
public final class LayerBench {

    private LayerBench() {}

    /** VGG-16's 3×3 convolutions on 32×32 inputs, each distinct shape once: in, out, side. */
    private static final int[][] VGG16 = {
        {3, 64, 32}, {64, 64, 32}, {64, 128, 16}, {128, 128, 16}, {128, 256, 8}, {256, 256, 8}, {256, 512, 4}, {512, 512, 4}, {512, 512, 2},
    };

    /** ShuffleNetV2 1.0×'s depthwise 3×3 convolutions with the CIFAR stem: channels, side, stride. */
    private static final int[][] DEPTHWISE = {
        {24, 32, 2}, {58, 32, 2}, {58, 16, 1}, {116, 16, 2}, {116, 8, 1}, {232, 8, 2}, {232, 4, 1},
    };

    /** ShuffleNetV2 1.0×'s 1×1 convolutions with the CIFAR stem, each distinct shape once: in, out, side. */
    private static final int[][] POINTWISE = {
        {24, 58, 32}, {24, 58, 16}, {58, 58, 16}, {116, 116, 16}, {116, 116, 8}, {232, 232, 8}, {232, 232, 4}, {464, 1024, 4},
    };

    /** Batch-norm inputs: channels, side (VGG-16's first and middle layers, ShuffleNet's stages). */
    private static final int[][] BATCH_NORM = {{64, 32}, {256, 8}, {116, 16}, {464, 4}};

    /** The activations of the paper's comparison, as specs for the factory. */
    private static final List<String> ACTIVATIONS = List.of("relu", "leaky_relu", "prelu", "elu", "softplus", "silu", "gelu", "relu6", "sau");

    private static final int ACTIVATION_ELEMENTS = 16 * 1024 * 1024;

    public static List<Map<String, Object>> gemmIm2col(List<String> args) {
        final List<Map<String, Object>> rows = new ArrayList<>();
        final int n = 1024;
        for (int[] layer : VGG16) {
            final int m = layer[1], k = layer[0] * 9;
            final SplittableRandom rng = new SplittableRandom(m * 31L + k);
            final float[] a = RandomInputs.uniform(rng, m * k), b = RandomInputs.uniform(rng, k * n), c = new float[m * n];
            final Measure.Timing t = Measure.time(() -> Gemm.gemm(false, false, m, n, k, a, 0, k, b, 0, n, 0f, c, 0, n));
            rows.add(Table.row("bench", "gemm_im2col", "layer", label(layer), "m", m, "n", n, "k", k,
                    "ms", t.median() * 1e3, "spread_pct", t.spread() * 100, "GFLOP/s", 2.0 * m * n * k / t.median() * 1e-9));
        }
        return rows;
    }

    public static List<Map<String, Object>> vgg16Convs(List<String> args) {
        return squareConvs("conv_vgg16", VGG16, 3, args);
    }

    public static List<Map<String, Object>> depthwise(List<String> args) {
        final int batch = TrainStepBench.intOption(args, "--batch", 128);
        final List<Map<String, Object>> rows = new ArrayList<>();
        for (int[] layer : DEPTHWISE) {
            final int c = layer[0], side = layer[1], stride = layer[2];
            final ConvGeometry g = ConvGeometry.of(batch, c, side, side, c, 3, 3, stride, stride, 1, 1, 1, 1, c);
            rows.add(convRow("depthwise", c + " @" + side + "x" + side + " s" + stride, g));
        }
        return rows;
    }

    public static List<Map<String, Object>> pointwise(List<String> args) {
        return squareConvs("pointwise", POINTWISE, 1, args);
    }

    /** One row per layer {in, out, side}: a {@code kernel × kernel} convolution, stride 1, "same" padding. */
    private static List<Map<String, Object>> squareConvs(String bench, int[][] layers, int kernel, List<String> args) {
        final int batch = TrainStepBench.intOption(args, "--batch", 128);
        final List<Map<String, Object>> rows = new ArrayList<>();
        for (int[] layer : layers) {
            final int pad = kernel / 2;
            final ConvGeometry g = ConvGeometry.of(batch, layer[0], layer[2], layer[2], layer[1], kernel, kernel, 1, 1, pad, pad, 1, 1, 1);
            rows.add(convRow(bench, label(layer), g));
        }
        return rows;
    }

    /** Forward, backward-data and backward-weights of one convolution on random data. */
    private static Map<String, Object> convRow(String bench, String layer, ConvGeometry g) {
        final SplittableRandom rng = new SplittableRandom(g.hashCode());
        final float[] x = RandomInputs.uniform(rng, g.inputLength()), w = RandomInputs.uniform(rng, g.weightLength()), dy = RandomInputs.uniform(rng, g.outputLength());
        final float[] y = new float[g.outputLength()], dx = new float[g.inputLength()], dw = new float[g.weightLength()];
        final Measure.Timing t = Measure.time(() -> {
            Conv2dKernel.forward(g, x, 0, w, 0, null, 0, y, 0);
            Conv2dKernel.backwardData(g, dy, 0, w, 0, dx, 0);
            Conv2dKernel.backwardWeight(g, x, 0, dy, 0, dw, 0);
        });
        return Table.row("bench", bench, "layer", layer, "batch", g.batch(), "ms", t.median() * 1e3, "spread_pct", t.spread() * 100,
                "GFLOP/s", 3 * 2.0 * g.macs() / t.median() * 1e-9);
    }

    public static List<Map<String, Object>> batchNorm(List<String> args) {
        final int batch = TrainStepBench.intOption(args, "--batch", 128);
        final List<Map<String, Object>> rows = new ArrayList<>();
        for (int[] shape : BATCH_NORM) {
            final int channels = shape[0], inner = shape[1] * shape[1], length = batch * channels * inner;
            final SplittableRandom rng = new SplittableRandom(length);
            final float[] x = RandomInputs.uniform(rng, length), g = RandomInputs.uniform(rng, length), y = new float[length], dx = new float[length];
            final float[] mean = new float[channels], var = new float[channels], invStd = new float[channels];
            final float[] weight = RandomInputs.uniform(rng, channels), bias = RandomInputs.uniform(rng, channels), sumG = new float[channels], sumGXhat = new float[channels];
            final Measure.Timing t = Measure.time(() -> {
                BatchNormKernel.statistics(x, 0, batch, channels, inner, mean, var);
                for (int c = 0; c < channels; c++) invStd[c] = (float) (1 / Math.sqrt(var[c] + 1e-5));
                BatchNormKernel.normalize(x, 0, y, 0, batch, channels, inner, mean, invStd, weight, bias);
                BatchNormKernel.gradSums(x, 0, g, 0, batch, channels, inner, mean, invStd, sumG, sumGXhat);
                BatchNormKernel.inputGrad(x, 0, g, 0, dx, 0, batch, channels, inner, mean, invStd, weight, sumG, sumGXhat, true);
            });
            // Forward reads x twice and writes y; backward reads x and g twice and writes dx: 7 passes.
            rows.add(Table.row("bench", "batchnorm", "layer", channels + " @" + shape[1] + "x" + shape[1], "batch", batch,
                    "ms", t.median() * 1e3, "spread_pct", t.spread() * 100, "GB/s", 7.0 * 4 * length / t.median() * 1e-9));
        }
        return rows;
    }

    public static List<Map<String, Object>> activations(List<String> args) {
        final List<Map<String, Object>> rows = new ArrayList<>();
        final Generator gen = new Generator(1);
        final Tensor x = Tensor.randn(gen, ACTIVATION_ELEMENTS).requiresGrad(true);
        final Tensor g = Tensor.randn(gen, ACTIVATION_ELEMENTS);
        for (String spec : ACTIVATIONS) {
            final Module f = ActivationFactory.create(spec);
            final Measure.Timing t = Measure.time(() -> {
                x.zeroGrad();
                try (Arena step = Arena.open()) {
                    f.forward(x).backward(g);
                }
            });
            // forward reads x and writes y; backward reads x (or y) and dL/dy, writes dL/dx: 20 bytes per element
            rows.add(Table.row("bench", "activation", "activation", spec, "elements", ACTIVATION_ELEMENTS,
                    "ms", t.median() * 1e3, "spread_pct", t.spread() * 100, "GB/s", 20.0 * ACTIVATION_ELEMENTS / t.median() * 1e-9));
        }
        return rows;
    }

    private static String label(int[] layer) { // in, out, side
        return layer[0] + "->" + layer[1] + " @" + layer[2] + "x" + layer[2];
    }
}
