package sau.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import sau.translation.Decoding;
import sau.train.TranslationEvaluation;

/** {@code bin/sau translate RUN_DIR [--greedy] [--beam N] [--length-penalty A]}: stdin to stdout, one sentence per line. */
final class TranslateCommand implements Main.Command {

    /** Lines are translated in groups of this many, so output appears while input still streams in. */
    private static final int GROUP = 64;

    @Override
    public String summary() {
        return "translate lines from stdin with a trained translation run";
    }

    @Override
    public String help() {
        return """
            usage: bin/sau translate RUN_DIR [--greedy] [--beam N] [--length-penalty A]

            Reads source sentences from stdin, one per line, and writes their translations to
            stdout, one per line, in the same order. Uses the run's tokenizer (bpe.codes, vocab.txt)
            and weights (averaged.safetensors if the run averaged checkpoints, else its latest
            checkpoint). Decoding is beam search with the run's translation.beam and
            translation.length_penalty unless changed here; --greedy takes the most likely token
            at each step instead.

              echo "the house is small" | bin/sau translate runs/transformer-ding-small
            """;
    }

    @Override
    public int run(List<String> argList) throws Exception {
        final List<String> rest = new ArrayList<>(argList);
        final boolean greedy = rest.remove("--greedy");
        final Args args = new Args(rest);
        final String beamFlag = args.value("--beam");
        final String penaltyFlag = args.value("--length-penalty");
        final List<String> positional = args.positional();
        if (positional.size() != 1) throw new UserError("name one translation run folder (see --help)");
        final TranslationRuns.Loaded run = TranslationRuns.load(Path.of(positional.get(0)));
        final Decoding.Settings base = TranslationRuns.decoding(run.config());
        final Decoding.Settings settings;
        try {
            settings = new Decoding.Settings(beamFlag == null ? base.beam() : Integer.parseInt(beamFlag),
                    penaltyFlag == null ? base.lengthPenalty() : Double.parseDouble(penaltyFlag), base.maxLenA(), base.maxLenB());
        } catch (IllegalArgumentException e) {
            throw new UserError("--beam N needs a whole number ≥ 1 and --length-penalty A a number: " + e.getMessage());
        }
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            final List<String> group = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                group.add(line);
                if (group.size() == GROUP) flush(run, group, settings, greedy, out);
            }
            flush(run, group, settings, greedy, out);
        }
        return 0;
    }

    private static void flush(TranslationRuns.Loaded run, List<String> group, Decoding.Settings settings, boolean greedy, PrintStream out) {
        if (group.isEmpty()) return;
        for (String t : TranslationEvaluation.translate(run.model(), run.tokenizer(), group, settings, !greedy)) out.println(t);
        group.clear();
    }
}
