package sau.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import sau.models.Transformer;
import sau.optim.schedule.LrSchedule;
import sau.tensor.Generator;

class TranslationConfigTest {

    /** The paper's base model as configured for WMT14: PyTorch's nn.Transformer(512, 8, 6, 6, 2048) has 44,140,544 parameters. */
    @Test
    void wmt14BaseConfigBuildsTheBaseModel() {
        final TrainConfig c = ConfigLoader.load(Path.of("configs/transformer-wmt14-base.json"), List.of());
        final Transformer m = TranslationExperiment.model(c, "base", 37000, new Generator(0));
        assertEquals(44_140_544L, m.numParametersWithoutEmbeddings());
        assertEquals(44_140_544L + 37000L * 512, m.numParameters());
    }

    @Test
    void dingConfigTakesSauThroughSet() {
        final TrainConfig c = ConfigLoader.load(Path.of("configs/transformer-ding-small.json"), List.of("model.activation=sau"));
        final Transformer m = TranslationExperiment.model(c, "small", 100, new Generator(0));
        assertTrue(m.stateDict().containsKey("encoder.layers.0.activation.alpha"));
    }

    /** inverse_sqrt rises linearly to optimizer.lr at warmup_steps, then falls as 1/√step. */
    @Test
    void inverseSqrtSchedulePeaksAtTheConfiguredRate() {
        final TrainConfig c = ConfigLoader.load(Path.of("configs/transformer-wmt14-base.json"), List.of());
        final LrSchedule s = Experiment.schedule(c, 100);
        assertEquals(0.0007, s.lr(4000), 1e-12);
        assertEquals(0.0007 / 2, s.lr(2000), 1e-12);
        assertEquals(0.0007 / 2, s.lr(16000), 1e-12);
    }

    @Test
    void badTranslationFieldsNameThemselves() {
        final ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(Path.of("configs/transformer-ding-small.json"), List.of("translation.beam=0")));
        assertTrue(e.getMessage().contains("translation.beam"), e.getMessage());
        final ConfigError tooLong = assertThrows(ConfigError.class, () -> TranslationExperiment.model(
                ConfigLoader.load(Path.of("configs/transformer-ding-small.json"), List.of("translation.max_length=100")), "small", 100, new Generator(0)));
        assertTrue(tooLong.getMessage().contains("model.options.max_len"), tooLong.getMessage());
        assertThrows(ConfigError.class, () -> ConfigLoader.load(Path.of("configs/transformer-ding-small.json"), List.of("translation.bogus=1")));
    }
}
