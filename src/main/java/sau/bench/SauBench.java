package sau.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import sau.backend.cpu.Parallel;
import sau.backend.cpu.SauKernel;
import sau.backend.cpu.SauVariant;

/**
 * The SAU activation's forward and backward kernels on 16M floats (16·2^20), against the memory
 * traffic they cannot avoid.
 *
 * <p>An elementwise kernel on data this big (64 MB per array) is at best limited by memory
 * bandwidth, so the figure of merit is effective GB/s: the bytes that must move divided by the
 * time. Forward must read x and write y (8 bytes per element); backward must read x and gradY
 * and write gradX (12 bytes per element): 20 bytes per element, 335.5 MB for both. Write
 * allocation (the cache reading a line before it is overwritten) is not counted. The
 * {@code bound_ms} column times the same traffic with no arithmetic ({@code y = x} and
 * {@code gradX = x·gradY}), which is what this machine's memory allows; {@code x_bound} is the
 * kernels' time over that ({@code 1} would be as fast as memory allows), {@code pct_of_bound} its
 * inverse in percent.
 *
 * <p>Two cases: n = 20000 (the paper's default) with x ~ N(0, 1), where almost every n·x is
 * far out in the tails, SAU is exactly LeakyReLU there and the kernels take their saturated
 * fast path (memory-bound), and n = 1, where every element needs the exponential and the
 * whole erf (compute-bound). α is
 * one per layer and trainable, n is fixed (no ∂L/∂n), the PAPER variant. Arguments:
 * {@code --n VALUE} to run one n only; {@code --json} for JSON lines ({@link #main} only).
 */
public final class SauBench {

    private static final int SIZE = 16 << 20;
    private static final double BYTES = 20.0 * SIZE;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private SauBench() {}

    public static void main(String[] args) {
        final List<String> list = List.of(args);
        new Table().addAll(run(list)).print(System.out, list.contains("--json"));
    }

    /** One row per n and thread count. */
    public static List<Map<String, Object>> run(List<String> args) {
        final float[] ns = nValues(args);
        final SplittableRandom rng = new SplittableRandom(1);
        final float[] x = new float[SIZE];
        final float[] gradY = new float[SIZE];
        for (int i = 0; i < SIZE; i++) {
            x[i] = (float) rng.nextGaussian();
            gradY[i] = (float) rng.nextGaussian();
        }
        final float[] y = new float[SIZE];
        final float[] gradX = new float[SIZE];
        final List<Map<String, Object>> rows = new ArrayList<>();
        final int saved = Parallel.threads();
        try {
            for (int threads : PeakBench.threadCounts()) {
                Parallel.setThreads(threads);
                final Measure.Timing bound = Measure.time(() -> {
                    copy(x, y);
                    multiply(x, gradY, gradX);
                });
                for (float n : ns) {
                    final float[] alpha = {0.15f};
                    final float[] gradAlpha = new float[1];
                    final Measure.Timing fwd = Measure.time(() ->
                            SauKernel.forward(x, 0, y, 0, 1, 1, SIZE, alpha, n, SauVariant.PAPER));
                    final Measure.Timing bwd = Measure.time(() ->
                            SauKernel.backward(x, 0, gradY, 0, gradX, 0, 1, 1, SIZE, alpha, n, SauVariant.PAPER,
                                    gradAlpha, null));
                    final double total = fwd.median() + bwd.median();
                    rows.add(Table.row(
                            "bench", "sau",
                            "n", (double) n,
                            "threads", threads,
                            "fwd_ms", fwd.median() * 1e3,
                            "bwd_ms", bwd.median() * 1e3,
                            "total_ms", total * 1e3,
                            "spread_pct", 100 * Math.max(fwd.spread(), bwd.spread()),
                            "GB/s", BYTES / total * 1e-9,
                            "bound_ms", bound.median() * 1e3,
                            "x_bound", total / bound.median(),
                            "pct_of_bound", 100 * bound.median() / total));
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
        return rows;
    }

    private static float[] nValues(List<String> args) {
        final int at = args.indexOf("--n");
        if (at < 0) return new float[] {20000f, 1f};
        if (at + 1 >= args.size()) throw new IllegalArgumentException("--n needs a value, e.g. 20000");
        return new float[] {Float.parseFloat(args.get(at + 1))};
    }

    /** The forward kernel's unavoidable traffic with no arithmetic. */
    private static void copy(float[] from, float[] to) {
        Parallel.forRange(from.length, 1 << 16, (start, end) -> System.arraycopy(from, start, to, start, end - start));
    }

    /** The backward kernel's unavoidable traffic with almost no arithmetic. */
    private static void multiply(float[] a, float[] b, float[] out) {
        Parallel.forRange(a.length, 1 << 16, (start, end) -> {
            int i = start;
            for (final int bound = start + S.loopBound(end - start); i < bound; i += S.length()) {
                FloatVector.fromArray(S, a, i).mul(FloatVector.fromArray(S, b, i)).intoArray(out, i);
            }
            for (; i < end; i++) out[i] = a[i] * b[i];
        });
    }
}
