package sau.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import sau.backend.cpu.Gemm;
import sau.backend.cpu.Parallel;

/**
 * GFLOP/s of square single-precision GEMM ({@code C = A·B}, 2·n³ flops) on 1 thread and on all
 * threads, next to the measured FMA peak of the same thread count, so that the last column says
 * how much of the hardware the kernel uses.
 *
 * <p>Arguments: {@code --sizes 512,1024,2048} (the default), {@code --reference} to add the
 * scalar triple loop at the smallest size for contrast (timed once: it is slow).
 */
public final class GemmBench {

    private GemmBench() {}

    /** Prints the measured peak, then the GEMM rows; {@code --json} for JSON lines. */
    public static void main(String[] args) {
        final List<String> list = List.of(args);
        new Table().addAll(PeakBench.run(list)).addAll(run(list))
                .print(System.out, list.contains("--json"));
    }

    /** One row per size and thread count (and the reference, if asked). */
    public static List<Map<String, Object>> run(List<String> args) {
        final int[] sizes = sizes(args, 512, 1024, 2048);
        final List<Map<String, Object>> rows = new ArrayList<>();
        for (int threads : PeakBench.threadCounts()) {
            final double peak = PeakBench.peakGflops(threads);
            for (int n : sizes) rows.add(measure("gemm", n, threads, peak, false));
        }
        if (args.contains("--reference")) {
            rows.add(measure("gemm_reference", sizes[0], 1, PeakBench.peakGflops(1), true));
        }
        return rows;
    }

    private static Map<String, Object> measure(String name, int n, int threads, double peak,
                                               boolean reference) {
        final SplittableRandom rng = new SplittableRandom(n);
        final float[] a = RandomInputs.uniform(rng, n * n), b = RandomInputs.uniform(rng, n * n), c = new float[n * n];
        final int saved = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            final Runnable work = reference
                    ? () -> Gemm.gemmReference(false, false, n, n, n, a, 0, n, b, 0, n, 0f, c, 0, n)
                    : () -> Gemm.gemm(false, false, n, n, n, a, 0, n, b, 0, n, 0f, c, 0, n);
            final Measure.Timing t = reference
                    ? Measure.time(0, 0, 1, 1, work)
                    : Measure.time(work);
            final double gflops = 2.0 * n * n * n / t.median() * 1e-9;
            return Table.row(
                    "bench", name,
                    "size", n,
                    "threads", threads,
                    "ms", t.median() * 1e3,
                    "spread_pct", t.spread() * 100,
                    "GFLOP/s", gflops,
                    "pct_of_peak", 100 * gflops / peak);
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** The sizes of {@code --sizes 512,1024}, or {@code fallback} when it is not given. */
    static int[] sizes(List<String> args, int... fallback) {
        final int at = args.indexOf("--sizes");
        if (at < 0) return fallback;
        if (at + 1 >= args.size()) throw new IllegalArgumentException("--sizes needs a list, e.g. 512,1024");
        return Arrays.stream(args.get(at + 1).split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    }
}
