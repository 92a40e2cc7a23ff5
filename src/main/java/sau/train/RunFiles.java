package sau.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The log files of a run folder that the trainers append to: {@code train.log} and {@code metrics.jsonl}. */
final class RunFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunFiles() {}

    static void appendLog(Path runDir, String line) {
        append(runDir.resolve("train.log"), line);
    }

    static void appendMetrics(Path runDir, Map<String, Object> metrics) {
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
    static void keepMetricsBefore(Path runDir, int epoch) throws IOException {
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
