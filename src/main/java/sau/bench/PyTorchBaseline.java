package sau.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The same benchmarks in PyTorch, run by {@code src/bench/python/bench_torch.py} in a child
 * process on the same machine with the same number of threads, and set beside sau's rows: for
 * each sau row the matching PyTorch row (same benchmark, size or batch, and thread count) adds
 * its number and the ratio sau/PyTorch, so that above 1 means sau is faster.
 */
public final class PyTorchBaseline {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Which column is a benchmark's result, and whether bigger is better. */
    record Metric(String column, boolean higherIsBetter) {}

    private static final Map<String, Metric> METRICS = Map.ofEntries(
            Map.entry("fma_peak", new Metric("GFLOP/s", true)),
            Map.entry("gemm", new Metric("GFLOP/s", true)),
            Map.entry("gemm_im2col", new Metric("GFLOP/s", true)),
            Map.entry("conv", new Metric("ms", false)),
            Map.entry("conv_vgg16", new Metric("ms", false)),
            Map.entry("depthwise", new Metric("ms", false)),
            Map.entry("pointwise", new Metric("ms", false)),
            Map.entry("batchnorm", new Metric("ms", false)),
            Map.entry("activation", new Metric("ms", false)),
            Map.entry("sau", new Metric("total_ms", false)),
            Map.entry("train_mlp", new Metric("images_per_s", true)),
            Map.entry("train_vgg16_bn", new Metric("images_per_s", true)),
            Map.entry("train_shufflenet_v2_x1_0", new Metric("images_per_s", true)),
            Map.entry("train_ssd300_vgg16", new Metric("images_per_s", true)),
            Map.entry("train_transformer", new Metric("tokens_per_s", true)),
            Map.entry("gemm_cuda", new Metric("tflops", true)),
            Map.entry("sau_cuda", new Metric("ms", false)),
            Map.entry("train_vgg16_bn_cuda", new Metric("images_per_s", true)),
            Map.entry("train_shufflenet_v2_x1_0_cuda", new Metric("images_per_s", true)));

    private PyTorchBaseline() {}

    /** The result column of benchmark rows named {@code bench} (their "bench" column), or null if none is known. */
    static Metric metric(String bench) {
        return METRICS.get(bench);
    }

    /**
     * The PyTorch rows of {@code benches} (names as for {@code bin/sau bench}), each in its own
     * process so peak memory is per benchmark; {@code options} ({@code --batch N}, {@code --size S})
     * go to the script, whose benchmarks take those they know.
     */
    public static List<Map<String, Object>> run(Path sauHome, List<String> benches, int threads, List<String> options) throws IOException {
        final String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        return run(List.of(python, sauHome.resolve("src/bench/python/bench_torch.py").toString()), benches, List.of("--threads", String.valueOf(threads)), threads, options);
    }

    /**
     * The PyTorch rows of the GPU benchmarks, from {@code bench_torch_cuda.py} with the
     * {@code python3} on the PATH (the one a GPU machine's PyTorch comes with).
     */
    public static List<Map<String, Object>> runCuda(Path sauHome, List<String> benches, List<String> options) throws IOException {
        return run(List.of("python3", sauHome.resolve("src/bench/python/bench_torch_cuda.py").toString()), benches, List.of(), 1, options);
    }

    private static List<Map<String, Object>> run(List<String> script, List<String> benches, List<String> extra, int threads, List<String> options) throws IOException {
        final List<Map<String, Object>> rows = new ArrayList<>();
        final String coretype = openblasCoretype(System.getenv("OPENBLAS_CORETYPE"), cpuFlags());
        for (String bench : benches) {
            final List<String> command = new ArrayList<>(script);
            command.add(bench);
            command.addAll(extra);
            command.addAll(options);
            final ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
            if (coretype != null) pb.environment().put("OPENBLAS_CORETYPE", coretype);
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            final Process p = pb.start();
            final List<Map<String, Object>> own = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("{")) own.add(JSON.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() {}));
                }
            }
            try {
                if (p.waitFor() != 0) throw new IOException(failure(p.exitValue(), coretype));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the PyTorch benchmark", e);
            }
            // The cores' round trip right after PyTorch's training steps, as sau's rows have it after
            // theirs: the two sides of a row may have run on different placements of the cores.
            if (threads > 1 && own.stream().anyMatch(row -> String.valueOf(row.get("bench")).startsWith("train_"))) {
                final double roundTrip = CoreLatency.roundTripNanos();
                own.forEach(row -> row.put("core_round_trip_ns", roundTrip));
            }
            rows.addAll(own);
        }
        return rows;
    }

    /** sau's rows, each with the matching PyTorch number and the ratio added where one exists. */
    public static List<Map<String, Object>> sideBySide(List<Map<String, Object>> sau, List<Map<String, Object>> torch) {
        final List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> row : sau) {
            final Map<String, Object> merged = new LinkedHashMap<>(row);
            final Metric metric = METRICS.get(String.valueOf(row.get("bench")));
            final Map<String, Object> match = metric == null ? null : torch.stream().filter(t -> sameWorkload(row, t)).findFirst().orElse(null);
            if (match != null && row.get(metric.column()) instanceof Number ours && match.get(metric.column()) instanceof Number theirs) {
                merged.put("pytorch_" + metric.column(), theirs.doubleValue());
                merged.put("ratio", metric.higherIsBetter() ? ours.doubleValue() / theirs.doubleValue() : theirs.doubleValue() / ours.doubleValue());
                if (match.get("peak_rss_mb") != null) merged.put("pytorch_peak_rss_mb", match.get("peak_rss_mb"));
                if (match.get("blas") != null) merged.put("pytorch_blas", match.get("blas"));
                if (match.get("core_round_trip_ns") != null) merged.put("pytorch_core_round_trip_ns", match.get("core_round_trip_ns"));
            }
            out.add(merged);
        }
        return out;
    }

    private static boolean sameWorkload(Map<String, Object> sau, Map<String, Object> torch) {
        if (!String.valueOf(sau.get("bench")).equals(String.valueOf(torch.get("bench")))) return false;
        for (String key : List.of("size", "batch", "threads", "n", "length")) {
            if (sau.containsKey(key) && torch.containsKey(key) && ((Number) sau.get(key)).doubleValue() != ((Number) torch.get(key)).doubleValue()) return false;
        }
        for (String key : List.of("layer", "activation", "precision")) {
            if (sau.containsKey(key) && !String.valueOf(sau.get(key)).equals(String.valueOf(torch.get(key)))) return false;
        }
        return true;
    }

    /**
     * The OpenBLAS kernels PyTorch's matrix products should use: {@code set} (the user's
     * {@code OPENBLAS_CORETYPE}) if there is one, else SkylakeX's where the CPU has AVX-512, else
     * OpenBLAS's own choice (null). OpenBLAS 0.3.21, Debian 12's, takes a Zen 4 or Zen 5 for a
     * Haswell and runs its AVX2 kernels there at half the speed of its AVX-512 ones (128 against
     * 241 GFLOP/s on one Zen 5 core at 2048³), which would flatter sau.
     */
    static String openblasCoretype(String set, String cpuFlags) {
        if (set != null && !set.isBlank()) return set;
        return (" " + cpuFlags + " ").contains(" avx512f ") ? "SkylakeX" : null;
    }

    /** The CPU's feature flags as Linux lists them, or "" where there is no /proc/cpuinfo. */
    private static String cpuFlags() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("flags")).findFirst().map(l -> l.substring(l.indexOf(':') + 1)).orElse("");
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    /** What a failed PyTorch run most likely means, by its exit status. */
    static String failure(int status, String openblasCoretype) {
        if (status == 128 + 4) { // SIGILL: an instruction this CPU does not have
            return "the PyTorch benchmark died of an illegal instruction (exit 132)" + (openblasCoretype == null
                    ? ": one of its libraries was built for a newer CPU than this one"
                    : ": OPENBLAS_CORETYPE=" + openblasCoretype + " may name a CPU newer than this one (SkylakeX needs AVX-512); unset it or set it to Haswell");
        }
        return "the PyTorch benchmark failed (exit " + status + "); is PyTorch installed? apt-get install python3-torch python3-torchvision";
    }
}
