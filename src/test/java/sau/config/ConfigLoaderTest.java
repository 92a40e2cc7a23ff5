package sau.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static String error(String json, String... overrides) {
        return assertThrows(ConfigError.class, () -> ConfigLoader.parse(json, "configs/x.json", List.of(overrides))).getMessage();
    }

    @Test
    void defaultsFillWhatIsLeftOut() {
        final TrainConfig c = ConfigLoader.parse("{\"name\": \"t\", \"optimizer\": {\"lr\": 0.5}}", "x", List.of());
        assertEquals(0.5, c.optimizer().lr());
        assertEquals("sgd", c.optimizer().name());
        assertEquals(128, c.batchSize());
        assertEquals("relu", c.model().activation());
        assertEquals(List.of(0.9, 0.999), c.optimizer().betas());
    }

    @Test
    void dottedOverridesReplaceAndCreateFields() {
        final TrainConfig c = ConfigLoader.parse("{\"optimizer\": {\"lr\": 0.5}}", "x",
                List.of("optimizer.lr=0.05", "model.activation=sau(alpha=0.25, n=1)", "epochs=3", "optimizer.betas=[0.9,0.98]", "model.options.hidden=[64]"));
        assertEquals(0.05, c.optimizer().lr());
        assertEquals("sau(alpha=0.25, n=1)", c.model().activation());
        assertEquals(3, c.epochs());
        assertEquals(List.of(0.9, 0.98), c.optimizer().betas());
        assertEquals(List.of(64), c.model().options().get("hidden"));
    }

    @Test
    void malformedJsonNamesTheLine() {
        final String m = error("{\n  \"epochs\": 3,\n  \"name\" \"x\"\n}");
        assertTrue(m.startsWith("configs/x.json: malformed JSON at line 3"), m);
    }

    @Test
    void unknownFieldIsNamedWithItsPathAndTheValidOnes() {
        final String m = error("{\"optimizer\": {\"learning_rate\": 0.1}}");
        assertTrue(m.startsWith("configs/x.json: optimizer.learning_rate: unknown field"), m);
        assertTrue(m.contains("lr") && m.contains("momentum"), m);
        assertTrue(error("{\"epochz\": 1}").contains("epochz: unknown field"));
    }

    @Test
    void badValuesNameTheFieldAndWhatIsAllowed() {
        assertEquals("configs/x.json: optimizer.name: \"sdg\" is not one of sgd, adam, adamw", error("{\"optimizer\": {\"name\": \"sdg\"}}"));
        assertEquals("configs/x.json: batch_size: \"many\" is not a whole number", error("{\"batch_size\": \"many\"}"));
        assertTrue(error("{\"epochs\": 0}").startsWith("configs/x.json: epochs: must be at least 1"));
        assertTrue(error("{\"optimizer\": {\"lr\": -1}}").contains("optimizer.lr: must be positive"));
        assertTrue(error("{\"device\": \"tpu\"}").contains("device: \"tpu\" is not one of cpu, cuda, cuda:N, auto"));
        assertTrue(error("{}", "optimizer.lr").contains("expected key=value"));
        assertTrue(error("[1, 2]").contains("a config is a JSON object"));
    }

    @Test
    void missingFileIsOneClearLine(@TempDir Path dir) {
        final ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(dir.resolve("nope.json"), List.of()));
        assertTrue(e.getMessage().endsWith("no such config file (the configs that ship are in configs/)"), e.getMessage());
    }

    @Test
    void resolvedConfigRoundTrips(@TempDir Path dir) throws Exception {
        final TrainConfig c = ConfigLoader.parse("{\"name\": \"rt\", \"epochs\": 2}", "x", List.of("optimizer.lr=0.3"));
        final Path file = dir.resolve("config.json");
        Files.writeString(file, ConfigLoader.toJson(c));
        assertEquals(c, ConfigLoader.load(file, List.of()));
    }
}
