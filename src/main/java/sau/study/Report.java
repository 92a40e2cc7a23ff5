package sau.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The study's tables, written into its folder:
 * <ul>
 *   <li>{@code results.csv} and the first table of {@code report.md}: the final test accuracy of
 *       each activation as mean ± sample std over seeds (the paper's Tables 1–7), with its range,
 *       the final test loss and the best epoch's accuracy;</li>
 *   <li>{@code winloss.md} and {@code winloss.csv}: every SAU spec against every other activation,
 *       win/tie/loss by overlapping ±1 std intervals (the paper's Table 8) and a paired t-test over
 *       the seeds both finished, so the reader sees whether a difference is beyond seed noise;</li>
 *   <li>the learned activation parameters (SAU's α, PReLU's slopes) after the last epoch, mean ±
 *       std over seeds, in {@code report.md}.</li>
 * </ul>
 * "The final test metric" is the test accuracy after the last epoch, not the best epoch's:
 * picking the best epoch on the test set would let the test set choose the model.
 */
public final class Report {

    /** Below this p-value a difference is marked significant. */
    public static final double SIGNIFICANCE = 0.05;

    private Report() {}

    /** One activation's row of the results table. */
    record Row(String activation, Stats.Summary testAcc, Stats.Summary testLoss, Stats.Summary bestAcc) {}

    /** One line of the win/tie/loss table; {@code test} is null with fewer than two paired seeds. */
    record Versus(String sau, String baseline, Stats.Summary sauAcc, Stats.Summary baselineAcc, WinTieLoss result, Stats.PairedTest test) {}

    /** Writes report.md, results.csv, winloss.md and winloss.csv into the study folder. */
    public static void write(StudyResults results) throws IOException {
        final List<Row> rows = rows(results);
        final List<Versus> versus = versus(results);
        final Path dir = results.dir();
        Files.writeString(dir.resolve("results.csv"), resultsCsv(rows));
        Files.writeString(dir.resolve("winloss.md"), "# SAU against each baseline\n\n" + winLossMarkdown(versus));
        Files.writeString(dir.resolve("winloss.csv"), winLossCsv(versus));
        Files.writeString(dir.resolve("report.md"), reportMarkdown(results, rows, versus));
    }

    static List<Row> rows(StudyResults results) {
        final List<Row> rows = new ArrayList<>();
        results.complete().forEach((activation, runs) -> {
            if (runs.isEmpty()) return;
            final List<RunLog> logs = List.copyOf(runs.values());
            rows.add(new Row(activation,
                    Stats.Summary.of(logs.stream().mapToDouble(l -> l.last().testAcc()).toArray()),
                    Stats.Summary.of(logs.stream().mapToDouble(l -> l.last().testLoss()).toArray()),
                    Stats.Summary.of(logs.stream().mapToDouble(RunLog::bestTestAcc).toArray())));
        });
        return rows;
    }

    /** Every SAU spec of the study against every activation of another family. */
    static List<Versus> versus(StudyResults results) {
        final List<Versus> out = new ArrayList<>();
        final List<String> activations = results.study().activations();
        for (String sau : activations) {
            if (!Study.family(sau).equals("sau") || results.complete().get(sau).isEmpty()) continue;
            final Map<Long, Double> sauAcc = results.finalTestAcc(sau);
            for (String baseline : activations) {
                if (Study.family(baseline).equals("sau") || results.complete().get(baseline).isEmpty()) continue;
                final Map<Long, Double> baseAcc = results.finalTestAcc(baseline);
                final Stats.Summary s = Stats.Summary.of(sauAcc.values().stream().mapToDouble(Double::doubleValue).toArray());
                final Stats.Summary b = Stats.Summary.of(baseAcc.values().stream().mapToDouble(Double::doubleValue).toArray());
                final List<Long> paired = sauAcc.keySet().stream().filter(baseAcc::containsKey).toList();
                final Stats.PairedTest test = paired.size() < 2 ? null
                        : Stats.pairedTTest(paired.stream().mapToDouble(sauAcc::get).toArray(), paired.stream().mapToDouble(baseAcc::get).toArray());
                out.add(new Versus(sau, baseline, s, b, WinTieLoss.of(s, b), test));
            }
        }
        return out;
    }

    static String resultsMarkdown(List<Row> rows) {
        final StringBuilder sb = new StringBuilder();
        sb.append("| activation | runs | final test acc (%) | min | max | final test loss | best-epoch test acc (%) |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row r : rows) {
            sb.append("| ").append(r.activation()).append(" | ").append(r.testAcc().n())
                    .append(" | ").append(pm(r.testAcc(), 100, 2))
                    .append(" | ").append(fixed(100 * r.testAcc().min(), 2))
                    .append(" | ").append(fixed(100 * r.testAcc().max(), 2))
                    .append(" | ").append(pm(r.testLoss(), 1, 4))
                    .append(" | ").append(pm(r.bestAcc(), 100, 2)).append(" |\n");
        }
        return sb.toString();
    }

    static String resultsCsv(List<Row> rows) {
        final StringBuilder sb = new StringBuilder("activation,runs,test_acc_mean,test_acc_std,test_acc_min,test_acc_max,test_loss_mean,test_loss_std,best_test_acc_mean,best_test_acc_std\n");
        for (Row r : rows) {
            sb.append(csv(r.activation())).append(',').append(r.testAcc().n())
                    .append(',').append(fixed(100 * r.testAcc().mean(), 4)).append(',').append(fixed(100 * r.testAcc().std(), 4))
                    .append(',').append(fixed(100 * r.testAcc().min(), 4)).append(',').append(fixed(100 * r.testAcc().max(), 4))
                    .append(',').append(fixed(r.testLoss().mean(), 6)).append(',').append(fixed(r.testLoss().std(), 6))
                    .append(',').append(fixed(100 * r.bestAcc().mean(), 4)).append(',').append(fixed(100 * r.bestAcc().std(), 4)).append('\n');
        }
        return sb.toString();
    }

    static String winLossMarkdown(List<Versus> versus) {
        if (versus.isEmpty()) return "No SAU activation with complete runs in this study, so there is nothing to compare it with.\n";
        final StringBuilder sb = new StringBuilder();
        sb.append("Final test accuracy (%), mean ± std over seeds. Tie: the ±1 std intervals overlap. ")
                .append("Paired t-test over the seeds both finished; * marks p < ").append(SIGNIFICANCE).append(".\n\n");
        sb.append("| SAU | baseline | SAU acc (%) | baseline acc (%) | difference | result | t (df) | p |\n");
        sb.append("| --- | --- | ---: | ---: | ---: | --- | ---: | ---: |\n");
        for (Versus v : versus) {
            sb.append("| ").append(v.sau()).append(" | ").append(v.baseline())
                    .append(" | ").append(pm(v.sauAcc(), 100, 2)).append(" | ").append(pm(v.baselineAcc(), 100, 2))
                    .append(" | ").append(signed(100 * (v.sauAcc().mean() - v.baselineAcc().mean()), 2))
                    .append(" | ").append(v.result().label())
                    .append(" | ").append(v.test() == null ? "n/a" : fixed(v.test().t(), 2) + " (" + v.test().df() + ")")
                    .append(" | ").append(v.test() == null ? "n/a" : fixed(v.test().p(), 4) + (v.test().p() < SIGNIFICANCE ? " *" : ""))
                    .append(" |\n");
        }
        sb.append('\n');
        final Map<String, int[]> tally = new LinkedHashMap<>();
        for (Versus v : versus) tally.computeIfAbsent(v.sau(), k -> new int[4])[v.result().ordinal()]++;
        for (Versus v : versus) if (v.test() != null && v.test().p() < SIGNIFICANCE) tally.get(v.sau())[3]++;
        tally.forEach((sau, t) -> sb.append(String.format(Locale.ROOT, "%s: %d win, %d tie, %d loss; %d of %d differences significant at p < %s.%n",
                sau, t[0], t[1], t[2], t[3], t[0] + t[1] + t[2], SIGNIFICANCE)));
        return sb.toString();
    }

    static String winLossCsv(List<Versus> versus) {
        final StringBuilder sb = new StringBuilder("sau,baseline,sau_acc_mean,sau_acc_std,baseline_acc_mean,baseline_acc_std,difference,result,pairs,t,df,p,significant\n");
        for (Versus v : versus) {
            final Stats.PairedTest t = v.test();
            sb.append(csv(v.sau())).append(',').append(csv(v.baseline()))
                    .append(',').append(fixed(100 * v.sauAcc().mean(), 4)).append(',').append(fixed(100 * v.sauAcc().std(), 4))
                    .append(',').append(fixed(100 * v.baselineAcc().mean(), 4)).append(',').append(fixed(100 * v.baselineAcc().std(), 4))
                    .append(',').append(fixed(100 * (v.sauAcc().mean() - v.baselineAcc().mean()), 4))
                    .append(',').append(v.result().label())
                    .append(',').append(t == null ? "" : t.n())
                    .append(',').append(t == null ? "" : fixed(t.t(), 4))
                    .append(',').append(t == null ? "" : t.df())
                    .append(',').append(t == null ? "" : fixed(t.p(), 6))
                    .append(',').append(t == null ? "" : t.p() < SIGNIFICANCE).append('\n');
        }
        return sb.toString();
    }

    /** The learned activation parameters after the last epoch, mean ± std over seeds; a per-channel one by its mean over channels. */
    static String learnedMarkdown(StudyResults results) {
        final StringBuilder sb = new StringBuilder();
        results.complete().forEach((activation, runs) -> {
            final Map<String, List<Double>> byName = new LinkedHashMap<>();
            final Map<String, Integer> channels = new LinkedHashMap<>();
            for (RunLog log : runs.values()) {
                log.last().activations().forEach((name, values) -> {
                    byName.computeIfAbsent(name, k -> new ArrayList<>()).add(Stats.mean(values));
                    channels.put(name, values.length);
                });
            }
            byName.forEach((name, values) -> {
                final String label = channels.get(name) == 1 ? name : name + " (mean of " + channels.get(name) + " channels)";
                sb.append("| ").append(activation).append(" | ").append(label).append(" | ").append(values.size())
                        .append(" | ").append(pm(Stats.Summary.of(values.stream().mapToDouble(Double::doubleValue).toArray()), 1, 4)).append(" |\n");
            });
        });
        if (sb.isEmpty()) return "No activation in this study has learned parameters.\n";
        return "| activation | parameter | runs | final value |\n| --- | --- | ---: | ---: |\n" + sb;
    }

    static String reportMarkdown(StudyResults results, List<Row> rows, List<Versus> versus) {
        final Study study = results.study();
        final StringBuilder sb = new StringBuilder();
        sb.append("# Activation study: ").append(results.dir().getFileName()).append("\n\n");
        sb.append("- config: `").append(study.config()).append('`');
        if (!study.overrides().isEmpty()) sb.append(" with `--set ").append(String.join("` `--set ", study.overrides())).append('`');
        sb.append('\n');
        sb.append("- model: `").append(results.base().model().name()).append("` ").append(results.base().model().options())
                .append("; dataset: `").append(results.base().dataset().name()).append("`; ").append(results.base().epochs()).append(" epochs\n");
        sb.append("- seeds: ").append(study.seeds()).append("; complete runs: ").append(results.completeRuns()).append(" of ").append(results.plannedRuns()).append('\n');
        if (!results.incomplete().isEmpty()) {
            sb.append("- incomplete runs, left out of the tables: ");
            sb.append(String.join(", ", results.incomplete().stream().map(p -> "`" + results.dir().relativize(p) + "`").toList())).append('\n');
        }
        sb.append("\n## Final test accuracy\n\n");
        sb.append("Test accuracy after the last epoch, mean ± sample standard deviation over seeds, its range, the final test loss, ")
                .append("and the best epoch's test accuracy (for reference only: choosing an epoch by the test set flatters it).\n\n");
        sb.append(resultsMarkdown(rows));
        sb.append("\n## SAU against each baseline\n\n").append(winLossMarkdown(versus));
        sb.append("\n## Learned activation parameters after the last epoch\n\n").append(learnedMarkdown(results));
        sb.append("\n## Plots\n\n");
        for (String plot : List.of("accuracy", "loss", "lr", "activations")) sb.append("![").append(plot).append("](plots/").append(plot).append(".png)\n");
        return sb.toString();
    }

    /** {@code mean ± std} of the values times {@code scale}; the mean alone when one run leaves the std undefined. */
    private static String pm(Stats.Summary s, double scale, int decimals) {
        final String mean = fixed(scale * s.mean(), decimals);
        return Double.isNaN(s.std()) ? mean : mean + " ± " + fixed(scale * s.std(), decimals);
    }

    private static String fixed(double v, int decimals) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String signed(double v, int decimals) {
        return String.format(Locale.ROOT, "%+." + decimals + "f", v);
    }

    /** A CSV field: quoted when the spec holds a comma, e.g. {@code "sau(n=1, alpha=0.2)"}. */
    private static String csv(String field) {
        return field.contains(",") || field.contains("\"") ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
    }
}
