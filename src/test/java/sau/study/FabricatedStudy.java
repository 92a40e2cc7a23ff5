package sau.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A study folder with metrics logs written by hand, for tests of the report and the plots:
 * 2 epochs, seeds 0-2, relu and sau complete, elu with seed 2 stopped after epoch 1.
 *
 * <pre>
 *              final test acc (seeds 0, 1, 2)   final test loss       epoch-1 test acc
 *   relu       0.90  0.92  0.91                 0.30  0.28  0.26      0.91  0.90  0.93
 *   sau        0.93  0.94  0.95                 0.25  0.24  0.23      0.80  0.80  0.80
 *   elu        0.89  0.93  (incomplete)         0.31  0.27            0.80  0.80  0.80
 * </pre>
 * sau's learned α ("act.alpha") ends at 0.20, 0.22, 0.24, and a per-channel "layer2.alpha" at [0.1, 0.3].
 */
final class FabricatedStudy {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FabricatedStudy() {}

    static Path write(Path dir) throws IOException {
        new Study("configs/fabricated.json", List.of("epochs=2"), List.of("relu", "sau", "elu"), List.of(0L, 1L, 2L)).write(dir);
        Files.writeString(dir.resolve(Study.BASE_CONFIG), "{\"name\": \"fabricated\", \"epochs\": 2, \"model\": {\"name\": \"mlp\", \"options\": {\"hidden\": [8]}}}");
        final double[] reluAcc = {0.90, 0.92, 0.91}, reluLoss = {0.30, 0.28, 0.26}, reluFirst = {0.91, 0.90, 0.93};
        final double[] sauAcc = {0.93, 0.94, 0.95}, sauLoss = {0.25, 0.24, 0.23}, sauAlpha = {0.20, 0.22, 0.24};
        for (int s = 0; s < 3; s++) {
            log(dir, "relu", s, reluFirst[s], reluAcc[s], reluLoss[s], Map.of(), 2);
            final Map<String, Object> learned = new LinkedHashMap<>();
            learned.put("act.alpha", sauAlpha[s]);
            learned.put("layer2.alpha", new double[] {0.1, 0.3});
            log(dir, "sau", s, 0.80, sauAcc[s], sauLoss[s], learned, 2);
        }
        log(dir, "elu", 0, 0.80, 0.89, 0.31, Map.of(), 2);
        log(dir, "elu", 1, 0.80, 0.93, 0.27, Map.of(), 2);
        log(dir, "elu", 2, 0.80, 0.95, 0.20, Map.of(), 1);
        return dir;
    }

    private static void log(Path study, String activation, long seed, double firstAcc, double finalAcc, double finalLoss, Map<String, Object> learned, int epochs) throws IOException {
        final Path run = Study.runDir(study, activation, seed);
        Files.createDirectories(run);
        final StringBuilder sb = new StringBuilder();
        for (int e = 1; e <= epochs; e++) {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", e);
            m.put("train_loss", e == 1 ? 0.9 : 0.5 - 0.01 * seed);
            m.put("train_acc", e == 1 ? 0.7 : 0.85 + 0.01 * seed);
            m.put("train_top5", 0.99);
            m.put("test_loss", e == 2 ? finalLoss : 0.6);
            m.put("test_acc", e == 2 ? finalAcc : firstAcc);
            m.put("test_top5", 0.99);
            m.put("lr", e == 1 ? 0.05 : 0.025);
            m.put("images_per_s", 1000.0);
            m.put("epoch_s", 1.0);
            if (!learned.isEmpty()) m.put("activations", learned);
            sb.append(JSON.writeValueAsString(m)).append('\n');
        }
        Files.writeString(run.resolve("metrics.jsonl"), sb.toString());
    }
}
