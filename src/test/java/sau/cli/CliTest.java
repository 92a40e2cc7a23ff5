package sau.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end: train a tiny run, evaluate it, and the one-line errors. */
class CliTest {

    /** Runs bin/sau's main with {@code args}; returns the exit status, stdout and stderr. */
    record Result(int status, String out, String err) {}

    static Result run(String... args) {
        final PrintStream oldOut = System.out, oldErr = System.err;
        final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Result(Main.run(args), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void trainThenEvaluateOnTheBundledSubset(@TempDir Path dir) throws Exception {
        final Result train = run("train", "configs/default.json", "--set", "logging.runs_dir=" + dir, "--set", "epochs=1",
                "--set", "dataset.train_limit=1000", "--set", "dataset.test_limit=300", "--progress", "none");
        assertEquals(0, train.status(), train.err());
        assertTrue(train.out().startsWith("final test accuracy"), train.out());
        final Path run = dir.resolve("default");
        assertTrue(Files.exists(run.resolve("config.json")) && Files.exists(run.resolve("metrics.jsonl")));
        final Result eval = run("eval", run.toString());
        assertEquals(0, eval.status(), eval.err());
        assertTrue(eval.out().contains("(300 images)") && eval.out().contains("top-1"), eval.out());
        // a second run of the same config goes to a new folder instead of overwriting
        assertEquals(0, run("train", "configs/default.json", "--set", "logging.runs_dir=" + dir, "--set", "epochs=1",
                "--set", "dataset.train_limit=200", "--set", "dataset.test_limit=100", "--progress", "none").status());
        assertTrue(Files.exists(dir.resolve("default-2").resolve("metrics.jsonl")));
    }

    @Test
    void mistakesAreOneLineWithStatusTwo(@TempDir Path dir) throws Exception {
        final Result bad = run("train", "configs/default.json", "--set", "optimizer.name=sdg");
        assertEquals(2, bad.status());
        assertEquals("sau train: configs/default.json: optimizer.name: \"sdg\" is not one of sgd, adam, adamw", bad.err().strip());
        final Result missing = run("train", "configs/default.json", "--set", "dataset.path=" + dir.resolve("nowhere"), "--set", "logging.runs_dir=" + dir);
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("nowhere: no such directory") && missing.err().contains("fetch-fashion-mnist.sh"), missing.err());
        assertEquals(2, run("frobnicate").status());
        assertEquals(2, run("train", "--bogus").status());
        assertEquals(0, run("train", "--help").status());
        final Result act = run("train", "configs/default.json", "--set", "model.activation=sau(beta=2)");
        assertEquals(2, act.status());
        assertTrue(act.err().contains("model.activation:") && act.err().contains("alpha"), act.err());
        // A mistyped name after a real one is refused before the real one runs: here gemm would
        // fail first, on its --sizes that lacks a value.
        final Result bench = run("bench", "gemm", "gemm2", "--sizes");
        assertEquals(2, bench.status());
        assertTrue(bench.err().contains("unknown benchmark \"gemm2\""), bench.err());
        final Result rounds = run("bench", "peak", "--rounds", "three");
        assertEquals(2, rounds.status());
        assertTrue(rounds.err().contains("--rounds needs a whole number") && rounds.err().contains("\"three\""), rounds.err());
        assertEquals(2, run("bench", "peak", "--rounds", "0").status());
    }
}
