package sau.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole study on a minute MLP (8 hidden units, 200 training images of the bundled Fashion-MNIST
 * subset, 2 epochs, 2 activations × 2 seeds, well under a second per run), then interrupted
 * in the ways a real one can be, and resumed.
 */
class StudyRunnerTest {

    @TempDir
    Path tmp;

    private Path config() throws IOException {
        final Path file = tmp.resolve("tiny.json");
        Files.writeString(file, """
                {"name": "tiny", "model": {"name": "mlp", "options": {"hidden": [8]}},
                 "dataset": {"name": "fashion-mnist", "path": "datasets/fashion-mnist-small", "train_limit": 200, "test_limit": 100},
                 "batch_size": 50, "epochs": 2, "optimizer": {"name": "sgd", "lr": 0.05, "momentum": 0.9},
                 "logging": {"runs_dir": "%s", "progress": "none"}}
                """.formatted(tmp.resolve("runs").toString().replace("\\", "/")));
        return file;
    }

    private static StudyRunner.Outcome run(Path dir) throws Exception {
        return new StudyRunner(dir, new StudyRunner.Options(1, 0, "none"), new PrintStream(new ByteArrayOutputStream())).run();
    }

    /** Every run's metrics without the timings, which differ from one attempt to the next. */
    private static Map<Path, List<String>> numbers(Path dir, Study study) throws IOException {
        final Map<Path, List<String>> out = new LinkedHashMap<>();
        for (String a : study.activations()) {
            for (long s : study.seeds()) {
                final List<String> lines = new ArrayList<>();
                for (RunLog.Epoch e : RunLog.read(Study.runDir(dir, a, s)).epochs()) lines.add(e.epoch() + " " + e.trainLoss() + " " + e.testAcc() + " " + e.testLoss() + " " + e.activations().keySet());
                out.put(Study.runDir(dir, a, s), lines);
            }
        }
        return out;
    }

    @Test
    void trainsEveryPairThenSkipsFinishedAndResumesInterrupted() throws Exception {
        final Path dir = StudyRunner.prepare(config(), null, List.of(), List.of("relu", "sau(n=1)"), List.of(0L, 1L));
        assertEquals(tmp.resolve("runs").resolve("tiny-study"), dir);
        assertEquals(new StudyRunner.Outcome(4, 0, List.of()), run(dir));
        final Study study = Study.read(dir);
        final Map<Path, List<String>> first = numbers(dir, study);
        first.values().forEach(lines -> assertEquals(2, lines.size()));
        assertTrue(first.get(Study.runDir(dir, "sau(n=1)", 0)).get(1).contains("alpha"), "SAU's learned alpha is logged");
        assertEquals("sau(n=1)", sau.config.ConfigLoader.load(Study.runDir(dir, "sau(n=1)", 1).resolve("config.json"), List.of()).model().activation());
        assertEquals(1L, sau.config.ConfigLoader.load(Study.runDir(dir, "sau(n=1)", 1).resolve("config.json"), List.of()).seed());

        // everything finished: nothing is trained again
        assertEquals(new StudyRunner.Outcome(0, 4, List.of()), run(dir));

        // killed during epoch 2 of relu/seed-1: its log has epoch 1 only and the latest checkpoint is epoch 1's
        final Path killed = Study.runDir(dir, "relu", 1);
        dropLastEpoch(killed);
        assertEquals(RunState.RESUMABLE, RunState.of(killed, 2));
        // killed before its first checkpoint: sau(n=1)/seed-0 has nothing to resume from
        final Path early = Study.runDir(dir, "sau(n=1)", 0);
        deleteTree(early.resolve("checkpoints"));
        Files.writeString(early.resolve("metrics.jsonl"), "");
        assertEquals(RunState.NOT_STARTED, RunState.of(early, 2));

        assertEquals(new StudyRunner.Outcome(2, 2, List.of()), run(dir));
        // the redone runs reproduce the numbers of the uninterrupted ones, and the others were left alone
        assertEquals(first, numbers(dir, study));
        assertTrue(Files.readString(killed.resolve("train.log")).contains("resuming from"));
    }

    /** Removes the last metrics line and the final checkpoint, and points "latest" at the one before. */
    private static void dropLastEpoch(Path run) throws IOException {
        final List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        Files.write(run.resolve("metrics.jsonl"), lines.subList(0, lines.size() - 1));
        final Path checkpoints = run.resolve("checkpoints");
        final List<Path> steps;
        try (var s = Files.list(checkpoints)) {
            steps = s.filter(p -> p.getFileName().toString().startsWith("step-")).sorted().toList();
        }
        assertEquals(2, steps.size());
        deleteTree(steps.get(1));
        Files.writeString(checkpoints.resolve("latest"), steps.get(0).getFileName() + "\n");
    }

    @Test
    void aStudyOfAnotherConfigIsNotTakenOver() throws Exception {
        final Path dir = StudyRunner.prepare(config(), null, List.of(), List.of("relu"), List.of(0L));
        // the same config with more seeds extends the study
        assertEquals(dir, StudyRunner.prepare(config(), null, List.of(), List.of("relu"), List.of(0L, 1L)));
        assertEquals(List.of(0L, 1L), Study.read(dir).seeds());
        assertThrows(StudyError.class, () -> StudyRunner.prepare(config(), null, List.of("optimizer.lr=0.1"), List.of("relu"), List.of(0L)));
        assertEquals(tmp.resolve("runs").resolve("other"), StudyRunner.prepare(config(), "other", List.of("optimizer.lr=0.1"), List.of("relu"), List.of(0L)));
        assertThrows(StudyError.class, () -> StudyRunner.prepare(config(), null, List.of(), List.of("nope"), List.of(0L)));
        assertThrows(StudyError.class, () -> StudyRunner.prepare(config(), "a/b", List.of(), List.of("relu"), List.of(0L)));
    }

    @Test
    void theShippedStudyConfigBuilds() {
        final sau.config.TrainConfig c = sau.config.ConfigLoader.load(Path.of("configs/study-fashion-mnist.json"), List.of("model.activation=sau"));
        assertEquals("vgg", c.model().name());
        final sau.config.Experiment.Parts parts = sau.config.Experiment.build(c, "configs/study-fashion-mnist.json");
        assertEquals(6000 / 64 + 1, parts.train().batchesPerEpoch()); // 6,000 images, the last batch partial
    }

    @Test
    void childProcessesResumeTheirRunThroughTheLauncher() {
        assertEquals(List.of("/opt/sau/bin/sau", "train", "--resume", "runs/s/relu/seed-0", "--threads", "4", "--progress", "none"),
                StudyRunner.childCommand(Path.of("/opt/sau/bin/sau"), Path.of("runs/s/relu/seed-0"), 4));
    }

    private static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
