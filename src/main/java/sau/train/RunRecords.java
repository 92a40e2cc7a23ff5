package sau.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sau.nn.Module;
import sau.optim.Optimizer;
import sau.tensor.Generator;

/**
 * What a training loop writes into its run folder besides checkpoints: {@code train.log} (lines
 * also shown on the console unless progress is off) and {@code metrics.jsonl} (one JSON object
 * per epoch); and, on resume, reading back where the run stood.
 */
final class RunRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path runDir;
    private final PrintStream console;
    private final boolean show;

    RunRecords(Path runDir, PrintStream console, boolean show) {
        this.runDir = runDir;
        this.console = console;
        this.show = show;
    }

    /**
     * Restores the model, optimizer and generator from the run's latest checkpoint, drops the
     * metrics of epochs that will be trained again, and returns where training stands (the
     * beginning when there is no checkpoint yet).
     */
    TrainState resume(Module model, Optimizer optimizer, Generator rng, int epochs) throws IOException {
        final Path latest = Checkpoints.latest(runDir);
        TrainState state = TrainState.start(rng);
        if (latest != null) {
            final Checkpoints.Loaded ck = Checkpoints.load(latest);
            model.loadStateDict(ck.model(), true);
            optimizer.loadStateDict(ck.optimizer());
            state = ck.state();
            rng.restore(state.rngState());
            if (state.epoch() < epochs) {
                log(String.format(Locale.ROOT, "resuming from %s (epoch %d, batch %d)", runDir.relativize(latest), state.epoch() + 1, state.nextBatch()));
            }
        } else {
            log("no checkpoint yet in " + runDir + "; starting from the beginning");
        }
        keepMetricsBefore(state.epoch());
        return state;
    }

    /** A line for the console and {@code train.log}. */
    void log(String message) {
        if (show) console.println(message);
        append(runDir.resolve("train.log"), message);
    }

    void appendMetrics(Map<String, Object> metrics) {
        try {
            append(runDir.resolve("metrics.jsonl"), JSON.writeValueAsString(metrics));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void append(Path file, String line) {
        try {
            Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * On resume, drops the metrics lines of epochs that will be trained again: a run killed after
     * logging an epoch but before its checkpoint would otherwise log that epoch twice.
     */
    private void keepMetricsBefore(int epoch) throws IOException {
        final Path file = runDir.resolve("metrics.jsonl");
        if (!Files.exists(file)) return;
        final List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank() && JSON.readTree(line).path("epoch").asInt() <= epoch) kept.add(line);
        }
        final Path tmp = file.resolveSibling("metrics.jsonl.tmp");
        Files.write(tmp, kept);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
