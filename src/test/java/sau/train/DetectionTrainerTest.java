package sau.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sau.config.ConfigError;
import sau.config.ConfigLoader;
import sau.config.DetectionExperiment;
import sau.config.TrainConfig;
import sau.data.TinyVoc;

/** SSD training end to end through a config, on a tiny VOC folder: the loss falls, mAP is logged, resuming repeats the numbers. */
class DetectionTrainerTest {

    @TempDir
    Path dir;

    private TrainConfig config(int epochs) {
        return ConfigLoader.parse("""
            {"model": {"name": "ssd300", "options": {"backbone": "vgg16_bn", "width": 0.0625}},
             "dataset": {"name": "voc", "path": "%s", "image_size": 48, "augment": {"ssd": true}},
             "batch_size": 3, "epochs": %d, "optimizer": {"name": "adam", "lr": 0.003}}
            """.formatted(dir.resolve("voc").toString().replace("\\", "/"), epochs), "test.json", List.of());
    }

    private List<Map<String, Object>> train(Path run, int epochs, boolean resume) throws IOException {
        final DetectionExperiment.Parts p = DetectionExperiment.build(config(epochs), "test.json", false, false);
        return new DetectionTrainer(p.model(), p.optimizer(), p.schedule(), p.train(), p.test(), p.modelRng(), run, p.options(),
                new PrintStream(OutputStream.nullOutputStream())).fit(resume);
    }

    @Test
    void lossFallsMapIsLoggedAndResumingRepeatsTheNumbers() throws IOException {
        TinyVoc.write(dir.resolve("voc"), 6);
        final List<Map<String, Object>> full = train(dir.resolve("full"), 4, false);
        assertEquals(4, full.size());
        final double first = ((Number) full.get(0).get("train_loss")).doubleValue(), last = ((Number) full.get(3).get("train_loss")).doubleValue();
        assertTrue(last < 0.7 * first, "loss " + first + " -> " + last);
        final double map = ((Number) full.get(3).get("test_map")).doubleValue();
        assertTrue(map >= 0 && map <= 1, "mAP " + map);
        assertTrue(((Map<?, ?>) full.get(3).get("test_ap")).containsKey("square"));
        assertEquals(4, Files.readAllLines(dir.resolve("full/metrics.jsonl")).size());

        train(dir.resolve("resumed"), 2, false);
        final List<Map<String, Object>> rest = train(dir.resolve("resumed"), 4, true);
        assertEquals(2, rest.size());
        assertEquals(full.get(3).get("train_loss"), rest.get(1).get("train_loss"));
        assertEquals(full.get(3).get("test_map"), rest.get(1).get("test_map"));
    }

    @Test
    void detectionAndClassificationPartsDoNotMix() {
        ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.parse("{\"dataset\": {\"name\": \"voc\"}}", "c.json", List.of()));
        assertTrue(e.getMessage().contains("model.name") && e.getMessage().contains("ssd300"), e.getMessage());
        e = assertThrows(ConfigError.class, () -> ConfigLoader.parse("{\"dataset\": {\"augment\": {\"ssd\": true}}}", "c.json", List.of()));
        assertTrue(e.getMessage().contains("dataset.augment.ssd"), e.getMessage());
        e = assertThrows(ConfigError.class, () -> ConfigLoader.parse(
                "{\"model\": {\"name\": \"ssd300\"}, \"dataset\": {\"name\": \"voc\", \"augment\": {\"horizontal_flip\": true}}}", "c.json", List.of()));
        assertTrue(e.getMessage().contains("dataset.augment"), e.getMessage());
        e = assertThrows(ConfigError.class, () -> ConfigLoader.parse("{\"detection\": {\"nms_threshold\": 0}}", "c.json", List.of()));
        assertTrue(e.getMessage().contains("detection.nms_threshold"), e.getMessage());
    }
}
