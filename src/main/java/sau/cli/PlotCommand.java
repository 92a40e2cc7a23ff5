package sau.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import sau.config.ConfigLoader;
import sau.study.Plots;
import sau.study.RunLog;
import sau.study.Study;
import sau.study.StudyResults;

/** {@code bin/sau plot RUN_DIR|STUDY_DIR} and {@code bin/sau plot activation SPEC...}. */
final class PlotCommand implements Main.Command {

    static final String DEFAULT_ACTIVATION_FILE = "runs/activations";

    @Override
    public String summary() {
        return "draw a run's or a study's curves, or activation functions, as PNG and SVG";
    }

    @Override
    public String help() {
        return """
            usage: bin/sau plot RUN_DIR|STUDY_DIR [--out DIR]
                   bin/sau plot activation SPEC... [--range FROM,TO] [--out FILE]

            From a run folder's or a study folder's metrics.jsonl logs, draws accuracy.png (train and
            test accuracy per epoch; for a study, one line per activation with a band of +/- 1 std
            over seeds), loss.png and lr.png, each with an SVG beside it, into DIR (default:
            the folder's plots/). A study also gets activations.png, the paper's Figure 1. A detector's
            run gets map.png (the test mAP@0.5 of each evaluated epoch) instead of accuracy.png.

            "plot activation" draws the given activation specs and their derivatives, e.g.
              bin/sau plot activation "sau(n=1)" "sau(n=5)" "leaky_relu(0.15)"
            into FILE.png and FILE.svg (default: %s), over x in FROM..TO (default: -3,3).
            """.formatted(DEFAULT_ACTIVATION_FILE);
    }

    @Override
    public int run(List<String> argList) throws IOException {
        final Args args = new Args(argList);
        final String out = args.value("--out");
        final String range = args.value("--range");
        final List<String> positional = args.positional();
        if (positional.isEmpty()) throw new UserError("give a run or study folder, or \"activation\" and specs (see --help)");
        if (positional.get(0).equals("activation")) {
            final List<String> specs = new ArrayList<>();
            for (String p : positional.subList(1, positional.size())) specs.addAll(CompareCommand.specs(p));
            if (specs.isEmpty()) throw new UserError("plot activation needs at least one spec, e.g. bin/sau plot activation \"sau(n=1)\" leaky_relu(0.15)");
            final double[] xs = range(range);
            final Path file = Path.of(out != null ? out : DEFAULT_ACTIVATION_FILE);
            try {
                Plots.activations(specs, xs[0], xs[1], file);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            System.out.println("sau plot: wrote " + file + ".png and " + file + ".svg");
            return 0;
        }
        if (range != null) throw new UserError("--range is for plot activation");
        if (positional.size() != 1) throw new UserError("one folder at a time, got " + positional);
        final Path dir = Path.of(positional.get(0));
        final Path outDir = out != null ? Path.of(out) : dir.resolve("plots");
        if (Study.isStudy(dir)) {
            final StudyResults results = StudyResults.read(dir);
            if (results.completeRuns() == 0) throw new UserError(dir + ": no run of the study is complete yet");
            Plots.study(results, outDir);
        } else if (Files.exists(dir.resolve("metrics.jsonl"))) {
            final RunLog log = RunLog.read(dir);
            if (log.isEmpty()) throw new UserError(dir + ": metrics.jsonl has no epochs yet");
            final Path config = dir.resolve("config.json");
            final String label = Files.exists(config) ? ConfigLoader.load(config, List.of()).model().activation() : dir.getFileName().toString();
            Plots.run(log, label, outDir);
        } else {
            throw new UserError(dir + " is neither a run folder (metrics.jsonl) nor a study folder (study.json)");
        }
        System.out.println("sau plot: wrote the plots of " + dir + " into " + outDir);
        return 0;
    }

    private static double[] range(String range) {
        if (range == null) return new double[] {-3, 3};
        final String[] parts = range.split(",");
        try {
            if (parts.length == 2) {
                final double from = Double.parseDouble(parts[0].trim()), to = Double.parseDouble(parts[1].trim());
                if (from < to) return new double[] {from, to};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserError("--range " + range + ": expected FROM,TO with FROM < TO, e.g. --range -4,4");
    }
}
