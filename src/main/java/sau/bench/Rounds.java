package sau.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several rounds of one benchmark folded into one row per workload.
 *
 * <p>This machine's speed drifts over seconds and minutes: the host moves the two cores closer
 * together or farther apart, and neighbours come and go. One run of sau's benchmark and one of
 * PyTorch's, seconds apart, can each land on a good or a bad stretch, and for a ratio near 1
 * (a matrix product against OpenBLAS) that decides the ratio as much as the code does. With
 * {@code bin/sau bench --rounds N --vs-pytorch} the two sides take turns, sau, PyTorch, sau,
 * PyTorch..., so both see the same mix of stretches, and each side's row is then the round with
 * its median number: one bad stretch on either side no longer decides the ratio.
 */
public final class Rounds {

    private Rounds() {}

    /**
     * For each workload (the i-th row of every round: a benchmark's rounds give the same rows in
     * the same order), the row of the round with the median result, with a {@code rounds} column
     * when there is more than one. With an even number of rounds the worse of the two middle
     * ones is taken. A row whose benchmark has no known result column
     * ({@link PyTorchBaseline#metric}) comes from the first round.
     */
    public static List<Map<String, Object>> median(List<List<Map<String, Object>>> rounds) {
        if (rounds.isEmpty()) return List.of();
        if (rounds.size() == 1) return rounds.get(0);
        final int count = rounds.get(0).size();
        for (List<Map<String, Object>> round : rounds) {
            if (round.size() != count) {
                throw new IllegalStateException("the rounds of a benchmark gave " + count + " and " + round.size() + " rows; they should give the same workloads");
            }
        }
        final List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final List<Map<String, Object>> rows = new ArrayList<>();
            for (List<Map<String, Object>> round : rounds) rows.add(round.get(i));
            final Map<String, Object> chosen = new LinkedHashMap<>(medianRow(rows));
            chosen.put("rounds", rounds.size());
            out.add(chosen);
        }
        return out;
    }

    private static Map<String, Object> medianRow(List<Map<String, Object>> rows) {
        final PyTorchBaseline.Metric metric = PyTorchBaseline.metric(String.valueOf(rows.get(0).get("bench")));
        if (metric == null || !rows.stream().allMatch(row -> row.get(metric.column()) instanceof Number)) return rows.get(0);
        // Worst first, so that the lower middle of an even count is the worse one.
        final Comparator<Map<String, Object>> worstFirst = Comparator.comparingDouble(row -> ((Number) row.get(metric.column())).doubleValue() * (metric.higherIsBetter() ? 1 : -1));
        final List<Map<String, Object>> sorted = new ArrayList<>(rows);
        sorted.sort(worstFirst);
        return sorted.get((sorted.size() - 1) / 2);
    }
}
