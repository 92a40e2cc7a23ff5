package sau.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import sau.study.Plots;
import sau.study.Report;
import sau.study.Study;
import sau.study.StudyError;
import sau.study.StudyResults;
import sau.study.StudyRunner;

/** {@code bin/sau compare CONFIG --activations LIST --seeds N}: the activation study of one config. */
final class CompareCommand implements Main.Command {

    /** The paper's comparison: SAU and the eight baselines of its tables. */
    static final String PAPER_ACTIVATIONS = "relu,swish,leaky_relu,elu,softplus,gelu,prelu,relu6,sau";
    static final int DEFAULT_SEEDS = 3;

    @Override
    public String summary() {
        return "train a config with several activations and seeds, then tabulate and plot them";
    }

    @Override
    public String help() {
        return """
            usage: bin/sau compare CONFIG [--activations LIST] [--seeds N | --seed-list K,K,...] [--name NAME]
                                          [--set key=value ...] [--parallel P] [--threads N] [--progress MODE]
                   bin/sau compare --resume STUDY_DIR [--parallel P] [--threads N] [--progress MODE]
                   bin/sau compare --report STUDY_DIR

            Trains CONFIG once for every activation and seed, into runs/<NAME>/<activation>/seed-<k>/
            (ordinary run folders), then writes into runs/<NAME>/: report.md and results.csv (final
            test accuracy, mean +/- std over seeds, per activation), winloss.md and winloss.csv (SAU
            against each baseline: win/tie/loss by overlapping +/-1 std intervals and a paired t-test
            over seeds), the learned SAU alpha per layer, and plots/ (accuracy, loss, learning rate
            and activation shapes, as PNG and SVG).

            Running the same command again, or --resume, skips finished runs and resumes an
            interrupted one from its last checkpoint. The same command with more seeds or
            activations extends the study.

              --activations LIST  activation specs separated by commas; commas inside parentheses
                                  belong to the spec, e.g. relu,sau(n=1, alpha=0.2),elu
                                  (default: %s)
              --seeds N           seeds 0..N-1 (default: %d)
              --seed-list K,...   these seeds instead
              --name NAME         the study folder's name (default: the config's name + "-study")
              --set key=value     override a field of CONFIG for every run (repeatable)
              --parallel P        train P runs at once, each in a bin/sau train process with
                                  cores/P threads (default: 1, one after another in this process)
              --threads N         CPU threads per run
              --progress MODE     bar, lines or none, for runs in this process
              --resume DIR        continue the study in DIR with the settings in its study.json
              --report DIR        only write the tables and plots of the runs in DIR so far
            """.formatted(PAPER_ACTIVATIONS, DEFAULT_SEEDS);
    }

    @Override
    public int run(List<String> argList) throws IOException, InterruptedException {
        final Args args = new Args(argList);
        final String resume = args.value("--resume");
        final String report = args.value("--report");
        final String activations = args.value("--activations");
        final String seeds = args.value("--seeds");
        final String seedList = args.value("--seed-list");
        final String name = args.value("--name");
        final List<String> overrides = args.all("--set");
        final int parallel = positiveInt(args.value("--parallel"), "--parallel", 1);
        final int threads = positiveInt(args.value("--threads"), "--threads", 0);
        final String progress = args.value("--progress");
        final List<String> positional = args.positional();
        if (progress != null && !List.of("bar", "lines", "none").contains(progress)) throw new UserError("--progress " + progress + ": expected bar, lines or none");
        try {
            if (report != null) {
                if (!positional.isEmpty() || resume != null) throw new UserError("--report takes only the study folder");
                return writeReport(studyDir(report));
            }
            final Path dir;
            if (resume != null) {
                if (!positional.isEmpty() || activations != null || seeds != null || seedList != null || name != null || !overrides.isEmpty()) {
                    throw new UserError("--resume takes the study's settings from its study.json; to change them, run the first command again with new ones");
                }
                dir = studyDir(resume);
            } else {
                if (positional.size() != 1) throw new UserError("give one config file, e.g. bin/sau compare configs/study-fashion-mnist.json (see --help)");
                if (seeds != null && seedList != null) throw new UserError("give --seeds or --seed-list, not both");
                dir = StudyRunner.prepare(Path.of(positional.get(0)), name, overrides, specs(activations == null ? PAPER_ACTIVATIONS : activations), seedsOf(seeds, seedList));
            }
            final StudyRunner.Outcome outcome = new StudyRunner(dir, new StudyRunner.Options(parallel, threads, progress), System.err).run();
            final int status = writeReport(dir);
            if (!outcome.failed().isEmpty()) {
                System.err.println("sau compare: " + outcome.failed().size() + " run(s) stopped with an error and are left out of the tables: " + String.join("; ", outcome.failed())
                        + ". Fix the cause and run bin/sau compare --resume " + dir);
                return 1;
            }
            return status;
        } catch (StudyError e) {
            throw new UserError(e.getMessage());
        }
    }

    private static int writeReport(Path dir) throws IOException {
        final StudyResults results = StudyResults.read(dir);
        if (results.completeRuns() == 0) {
            System.err.println("sau compare: no run of " + dir + " is complete yet; nothing to report");
            return 0;
        }
        Report.write(results);
        Plots.study(results, dir.resolve("plots"));
        System.out.print(Files.readString(dir.resolve("report.md")).lines()
                .takeWhile(l -> !l.startsWith("## Learned")).reduce("", (a, b) -> a + b + "\n"));
        System.out.println("sau compare: wrote " + dir.resolve("report.md") + ", results.csv, winloss.md, winloss.csv and plots/");
        return 0;
    }

    private static Path studyDir(String dir) {
        final Path p = Path.of(dir);
        if (!Study.isStudy(p)) throw new UserError(dir + " is not a study folder (it has no " + Study.FILE + "); start one with bin/sau compare CONFIG");
        return p;
    }

    static List<String> specs(String list) {
        try {
            return Study.splitTopLevel(list);
        } catch (IllegalArgumentException e) {
            throw new UserError("--activations: " + e.getMessage());
        }
    }

    static List<Long> seedsOf(String count, String list) {
        final List<Long> out = new ArrayList<>();
        if (list != null) {
            for (String s : list.split(",")) {
                try {
                    out.add(Long.parseLong(s.trim()));
                } catch (NumberFormatException e) {
                    throw new UserError("--seed-list " + list + ": \"" + s.trim() + "\" is not a whole number");
                }
            }
            return out;
        }
        final int n = positiveInt(count, "--seeds", DEFAULT_SEEDS);
        for (long k = 0; k < n; k++) out.add(k);
        return out;
    }

    private static int positiveInt(String value, String flag, int fallback) {
        if (value == null) return fallback;
        try {
            final int n = Integer.parseInt(value);
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below, with the flag's name
        }
        throw new UserError(flag + " " + value + ": expected a whole number of at least 1");
    }
}
