package sau.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import sau.backend.cpu.Parallel;
import sau.data.DataError;
import sau.data.DataLoader;
import sau.data.Dataset;
import sau.data.IdxImageDataset;
import sau.data.Split;
import sau.models.BadModelSpec;
import sau.models.Models;
import sau.nn.Module;
import sau.optim.Adam;
import sau.optim.AdamW;
import sau.optim.Optimizer;
import sau.optim.SGD;
import sau.optim.schedule.ConstantLr;
import sau.optim.schedule.CosineAnnealing;
import sau.optim.schedule.LrSchedule;
import sau.optim.schedule.StepDecay;
import sau.tensor.Generator;

/**
 * Turns a {@link TrainConfig} into the engine's objects: datasets and loaders, the model, the
 * optimizer and the learning-rate schedule. Problems that only show here (a model option the
 * model does not know, a dataset folder that is missing) are reported with the field's path.
 */
public final class Experiment {

    /** Everything a training run needs. */
    public record Parts(Module model, Optimizer optimizer, LrSchedule schedule, DataLoader train, DataLoader test, Generator modelRng) {}

    public static final List<String> DATASETS = List.of("fashion-mnist", "mnist");

    private Experiment() {}

    public static Parts build(TrainConfig c, String source) {
        selectDevice(c, source);
        final Dataset trainSet = dataset(c, Split.TRAIN, source);
        final Dataset testSet = dataset(c, Split.TEST, source);
        final Generator rng = new Generator(c.seed());
        final Module model;
        try {
            model = Models.create(c.model().name(), c.model().activation(), c.model().options(), trainSet.sampleShape(), trainSet.numClasses(), rng);
        } catch (BadModelSpec e) {
            throw new ConfigError(source + ": model." + e.field() + ": " + e.getMessage());
        }
        final DataLoader train = new DataLoader(trainSet, c.batchSize(), true, false, c.seed(), null);
        final DataLoader test = new DataLoader(testSet, Math.max(c.batchSize(), 256), false, false, c.seed(), null);
        final Optimizer optimizer = optimizer(c.optimizer(), model);
        final LrSchedule schedule = schedule(c, train.batchesPerEpoch());
        return new Parts(model, optimizer, schedule, train, test, rng);
    }

    private static void selectDevice(TrainConfig c, String source) {
        switch (c.device()) {
            case "cpu", "auto" -> { }
            default -> throw new ConfigError(source + ": device: \"" + c.device() + "\": this build of sau has no GPU backend yet; use \"cpu\" or \"auto\"");
        }
        if (c.threads() > 0) Parallel.setThreads(c.threads());
    }

    static Dataset dataset(TrainConfig c, Split split, String source) {
        final TrainConfig.Data d = c.dataset();
        final IdxImageDataset.Kind kind = switch (d.name()) {
            case "fashion-mnist" -> IdxImageDataset.Kind.FASHION_MNIST;
            case "mnist" -> IdxImageDataset.Kind.MNIST;
            default -> throw new ConfigError(source + ": dataset.name: \"" + d.name() + "\" is not one of " + String.join(", ", DATASETS));
        };
        final Path dir = resolve(d.path() == null ? "datasets/" + d.name() : d.path());
        final int limit = split == Split.TRAIN ? d.trainLimit() : d.testLimit();
        try {
            return d.normalize()
                    ? new IdxImageDataset(dir, kind, split, limit, kind.mean(), kind.std())
                    : new IdxImageDataset(dir, kind, split, limit, 0f, 1f);
        } catch (DataError e) {
            throw new DataError("dataset.path: " + e.getMessage());
        }
    }

    /**
     * A relative path is looked up from the working directory, then from sau's own folder (where
     * {@code bin/sau} lives), so that the bundled configs work from anywhere.
     */
    public static Path resolve(String path) {
        final Path p = Path.of(path);
        if (p.isAbsolute() || Files.exists(p)) return p;
        final String home = System.getProperty("sau.home");
        if (home != null && Files.exists(Path.of(home).resolve(p))) return Path.of(home).resolve(p);
        return p;
    }

    static Optimizer optimizer(TrainConfig.Optimizer o, Module model) {
        return switch (o.name()) {
            case "sgd" -> new SGD(model.parameters(), o.lr(), o.momentum(), o.dampening(), o.weightDecay(), o.nesterov());
            case "adam" -> new Adam(model.parameters(), o.lr(), o.betas().get(0), o.betas().get(1), o.eps(), o.weightDecay());
            case "adamw" -> new AdamW(model.parameters(), o.lr(), o.betas().get(0), o.betas().get(1), o.eps(), o.weightDecay());
            default -> throw new IllegalStateException("validated optimizer name " + o.name());
        };
    }

    /** The schedule runs per optimizer step, so epochs in the config are converted to steps. */
    static LrSchedule schedule(TrainConfig c, int stepsPerEpoch) {
        final TrainConfig.Schedule s = c.schedule();
        final double lr = c.optimizer().lr();
        return switch (s.name()) {
            case "constant" -> new ConstantLr(lr);
            case "cosine" -> new CosineAnnealing(lr, c.epochs() * stepsPerEpoch, s.etaMin(), s.warmupEpochs() * stepsPerEpoch);
            case "step" -> new StepDecay(lr, s.stepSize() * stepsPerEpoch, s.gamma());
            default -> throw new IllegalStateException("validated schedule name " + s.name());
        };
    }
}
