package sau.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import sau.backend.cpu.Conv2dKernel;
import sau.backend.cpu.ConvGeometry;

/**
 * The convolutions of a small VGG, one layer at a time: VGG-11 at width 0.25 (channels 16, 32,
 * 64, 64, 128, 128, 128, 128) on 3×32×32 images, 3×3 convolutions with padding 1, so the planes
 * shrink from 32×32 to 2×2 through the network's max pools. Each row times one layer's training
 * work (forward with bias, backward-data, backward-weights and the bias gradient) and its
 * effective GFLOP/s, counting the 2 flops of each multiply-add of the three products; the last
 * row sums the layers. Deep layers have tiny planes and big weights, which is where a
 * convolution engine that runs one GEMM per image loses most.
 *
 * <p>Arguments: {@code --batch N} (default 128).
 */
public final class ConvBench {

    private ConvBench() {}

    /** Output channels of each 3×3 convolution, and the input plane's side before it. */
    private static final int[][] LAYERS = {{16, 32}, {32, 16}, {64, 8}, {64, 8}, {128, 4}, {128, 4}, {128, 2}, {128, 2}};

    public static void main(String[] args) {
        final List<String> list = List.of(args);
        new Table().addAll(run(list)).print(System.out, list.contains("--json"));
    }

    /** One row per layer, then the total. */
    public static List<Map<String, Object>> run(List<String> args) {
        final int batch = TrainStepBench.intOption(args, "--batch", 128);
        final List<Map<String, Object>> rows = new ArrayList<>();
        double totalSeconds = 0, totalFlops = 0;
        int inChannels = 3;
        for (int[] layer : LAYERS) {
            final int size = layer[1];
            final ConvGeometry g = ConvGeometry.of(batch, inChannels, size, size, layer[0], 3, 3, 1, 1, 1, 1, 1, 1, 1);
            final Measure.Timing t = Measure.time(0.3, 1.0, layerStep(g));
            final double flops = 3 * 2.0 * g.macs();
            totalSeconds += t.median();
            totalFlops += flops;
            rows.add(Table.row("bench", "conv", "layer", inChannels + "->" + layer[0] + " @" + size + "x" + size, "batch", batch,
                    "ms", t.median() * 1e3, "spread_pct", t.spread() * 100, "GFLOP/s", flops / t.median() * 1e-9));
            inChannels = layer[0];
        }
        rows.add(Table.row("bench", "conv", "layer", "total", "batch", batch, "ms", totalSeconds * 1e3,
                "GFLOP/s", totalFlops / totalSeconds * 1e-9));
        return rows;
    }

    /** One training step of layer g on random data: forward, both backward products, bias gradient. */
    private static Runnable layerStep(ConvGeometry g) {
        final SplittableRandom rng = new SplittableRandom(g.hashCode());
        final float[] x = RandomInputs.uniform(rng, g.inputLength()), w = RandomInputs.uniform(rng, g.weightLength()), b = RandomInputs.uniform(rng, g.outChannels());
        final float[] dy = RandomInputs.uniform(rng, g.outputLength());
        final float[] y = new float[g.outputLength()], dx = new float[g.inputLength()];
        final float[] dw = new float[g.weightLength()], db = new float[g.outChannels()];
        return () -> {
            Conv2dKernel.forward(g, x, 0, w, 0, b, 0, y, 0);
            Conv2dKernel.backwardData(g, dy, 0, w, 0, dx, 0);
            Conv2dKernel.backwardWeight(g, x, 0, dy, 0, dw, 0);
            Conv2dKernel.biasGradient(dy, 0, g.batch(), g.outChannels(), g.outPlane(), db, 0);
        };
    }
}
