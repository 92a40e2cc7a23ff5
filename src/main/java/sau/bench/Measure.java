package sau.bench;

import java.util.Arrays;

/**
 * Times a workload the way benchmarks should: run it until the JIT has compiled it and the caches
 * are warm, then time repeated runs and report the median, which ignores the odd run slowed by
 * another process, together with the spread, which says how far to trust it.
 */
public final class Measure {

    /**
     * Seconds per run over {@code runs} timed runs: the median, the fastest, the slowest, and the
     * interquartile range (the middle half of the runs lies within it).
     */
    public record Timing(double median, double min, double max, double iqr, int runs) {

        /**
         * How noisy the runs were: the interquartile range as a fraction of the median. Unlike
         * {@code (max - min) / median} it is not blown up by one run that a JIT recompilation or
         * another process happened to slow down.
         */
        public double spread() {
            return iqr / median;
        }
    }

    /** Default budgets: about half a second of warm-up, then up to two seconds of timed runs. */
    public static final double WARMUP_SECONDS = 0.5;
    public static final double BUDGET_SECONDS = 2.0;

    /**
     * At most this many timed runs, as in {@code measure} of {@code src/bench/python/bench_torch.py},
     * so that a fast workload is timed over the same span of seconds in both. With 100 a 1.6 ms
     * product was timed over 0.16 s, where one pause of the machine moved its median by 2×, while
     * PyTorch's median came from 1000 runs.
     */
    public static final int MAX_RUNS = 1000;

    private Measure() {}

    /** Times {@code work} with the default budgets. */
    public static Timing time(Runnable work) {
        return time(WARMUP_SECONDS, BUDGET_SECONDS, work);
    }

    /** Times {@code work} with the given budgets, at least 3 and at most {@link #MAX_RUNS} timed runs. */
    public static Timing time(double warmupSeconds, double budgetSeconds, Runnable work) {
        return time(warmupSeconds, budgetSeconds, 3, MAX_RUNS, work);
    }

    /**
     * Runs {@code work} for at least {@code warmupSeconds} (and at least once) untimed, then
     * times it until {@code budgetSeconds} have passed or {@code maxRuns} runs are done, but at
     * least {@code minRuns} times.
     */
    public static Timing time(double warmupSeconds, double budgetSeconds, int minRuns, int maxRuns,
                              Runnable work) {
        if (minRuns < 1 || maxRuns < minRuns) {
            throw new IllegalArgumentException("need 1 <= minRuns <= maxRuns, got " + minRuns + ", " + maxRuns);
        }
        final long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        do {
            work.run();
        } while (System.nanoTime() < warmupEnd);

        final double[] seconds = new double[maxRuns];
        final long budgetEnd = System.nanoTime() + (long) (budgetSeconds * 1e9);
        int runs = 0;
        while (runs < maxRuns && (runs < minRuns || System.nanoTime() < budgetEnd)) {
            final long start = System.nanoTime();
            work.run();
            seconds[runs++] = (System.nanoTime() - start) * 1e-9;
        }
        final double[] sorted = Arrays.copyOf(seconds, runs);
        Arrays.sort(sorted);
        return new Timing(quantile(sorted, 0.5), sorted[0], sorted[runs - 1],
                quantile(sorted, 0.75) - quantile(sorted, 0.25), runs);
    }

    /** Linear interpolation between the two nearest ranks of a sorted array. */
    static double quantile(double[] sorted, double q) {
        final double rank = q * (sorted.length - 1);
        final int below = (int) Math.floor(rank);
        final int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}
