package sau.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import sau.backend.cpu.Parallel;

/**
 * Measures the machine's real FP32 peak: the rate at which each core retires vector fused
 * multiply-adds when nothing else limits it.
 *
 * <p>The loop keeps 12 independent accumulators in registers and updates each with one FMA per
 * iteration. An FMA takes 4–5 cycles to produce its result and a core starts up to two per
 * cycle, so 8–10 independent chains are needed to keep both units busy; 12 leaves margin and
 * still fits the 16 AVX2 registers with the two constant operands. The constants
 * keep the values small and normal (no overflow, no denormals, which could be slow). This is the
 * number a GEMM is compared against: it is what the hardware, through the JIT, can actually do.
 */
public final class PeakBench {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int CHAINS = 12;
    private static final int ITERATIONS = 10_000_000;

    /** Peak GFLOP/s by thread count, measured in this process. */
    private static final Map<Integer, Double> MEASURED = new HashMap<>();

    /** Keeps the JIT from discarding the loops as dead code. */
    private static volatile float sink;

    private PeakBench() {}

    /** Rows with the measured peak on 1 thread and on all {@link Parallel#threads()} threads. */
    public static synchronized List<Map<String, Object>> run(List<String> args) {
        final List<Map<String, Object>> rows = new ArrayList<>();
        for (int threads : threadCounts()) {
            final Measure.Timing t = timeFma(threads);
            final double gflops = flops(threads) / t.median() * 1e-9;
            MEASURED.put(threads, gflops);
            rows.add(Table.row(
                    "bench", "fma_peak",
                    "threads", threads,
                    "vector_bits", S.vectorBitSize(),
                    "ms", t.median() * 1e3,
                    "spread_pct", t.spread() * 100,
                    "GFLOP/s", gflops,
                    "GFLOP/s_per_core", gflops / threads));
        }
        return rows;
    }

    /**
     * The FP32 peak in GFLOP/s with {@code threads} threads each running the loop: measured once
     * per thread count and process, so that several benchmarks can compare against it.
     */
    public static synchronized double peakGflops(int threads) {
        return MEASURED.computeIfAbsent(threads, t -> flops(t) / timeFma(t).median() * 1e-9);
    }

    /** 1 and the pool size (just 1 when the pool has one thread). */
    static List<Integer> threadCounts() {
        final int all = Parallel.threads();
        return all == 1 ? List.of(1) : List.of(1, all);
    }

    private static Measure.Timing timeFma(int threads) {
        final int saved = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            return Measure.time(0.3, 1.0, 5, 50, () ->
                    Parallel.forChunks(threads, part -> sink = fmaChains(ITERATIONS)));
        } finally {
            Parallel.setThreads(saved);
        }
    }

    private static double flops(int threads) {
        return 2.0 * CHAINS * S.length() * ITERATIONS * threads;
    }

    /**
     * {@code CHAINS} independent chains of {@code acc = x·y + acc}, {@code iterations} long. The
     * accumulator is the addend, as in a GEMM, so each step is one in-place FMA instruction.
     */
    private static float fmaChains(int iterations) {
        final FloatVector x = FloatVector.broadcast(S, 0.5f);
        final FloatVector y = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 0.00f), a1 = FloatVector.broadcast(S, 0.01f);
        FloatVector a2 = FloatVector.broadcast(S, 0.02f), a3 = FloatVector.broadcast(S, 0.03f);
        FloatVector a4 = FloatVector.broadcast(S, 0.04f), a5 = FloatVector.broadcast(S, 0.05f);
        FloatVector a6 = FloatVector.broadcast(S, 0.06f), a7 = FloatVector.broadcast(S, 0.07f);
        FloatVector a8 = FloatVector.broadcast(S, 0.08f), a9 = FloatVector.broadcast(S, 0.09f);
        FloatVector a10 = FloatVector.broadcast(S, 0.10f), a11 = FloatVector.broadcast(S, 0.11f);
        for (int i = 0; i < iterations; i++) {
            a0 = x.fma(y, a0);
            a1 = x.fma(y, a1);
            a2 = x.fma(y, a2);
            a3 = x.fma(y, a3);
            a4 = x.fma(y, a4);
            a5 = x.fma(y, a5);
            a6 = x.fma(y, a6);
            a7 = x.fma(y, a7);
            a8 = x.fma(y, a8);
            a9 = x.fma(y, a9);
            a10 = x.fma(y, a10);
            a11 = x.fma(y, a11);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7)
                .add(a8).add(a9).add(a10).add(a11).reduceLanes(VectorOperators.ADD);
    }
}
