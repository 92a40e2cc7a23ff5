package sau.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sau.config.ConfigLoader;
import sau.config.DetectionExperiment;
import sau.config.Experiment;
import sau.config.TrainConfig;
import sau.config.TranslationExperiment;
import sau.train.DetectionTrainer;
import sau.train.Trainer;
import sau.train.TrainingDiverged;

/** {@code bin/sau train [CONFIG] [--set key=value ...] [--resume RUN_DIR]}. */
final class TrainCommand implements Main.Command {

    static final String DEFAULT_CONFIG = "configs/default.json";

    @Override
    public String summary() {
        return "train a model from a JSON config (default: " + DEFAULT_CONFIG + ")";
    }

    @Override
    public String help() {
        return """
            usage: bin/sau train [CONFIG] [--set key=value ...] [--device DEVICE] [--threads N] [--progress bar|lines|none]
                   bin/sau train --resume RUN_DIR [--set epochs=N ...]

            Trains the model a config describes, evaluates it on the test split after every epoch,
            and writes runs/<name>/: config.json (the config with every default filled in),
            metrics.jsonl (one JSON object per epoch), train.log and checkpoints/.
            Without CONFIG it trains %s on the bundled Fashion-MNIST subset.

              --set key=value   override a config field by its dotted path, e.g. --set optimizer.lr=0.05
                                or --set model.activation=sau (repeatable)
              --resume RUN_DIR  continue a run from its latest checkpoint, with the same data order and
                                numbers as if it had never stopped
              --device DEVICE   cpu, cuda, cuda:N or auto (the GPU when one is usable); the config's
                                device field, default cpu
              --threads N       CPU threads (default: all cores)
              --progress MODE   bar (redrawn in place), lines (one per epoch) or none; default: bar on a
                                terminal, lines otherwise
            """.formatted(DEFAULT_CONFIG);
    }

    @Override
    public int run(List<String> argList) throws IOException {
        final Args args = new Args(argList);
        final List<String> overrides = args.all("--set");
        final String resume = args.value("--resume");
        final String threads = args.value("--threads");
        final String device = args.value("--device");
        if (device != null) overrides.add("device=" + device);
        final String progress = args.value("--progress");
        if (threads != null) overrides.add("threads=" + threads);
        if (progress != null) overrides.add("logging.progress=" + progress);
        final List<String> positional = args.positional();
        if (positional.size() > 1) throw new UserError("one config at a time, got " + positional);

        final TrainConfig config;
        final String source;
        final Path runDir;
        if (resume != null) {
            if (!positional.isEmpty()) throw new UserError("--resume takes its config from the run folder; drop " + positional.get(0));
            runDir = Path.of(resume);
            final Path saved = runDir.resolve("config.json");
            if (!Files.exists(saved)) throw new UserError(runDir + " is not a run folder (it has no config.json)");
            source = saved.toString();
            config = ConfigLoader.load(saved, overrides);
        } else {
            final Path file = positional.isEmpty() ? Experiment.resolve(DEFAULT_CONFIG) : Path.of(positional.get(0));
            source = positional.isEmpty() ? DEFAULT_CONFIG : file.toString();
            config = ConfigLoader.load(file, overrides);
            runDir = newRunDir(Path.of(config.logging().runsDir()), config.name());
        }

        final boolean tty = Boolean.getBoolean("sau.tty");
        final String mode = config.logging().progress();
        final boolean inPlace = mode.equals("bar") || (mode.equals("auto") && tty), lines = mode.equals("lines") || (mode.equals("auto") && !tty);
        if (DetectionExperiment.isDetection(config)) return trainDetector(config, source, runDir, resume != null, inPlace, lines);
        if (TranslationExperiment.handles(config)) return TranslationRuns.train(config, source, runDir, resume != null, inPlace, lines);
        final Experiment.Parts parts = Experiment.build(config, source);
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve("config.json"), ConfigLoader.toJson(config));
        final Trainer.Options options = new Trainer.Options(config.epochs(), config.labelSmoothing(),
                config.checkpoint().everyEpochs(), config.checkpoint().everySteps(), inPlace, lines);
        System.err.printf(Locale.ROOT, "sau: training %s (%,d parameters) with %s on %s, %d epochs, on %s; writing %s%n",
                config.model().name(), parts.model().numParameters(), config.model().activation(), config.dataset().name(), config.epochs(),
                parts.model().device(), runDir);
        final Trainer trainer = new Trainer(parts.model(), parts.optimizer(), parts.schedule(), parts.train(), parts.test(),
                parts.modelRng(), runDir, options, System.err);
        try {
            final List<Map<String, Object>> history = trainer.fit(resume != null);
            if (!history.isEmpty()) {
                final Map<String, Object> last = history.get(history.size() - 1);
                System.out.printf(Locale.ROOT, "final test accuracy %.2f%% (loss %.4f) after %d epochs; run folder %s%n",
                        100 * ((Number) last.get("test_acc")).doubleValue(), ((Number) last.get("test_loss")).doubleValue(), config.epochs(), runDir);
            } else {
                System.out.println("nothing to do: " + runDir + " already finished its " + config.epochs() + " epochs");
            }
            return 0;
        } catch (TrainingDiverged e) {
            System.err.println("sau train: " + e.getMessage());
            return 3;
        }
    }

    /** Trains an SSD detector ({@code dataset.name: voc}); the final line reports the test mAP. */
    private static int trainDetector(TrainConfig config, String source, Path runDir, boolean resume, boolean inPlace, boolean lines) throws IOException {
        final DetectionExperiment.Parts parts = DetectionExperiment.build(config, source, inPlace, lines);
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve("config.json"), ConfigLoader.toJson(config));
        // bin/sau detect names the classes without needing the dataset
        Files.write(runDir.resolve("classes.txt"), parts.train().dataset().classNames());
        System.err.printf(Locale.ROOT, "sau: training %s (%,d parameters, %,d default boxes) with %s on %s (%,d images, %d classes), %d epochs; writing %s%n",
                config.model().name(), parts.model().numParameters(), parts.model().defaultBoxes().count(), config.model().activation(),
                config.dataset().name(), parts.train().dataset().size(), parts.train().dataset().classNames().size(), config.epochs(), runDir);
        final DetectionTrainer trainer = new DetectionTrainer(parts.model(), parts.optimizer(), parts.schedule(), parts.train(), parts.test(),
                parts.modelRng(), runDir, parts.options(), System.err);
        try {
            final List<Map<String, Object>> history = trainer.fit(resume);
            if (history.isEmpty()) {
                System.out.println("nothing to do: " + runDir + " already finished its " + config.epochs() + " epochs");
                return 0;
            }
            final Map<String, Object> last = history.get(history.size() - 1);
            System.out.printf(Locale.ROOT, "final test mAP@0.5 %.4f (VOC2007 11-point %.4f) after %d epochs; run folder %s%n",
                    ((Number) last.get("test_map")).doubleValue(), ((Number) last.get("test_map_11point")).doubleValue(), config.epochs(), runDir);
            return 0;
        } catch (TrainingDiverged e) {
            System.err.println("sau train: " + e.getMessage());
            return 3;
        }
    }

    /** runs/NAME, or runs/NAME-2, -3, ... when that already holds a run, so that nothing is overwritten. */
    static Path newRunDir(Path runs, String name) {
        Path dir = runs.resolve(name);
        for (int i = 2; Files.exists(dir); i++) dir = runs.resolve(name + "-" + i);
        return dir;
    }
}
