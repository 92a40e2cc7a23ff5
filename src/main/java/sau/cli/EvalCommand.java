package sau.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import sau.config.ConfigLoader;
import sau.config.DetectionExperiment;
import sau.config.Experiment;
import sau.config.TrainConfig;
import sau.data.DataLoader;
import sau.data.DetectionLoader;
import sau.detection.MeanAveragePrecision;
import sau.train.Checkpoints;
import sau.train.DetectionTrainer;
import sau.train.Safetensors;
import sau.train.Trainer;

/** {@code bin/sau eval RUN_DIR|CHECKPOINT [--data train|test]}. */
final class EvalCommand implements Main.Command {

    @Override
    public String summary() {
        return "evaluate a trained model on a dataset split";
    }

    @Override
    public String help() {
        return """
            usage: bin/sau eval RUN_DIR|CHECKPOINT [--data test|train] [--config FILE] [--set key=value ...]

            For a translation run (dataset parallel-text), translates the test split greedily and
            with beam search and prints both corpus BLEU scores (sacreBLEU's 13a), writing
            test.json, test.greedy.txt and test.beam.txt into the run folder.

            Loads the model of a run (its latest checkpoint), of a checkpoint folder, or of a
            model.safetensors file, and prints its loss and top-1/top-5 accuracy on a split of the
            run's dataset (a detector: its VOC mAP@0.5, all-points and 11-point, and each class's AP). The model is rebuilt from the run's config.json (or --config FILE);
            --set changes it, e.g. --set dataset.path=datasets/fashion-mnist to score on the full set.
            """;
    }

    @Override
    public int run(List<String> argList) throws IOException {
        final Args args = new Args(argList);
        final String split = args.value("--data");
        final String configFlag = args.value("--config");
        final List<String> overrides = args.all("--set");
        final List<String> positional = args.positional();
        if (positional.size() != 1) throw new UserError("name one run folder or checkpoint (see --help)");
        final Path target = Path.of(positional.get(0));
        if (TranslationRuns.isTranslationRun(target)) {
            if (split != null || configFlag != null || !overrides.isEmpty()) throw new UserError("a translation run is scored on its test split as trained; drop --data, --config and --set");
            final TranslationRuns.Loaded run = TranslationRuns.load(target);
            TranslationRuns.testScores(run.config(), run.model(), run.tokenizer(), target, run.config().translation().testSentences());
            return 0;
        }
        final Path weights = weightsOf(target);
        final Path configFile = configFlag != null ? Path.of(configFlag) : configOf(target, weights);
        final TrainConfig config = ConfigLoader.load(configFile, overrides);
        if (DetectionExperiment.isDetection(config)) return evaluateDetector(config, configFile, weights, split);
        final Experiment.Parts parts = Experiment.build(config, configFile.toString());
        parts.model().loadStateDict(Safetensors.read(weights).tensors(), true);
        final DataLoader data = switch (split == null ? "test" : split) {
            case "test" -> parts.test();
            case "train" -> new DataLoader(parts.train().dataset(), parts.test().batchSize(), false, false, 0, null);
            default -> throw new UserError("--data: \"" + split + "\" is not one of test, train");
        };
        final Trainer.Evaluation ev = Trainer.evaluate(parts.model(), data);
        System.out.printf(Locale.ROOT, "%s on %s %s (%,d images): loss %.4f, top-1 %.2f%%, top-5 %.2f%%%n",
                weights, config.dataset().name(), split == null ? "test" : split, ev.images(), ev.loss(), 100 * ev.top1(), 100 * ev.top5());
        return 0;
    }

    /** A detector's VOC mAP@0.5 (all-points and 11-point) and per-class AP on a split. */
    private static int evaluateDetector(TrainConfig config, Path configFile, Path weights, String split) throws IOException {
        final DetectionExperiment.Parts parts = DetectionExperiment.build(config, configFile.toString(), false, false);
        parts.model().loadStateDict(Safetensors.read(weights).tensors(), true);
        final DetectionLoader data = switch (split == null ? "test" : split) {
            case "test" -> parts.test();
            case "train" -> new DetectionLoader(parts.train().dataset(), config.batchSize(), false, 0, parts.train().imageSize(), parts.normalization(), null);
            default -> throw new UserError("--data: \"" + split + "\" is not one of test, train");
        };
        final MeanAveragePrecision.Result r = DetectionTrainer.evaluate(parts.model(), data, parts.options().postprocess());
        System.out.printf(Locale.ROOT, "%s on %s %s (%,d images): mAP@0.5 %.4f (VOC2007 11-point %.4f)%n",
                weights, config.dataset().name(), split == null ? "test" : split, data.dataset().size(), r.mapAll(), r.map11());
        final List<String> names = data.dataset().classNames();
        for (int c = 0; c < names.size(); c++) System.out.printf(Locale.ROOT, "  %-16s AP %.4f (11-point %.4f)%n", names.get(c), r.apAll()[c], r.ap11()[c]);
        return 0;
    }

    static Path weightsOf(Path target) throws IOException {
        if (Files.isRegularFile(target)) return target;
        if (Files.exists(target.resolve("model.safetensors"))) return target.resolve("model.safetensors");
        if (Files.exists(target.resolve("config.json"))) {
            final Path latest = Checkpoints.latest(target);
            if (latest == null) throw new UserError(target + " has no checkpoint yet");
            return latest.resolve("model.safetensors");
        }
        throw new UserError(target + " is neither a run folder, a checkpoint folder nor a .safetensors file");
    }

    /** The run's config.json: beside a run folder, or two levels above a checkpoint's files. */
    static Path configOf(Path target, Path weights) {
        for (Path p = weights.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("config.json"))) return p.resolve("config.json");
        }
        throw new UserError("cannot find the config.json of " + target + "; pass --config FILE");
    }
}
