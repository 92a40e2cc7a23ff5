package sau.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import sau.backend.Devices;
import sau.backend.cpu.Parallel;
import sau.bench.ConvBench;
import sau.bench.CudaBench;
import sau.bench.GemmBench;
import sau.bench.LayerBench;
import sau.bench.PeakBench;
import sau.bench.PyTorchBaseline;
import sau.bench.Rounds;
import sau.bench.SauBench;
import sau.bench.Table;
import sau.bench.TrainStepBench;

/** {@code bin/sau bench WHAT... [--json] [--threads N]}: the benchmarks. */
final class BenchCommand implements Main.Command {

    private static final Map<String, Function<List<String>, List<Map<String, Object>>>> BENCHES = new LinkedHashMap<>();
    /** The benchmarks of {@code --device cuda}, on GPU 0; their PyTorch twins are named with a "_cuda" suffix. */
    private static final Map<String, Function<List<String>, List<Map<String, Object>>>> CUDA_BENCHES = new LinkedHashMap<>();

    static {
        BENCHES.put("peak", PeakBench::run);
        BENCHES.put("gemm", GemmBench::run);
        BENCHES.put("conv", ConvBench::run);
        BENCHES.put("gemm_im2col", LayerBench::gemmIm2col);
        BENCHES.put("conv_vgg16", LayerBench::vgg16Convs);
        BENCHES.put("depthwise", LayerBench::depthwise);
        BENCHES.put("pointwise", LayerBench::pointwise);
        BENCHES.put("batchnorm", LayerBench::batchNorm);
        BENCHES.put("sau", SauBench::run);
        BENCHES.put("activation", LayerBench::activations);
        BENCHES.put("mlp", TrainStepBench::mlp);
        BENCHES.put("vgg16", TrainStepBench::vgg16);
        BENCHES.put("shufflenet", TrainStepBench::shufflenet);
        BENCHES.put("ssd300", TrainStepBench::ssd300);
        BENCHES.put("transformer", TrainStepBench::transformer);
        CUDA_BENCHES.put("device", CudaBench::device);
        CUDA_BENCHES.put("gemm", CudaBench::gemm);
        CUDA_BENCHES.put("sau", CudaBench::sau);
        CUDA_BENCHES.put("vgg16", CudaBench::vgg16);
        CUDA_BENCHES.put("shufflenet", CudaBench::shufflenet);
    }

    @Override
    public String summary() {
        return "run benchmarks: " + String.join(", ", BENCHES.keySet());
    }

    @Override
    public String help() {
        return """
            usage: bin/sau bench WHAT... [--json] [--threads N] [--vs-pytorch] [--rounds N] [options of the benchmarks]
                   bin/sau bench --device cuda WHAT... [--json] [--vs-pytorch]

            Runs each named benchmark (or all of them with "all") after a warm-up, and prints the
            median time and spread of repeated runs as a table, or one JSON object per row with --json.

              peak        the machine's measured FP32 FMA peak, 1 thread and all threads
              conv        forward+backward of the convolutions of a small VGG (batch 128, 32x32 down to 2x2), per layer
              gemm        square matrix products at 512, 1024, 2048 (--sizes 256,512), 1 and all threads
              gemm_im2col the forward GEMM of each VGG-16 convolution (Cout x Cin*9 times Cin*9 x 1024)
              conv_vgg16  forward+backward-data+backward-weights of each VGG-16 convolution, batch 128
              depthwise   the same for each depthwise convolution of ShuffleNetV2 1.0x (CIFAR stem)
              pointwise   the same for each 1x1 convolution of ShuffleNetV2 1.0x (CIFAR stem)
              batchnorm   batch norm in training, forward and backward, on VGG and ShuffleNet shapes
              sau         SAU forward+backward on 16M floats, ms and GB/s, 1 and all threads
              activation  every activation of the paper's comparison, forward+backward on 16M floats
              mlp         training steps of the MLP 784-512-512-10 at batch 128 (--batch N), images/s
              vgg16       training steps of VGG-16-BN (CIFAR head, 10 classes), batch 128 of 3x32x32
              shufflenet  training steps of ShuffleNetV2 1.0x (CIFAR stem, 100 classes), batch 128 of 3x32x32
              ssd300      training steps of SSD300 (VGG-16, 21 classes, multibox loss), batch 8 (--batch N) of
                          3x300x300 (--size S); PyTorch's side is torchvision's ssd300_vgg16
              transformer training steps (Adam, label smoothing 0.1) of the Transformer of
                          configs/transformer-ding-small.json, 32 sentence pairs of 32 tokens
                          (--batch N, --length L), target tokens/s

            On the GPU (--device cuda; GPU 0):
              device      the GPU, and its device-to-device copy bandwidth
              gemm        square products at 2048, 4096, 8192 (--sizes ...), fp32 and TF32, TFLOP/s
              sau         SAU forward+backward on 256M floats, GB/s against the copy bandwidth
              vgg16       VGG-16-BN training steps, batch 128 of 3x32x32 (--batch N), fp32 and TF32
              shufflenet  ShuffleNetV2 1.0x training steps, the same

            --threads N sets the size of the thread pool (default: all cores).
            --vs-pytorch runs the same workloads in PyTorch (src/bench/python/bench_torch.py, with
            /usr/bin/python3 and torch; OpenBLAS when installed) with the same thread count, and adds
            PyTorch's number and the ratio sau/PyTorch (above 1: sau is faster) to each row.
            --rounds N runs each benchmark N times (with --vs-pytorch: sau and PyTorch in turns) and
            keeps, of each row, the round with the median result: this machine's speed drifts, and a
            ratio near 1 should not be decided by which side ran on a slow stretch.
            """;
    }

    @Override
    public int run(List<String> args) throws IOException {
        final List<String> rest = new ArrayList<>(args);
        final boolean json = rest.remove("--json");
        final boolean vsPytorch = rest.remove("--vs-pytorch");
        final int d = rest.indexOf("--device");
        boolean cuda = false;
        if (d >= 0) {
            if (d + 1 >= rest.size()) throw new UserError("--device needs cpu or cuda");
            cuda = Devices.resolve(rest.get(d + 1)).isCuda();
            rest.remove(d + 1);
            rest.remove(d);
        }
        final Map<String, Function<List<String>, List<Map<String, Object>>>> benches = cuda ? CUDA_BENCHES : BENCHES;
        final int t = rest.indexOf("--threads");
        if (t >= 0) {
            if (t + 1 >= rest.size()) throw new UserError("--threads needs a number");
            try {
                Parallel.setThreads(Integer.parseInt(rest.get(t + 1)));
            } catch (IllegalArgumentException e) {
                throw new UserError("--threads: " + e.getMessage());
            }
            rest.remove(t + 1);
            rest.remove(t);
        }
        final int rounds = rounds(rest);
        final List<String> names = new ArrayList<>();
        final List<String> options = new ArrayList<>();
        for (String a : rest) (options.isEmpty() && !a.startsWith("--") ? names : options).add(a); // names first, then options
        if (names.isEmpty()) throw new UserError("name a benchmark: " + String.join(", ", benches.keySet()) + " or all");
        if (names.contains("all")) names.clear();
        if (names.isEmpty()) names.addAll(benches.keySet());
        // Every name is checked before any benchmark runs: a typo after a long one would waste it.
        for (String name : names) {
            if (!benches.containsKey(name)) throw new UserError("unknown benchmark \"" + name + "\"; choose from " + String.join(", ", benches.keySet()) + " or all");
        }
        final List<Map<String, Object>> rows = new ArrayList<>(), pytorch = new ArrayList<>();
        for (String name : names) {
            final List<List<Map<String, Object>>> ours = new ArrayList<>(), theirs = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                ours.add(benches.get(name).apply(options));
                // Each PyTorch twin runs right after sau's benchmark, not all of them after all of
                // sau's: this machine's speed drifts over minutes, and both sides should see the same.
                if (vsPytorch) theirs.add(pytorchTwin(name, cuda, options));
            }
            rows.addAll(Rounds.median(ours));
            pytorch.addAll(Rounds.median(theirs));
        }
        final Table table = new Table();
        table.addAll(vsPytorch ? PyTorchBaseline.sideBySide(rows, pytorch) : rows);
        table.print(System.out, json);
        return 0;
    }

    /** The value of {@code --rounds N} (removed from {@code rest}), 1 without it. */
    private static int rounds(List<String> rest) {
        final int at = rest.indexOf("--rounds");
        if (at < 0) return 1;
        final String value = at + 1 < rest.size() ? rest.get(at + 1) : "";
        final int rounds;
        try {
            rounds = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UserError("--rounds needs a whole number of rounds, e.g. --rounds 5; got \"" + value + "\"");
        }
        if (rounds < 1) throw new UserError("--rounds needs at least 1 round; got " + rounds);
        rest.remove(at + 1);
        rest.remove(at);
        return rounds;
    }

    /** The rows of the PyTorch benchmark that matches sau's {@code name}, if there is one. */
    private static List<Map<String, Object>> pytorchTwin(String name, boolean cuda, List<String> options) throws IOException {
        final Path home = Path.of(System.getProperty("sau.home", "."));
        if (cuda) {
            final String twin = switch (name) {
                case "gemm", "sau" -> name + "_cuda";
                case "vgg16" -> "train_vgg16_bn_cuda";
                case "shufflenet" -> "train_shufflenet_v2_x1_0_cuda";
                default -> null;
            };
            return twin == null ? List.of() : PyTorchBaseline.runCuda(home, List.of(twin), options);
        }
        return name.equals("peak") ? List.of() : PyTorchBaseline.run(home, List.of(name), Parallel.threads(), options);
    }
}
