package sau.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sau.tensor.Generator;

/**
 * A translation run through the command line on a made-up language pair: train, resume with the
 * same numbers, score the test split (greedy and beam BLEU), translate from stdin, and the
 * message for missing data.
 */
class TranslationRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] EN = {"red", "green", "blue", "small", "big", "house", "tree", "car", "dog", "cat"};
    private static final String[] DE = {"rot", "grün", "blau", "klein", "groß", "Haus", "Baum", "Auto", "Hund", "Katze"};

    private record Result(int status, String out, String err) {}

    private static Result run(String stdin, String... args) {
        final PrintStream oldOut = System.out, oldErr = System.err;
        final InputStream oldIn = System.in;
        final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            return new Result(Main.run(args), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    /** Word-for-word "translations" of random two- to four-word phrases, split into train/valid/test files. */
    private static void writeCorpus(Path dir) throws Exception {
        final Generator g = new Generator(5);
        for (String split : new String[] {"train", "valid", "test"}) {
            final int n = split.equals("train") ? 300 : 20;
            final List<String> en = new ArrayList<>(), de = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                final StringBuilder e = new StringBuilder(), d = new StringBuilder();
                for (int w = 0, len = 2 + g.nextInt(3); w < len; w++) {
                    final int k = g.nextInt(EN.length);
                    e.append(w > 0 ? " " : "").append(EN[k]);
                    d.append(w > 0 ? " " : "").append(DE[k]);
                }
                en.add(e.toString());
                de.add(d.toString());
            }
            Files.write(dir.resolve(split + ".en"), en);
            Files.write(dir.resolve(split + ".de"), de);
        }
    }

    private static String[] trainArgs(Path data, Path runs, int epochs, String... extra) {
        final List<String> a = new ArrayList<>(List.of("train", "configs/transformer-ding-small.json",
                "--set", "dataset.path=" + data, "--set", "logging.runs_dir=" + runs, "--set", "epochs=" + epochs, "--progress", "none",
                "--set", "model.options={\"d_model\": 32, \"nhead\": 2, \"num_encoder_layers\": 1, \"num_decoder_layers\": 1, \"dim_feedforward\": 64, \"dropout\": 0.1, \"max_len\": 48}",
                "--set", "translation.bpe_merges=40", "--set", "translation.max_tokens=256", "--set", "translation.bleu_sentences=10",
                "--set", "schedule.warmup_steps=20", "--set", "optimizer.lr=0.003", "--set", "checkpoint.every_steps=3"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void trainResumeScoreAndTranslate(@TempDir Path dir) throws Exception {
        final Path data = Files.createDirectories(dir.resolve("data"));
        writeCorpus(data);
        final Result full = run("", trainArgs(data, dir.resolve("a"), 3));
        assertEquals(0, full.status(), full.err());
        final Path runDir = dir.resolve("a/transformer-ding-small");
        final List<String> metrics = Files.readAllLines(runDir.resolve("metrics.jsonl"));
        assertEquals(3, metrics.size());
        final double first = JSON.readTree(metrics.get(0)).get("valid_loss").asDouble(), last = JSON.readTree(metrics.get(2)).get("valid_loss").asDouble();
        assertTrue(last < first - 0.5, "validation loss should fall: " + first + " -> " + last);
        assertTrue(full.out().contains("test greedy (20 sentences): BLEU = ") && full.out().contains("test beam (beam 4"), full.out());
        final JsonNode test = JSON.readTree(runDir.resolve("test.json").toFile());
        assertTrue(test.has("greedy_bleu") && test.has("beam_bleu"), test.toString());
        assertEquals(20, Files.readAllLines(runDir.resolve("test.beam.txt")).size());

        // one epoch, then back to its mid-epoch checkpoint (as if killed there), then resumed to three:
        // the same numbers as the uninterrupted run
        assertEquals(0, run("", trainArgs(data, dir.resolve("b"), 1)).status());
        final Path checkpoints = dir.resolve("b/transformer-ding-small/checkpoints");
        final List<Path> kept;
        try (var s = Files.list(checkpoints)) {
            kept = s.filter(p -> p.getFileName().toString().startsWith("step-")).sorted().toList();
        }
        assertEquals(2, kept.size());
        try (var s = Files.walk(kept.get(1))) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
        Files.writeString(checkpoints.resolve("latest"), kept.get(0).getFileName() + "\n");
        final JsonNode midEpoch = JSON.readTree(kept.get(0).resolve("state.json").toFile());
        assertEquals(0, midEpoch.get("epoch").asInt());
        assertTrue(midEpoch.get("nextBatch").asInt() > 0, midEpoch.toString());
        final Result resumed = run("", "train", "--resume", dir.resolve("b/transformer-ding-small").toString(), "--set", "epochs=3", "--progress", "none");
        assertEquals(0, resumed.status(), resumed.err());
        final List<String> again = Files.readAllLines(dir.resolve("b/transformer-ding-small/metrics.jsonl"));
        for (int e = 0; e < 3; e++) {
            assertEquals(JSON.readTree(metrics.get(e)).get("train_loss").asDouble(), JSON.readTree(again.get(e)).get("train_loss").asDouble(), 0.0, "epoch " + (e + 1));
            assertEquals(JSON.readTree(metrics.get(e)).get("valid_loss").asDouble(), JSON.readTree(again.get(e)).get("valid_loss").asDouble(), 0.0, "epoch " + (e + 1));
        }

        final Result translated = run("red house\nbig dog\n", "translate", runDir.toString(), "--greedy");
        assertEquals(0, translated.status(), translated.err());
        assertEquals(2, translated.out().lines().count(), translated.out());
        final Result eval = run("", "eval", runDir.toString());
        assertEquals(0, eval.status(), eval.err());
        assertTrue(eval.out().contains("test beam"), eval.out());
    }

    @Test
    void missingDingPairsSayHowToMakeThem(@TempDir Path dir) {
        final Result r = run("", "train", "configs/transformer-ding-small.json", "--set", "dataset.path=" + dir.resolve("ding-en-de"),
                "--set", "logging.runs_dir=" + dir);
        assertEquals(2, r.status());
        assertTrue(r.err().contains("train.en is missing") && r.err().contains("datasets/ding-to-pairs.py"), r.err());
    }
}
