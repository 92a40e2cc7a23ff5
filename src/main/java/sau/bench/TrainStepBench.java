package sau.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import sau.detection.Boxes;
import sau.detection.Matcher;
import sau.detection.MultiboxLoss;
import sau.models.MLP;
import sau.models.Models;
import sau.models.SSD300;
import sau.models.Transformer;
import sau.models.TransformerOptions;
import sau.nn.Module;
import sau.nn.activation.ReLU;
import sau.ops.Losses;
import sau.ops.Views;
import sau.optim.Adam;
import sau.optim.SGD;
import sau.tensor.Arena;
import sau.tensor.Generator;
import sau.tensor.Tensor;
import sau.text.Vocabulary;

/**
 * Training throughput: images per second of whole training steps (forward, cross-entropy,
 * backward, SGD with momentum) on a fixed random batch, so that only the engine is measured,
 * not the data loading. PyTorch's numbers for the same models come from
 * {@code src/bench/python/bench_torch.py}. The peak resident memory is counted from the start
 * of each benchmark ({@link Memory#resetPeak}), as PyTorch's is from the start of its process.
 * Each row also gives the round trip between two cores measured right after its timed runs
 * ({@link CoreLatency}): where the host moves the virtual cores, it says which placement the row
 * was measured on.
 */
public final class TrainStepBench {

    private TrainStepBench() {}

    /** The MLP 784-512-512-10 at batch 128 (or {@code --batch N}). */
    public static List<Map<String, Object>> mlp(List<String> args) {
        Memory.resetPeak();
        final int batch = intOption(args, "--batch", 128);
        final Generator g = new Generator(0);
        final Module model = new MLP(784, List.of(512, 512), 10, ReLU::new, 0f, g);
        final List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(measure("train_mlp", model, Tensor.randn(g, batch, 1, 28, 28), batch, 10, g));
        return rows;
    }

    /** Full VGG-16-BN with the CIFAR head, 10 classes, batch 128 of 3×32×32. */
    public static List<Map<String, Object>> vgg16(List<String> args) {
        return model("train_vgg16_bn", "vgg", Map.of("depth", 16), 10, args);
    }

    /** ShuffleNetV2 1.0× with the CIFAR stem, 100 classes, batch 128 of 3×32×32. */
    public static List<Map<String, Object>> shufflenet(List<String> args) {
        return model("train_shufflenet_v2_x1_0", "shufflenet_v2", Map.of("width", 1.0), 100, args);
    }

    /**
     * SSD300 with torchvision's VGG-16 backbone and 21 classes, batch 8 (the paper's; {@code --batch N})
     * of 3×300×300 ({@code --size S}): forward, multibox loss against three fixed objects per image
     * (matched once, outside the timing), backward, SGD.
     */
    public static List<Map<String, Object>> ssd300(List<String> args) {
        Memory.resetPeak();
        final int batch = intOption(args, "--batch", 8), size = intOption(args, "--size", 300);
        final Generator g = new Generator(0);
        final SSD300 model = (SSD300) Models.create("ssd300", "relu", Map.of(), new int[] {3, size, size}, 21, g);
        final float[] priors = model.defaultBoxes().centres(), corners = Boxes.toCorners(priors);
        final Matcher.Targets[] targets = new Matcher.Targets[batch];
        final float[] objects = {0.1f, 0.1f, 0.4f, 0.5f, 0.5f, 0.2f, 0.9f, 0.6f, 0.3f, 0.6f, 0.6f, 0.95f};
        for (int i = 0; i < batch; i++) targets[i] = Matcher.match(objects, new int[] {g.nextInt(20), g.nextInt(20), g.nextInt(20)}, priors, corners, 0.5f);
        final Tensor input = Tensor.randn(g, batch, 3, size, size);
        final SGD opt = new SGD(model.parameters(), 0.001, 0.9, 0, 0, false);
        final Runnable step = () -> {
            try (Arena arena = Arena.open()) {
                opt.zeroGrad();
                MultiboxLoss.of(model.forward(input), targets, 3).backward();
                opt.step();
            }
        };
        return List.of(row("train_ssd300_vgg16", Measure.time(3.0, 10.0, step), batch, Map.of("size", size)));
    }

    private static List<Map<String, Object>> model(String bench, String name, Map<String, Object> options, int classes, List<String> args) {
        Memory.resetPeak();
        final int batch = intOption(args, "--batch", 128);
        final Generator g = new Generator(0);
        final Module model = Models.create(name, "relu", options, new int[] {3, 32, 32}, classes, g);
        return List.of(measure(bench, model, Tensor.randn(g, batch, 3, 32, 32), batch, classes, g));
    }

    /**
     * Training steps of the Transformer of configs/transformer-ding-small.json (d_model 256, 4 heads,
     * 3 + 3 layers, feed-forward 1024, a tied joint vocabulary of 8,000) on {@code --batch}
     * sentence pairs (default 32) of {@code --length} random tokens (default 32) on each side:
     * forward, label-smoothed cross-entropy, backward, Adam. Reports target tokens per second.
     */
    public static List<Map<String, Object>> transformer(List<String> args) {
        Memory.resetPeak();
        final int batch = intOption(args, "--batch", 32), length = intOption(args, "--length", 32), vocab = 8000;
        final Generator g = new Generator(0);
        final Transformer model = new Transformer(new TransformerOptions(256, 4, 3, 3, 1024, 0.1f, false, true, true, Math.max(64, length + 1)),
                vocab, vocab, Vocabulary.PAD, ReLU::new, g);
        final Tensor src = randomTokens(g, batch, length, vocab), tgtIn = randomTokens(g, batch, length, vocab), tgtOut = randomTokens(g, batch * length, 1, vocab);
        final Adam adam = new Adam(model.parameters(), 1e-4, 0.9, 0.98, 1e-9, 0);
        final Runnable step = () -> {
            try (Arena arena = Arena.open()) {
                adam.zeroGrad();
                final Tensor logits = model.forward(src, tgtIn);
                Losses.crossEntropy(Views.reshape(logits, -1, vocab), Views.reshape(tgtOut, -1), 0.1f, Vocabulary.PAD, Losses.Reduction.MEAN).backward();
                adam.step();
            }
        };
        final Measure.Timing t = Measure.time(3.0, 10.0, step);
        return List.of(Table.row("bench", "train_transformer", "impl", "sau", "batch", batch, "length", length, "ms", t.median() * 1e3,
                "spread_pct", t.spread() * 100, "tokens_per_s", batch * length / t.median(), "peak_rss_mb", Memory.peakResidentMb(),
                "arena_mb", Arena.pooledBytes() / 1048576.0, "core_round_trip_ns", CoreLatency.roundTripNanos()));
    }

    /** Token ids in [4, vocab): no padding or special tokens. */
    private static Tensor randomTokens(Generator g, int rows, int cols, int vocab) {
        final float[] d = new float[rows * cols];
        for (int i = 0; i < d.length; i++) d[i] = 4 + g.nextInt(vocab - 4);
        return new Tensor(d, rows, cols);
    }

    static Map<String, Object> measure(String name, Module model, Tensor input, int batch, int classes, Generator g) {
        final float[] labels = new float[batch];
        for (int i = 0; i < batch; i++) labels[i] = g.nextInt(classes);
        final Tensor targets = Tensor.of(labels);
        final SGD opt = new SGD(model.parameters(), 0.01, 0.9, 0, 0, false);
        final Runnable step = () -> {
            try (Arena arena = Arena.open()) { // as the Trainer does: the step's arrays are reused by the next
                opt.zeroGrad();
                Losses.crossEntropy(model.forward(input), targets).backward();
                opt.step();
            }
        };
        // whole steps of a big model take seconds: a long warm-up lets the JIT finish compiling first
        return row(name, Measure.time(3.0, 10.0, step), batch, Map.of());
    }

    private static Map<String, Object> row(String name, Measure.Timing t, int batch, Map<String, Object> extra) {
        final Map<String, Object> row = Table.row("bench", name, "impl", "sau", "batch", batch);
        row.putAll(extra);
        row.putAll(Table.row("ms", t.median() * 1e3, "spread_pct", t.spread() * 100, "images_per_s", batch / t.median(), "peak_rss_mb", Memory.peakResidentMb(),
                "arena_mb", Arena.pooledBytes() / 1048576.0, "core_round_trip_ns", CoreLatency.roundTripNanos()));
        return row;
    }

    static int intOption(List<String> args, String flag, int fallback) {
        final int at = args.indexOf(flag);
        if (at < 0) return fallback;
        if (at + 1 >= args.size()) throw new IllegalArgumentException(flag + " needs a number");
        return Integer.parseInt(args.get(at + 1));
    }
}
