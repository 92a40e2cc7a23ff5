package sau.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's {@code metrics.jsonl}, one {@link Epoch} per line, as the trainer wrote it.
 *
 * @param dir    the run folder
 * @param epochs the logged epochs, in order
 */
public record RunLog(Path dir, List<Epoch> epochs) {

    /**
     * One epoch's metrics. {@code activations} holds the learned activation parameters by
     * state-dict name; a per-channel parameter (a list in the log) is kept whole. A number the
     * epoch did not log (a detector's accuracy, a classifier's mAP) is NaN.
     */
    public record Epoch(int epoch, double trainLoss, double trainAcc, double testLoss, double testAcc, double lr, Map<String, double[]> activations,
                        double testMap) {}

    /** The held-out split of the loss curve: a translation run logs a validation loss and no test accuracy. */
    public String heldOutName() {
        return !isEmpty() && Double.isNaN(last().testAcc()) && !Double.isNaN(last().testLoss()) ? "Validation" : "Test";
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public RunLog {
        epochs = List.copyOf(epochs);
    }

    /** The run's log, empty when the run has logged nothing yet. */
    public static RunLog read(Path runDir) throws IOException {
        final Path file = runDir.resolve("metrics.jsonl");
        final List<Epoch> epochs = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) continue;
                final JsonNode m = JSON.readTree(line);
                final Map<String, double[]> activations = new LinkedHashMap<>();
                m.path("activations").properties().forEach(e -> activations.put(e.getKey(), numbers(e.getValue())));
                // a translation run scores a validation split each epoch (valid_loss): its held-out loss
                final double heldOutLoss = m.has("test_loss") ? number(m, "test_loss") : number(m, "valid_loss");
                epochs.add(new Epoch(m.path("epoch").asInt(), number(m, "train_loss"), number(m, "train_acc"),
                        heldOutLoss, number(m, "test_acc"), number(m, "lr"), activations, number(m, "test_map")));
            }
        }
        return new RunLog(runDir, epochs);
    }

    /** A detector's log: its epochs carry a test mAP (on the epochs it was evaluated) instead of accuracies. */
    public boolean isDetection() {
        return epochs.stream().anyMatch(e -> !Double.isNaN(e.testMap()));
    }

    public boolean isEmpty() {
        return epochs.isEmpty();
    }

    public Epoch last() {
        return epochs.get(epochs.size() - 1);
    }

    /** The highest test accuracy of any epoch: the "best epoch" figure that papers often quote beside the final one. */
    public double bestTestAcc() {
        return epochs.stream().mapToDouble(Epoch::testAcc).max().orElseThrow();
    }

    private static double number(JsonNode m, String field) {
        final JsonNode v = m.get(field);
        return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
    }

    private static double[] numbers(JsonNode v) {
        if (v.isNumber()) return new double[] {v.asDouble()};
        final double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.get(i).asDouble();
        return out;
    }
}
