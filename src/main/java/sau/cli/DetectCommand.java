package sau.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import sau.autograd.NoGrad;
import sau.config.ConfigLoader;
import sau.config.DetectionExperiment;
import sau.config.TrainConfig;
import sau.data.DataError;
import sau.data.DetectionSample;
import sau.detection.Detection;
import sau.detection.Postprocess;
import sau.models.SSD300;
import sau.tensor.Generator;
import sau.tensor.Tensor;
import sau.train.Safetensors;

/** {@code bin/sau detect RUN_DIR IMAGE}: runs a trained detector on one image and draws what it finds. */
final class DetectCommand implements Main.Command {

    @Override
    public String summary() {
        return "run a trained detector on an image and draw its boxes (PNG)";
    }

    @Override
    public String help() {
        return """
            usage: bin/sau detect RUN_DIR|CHECKPOINT IMAGE [--out FILE.png] [--threshold P] [--config FILE]

            Loads the detector of a run (its latest checkpoint) or of a checkpoint folder, finds the
            objects in IMAGE (PNG, JPEG, ...), prints one line per object (class, score, box in pixels)
            and writes the image with the boxes, class names and scores drawn.

              --out FILE.png    where to write the picture (default: IMAGE's name + "-detections.png",
                                in the current folder)
              --threshold P     draw only detections with a score of at least P (default 0.5)
              --config FILE     the run's config, when it is not found beside the checkpoint
            """;
    }

    @Override
    public int run(List<String> argList) throws IOException {
        final Args args = new Args(argList);
        final String out = args.value("--out");
        final String thresholdFlag = args.value("--threshold");
        final String configFlag = args.value("--config");
        final List<String> positional = args.positional();
        if (positional.size() != 2) throw new UserError("name a run folder (or checkpoint) and an image (see --help)");
        final float threshold = threshold(thresholdFlag);
        final Path target = Path.of(positional.get(0)), imageFile = Path.of(positional.get(1));
        final Path weights = EvalCommand.weightsOf(target);
        final Path configFile = configFlag != null ? Path.of(configFlag) : EvalCommand.configOf(target, weights);
        final TrainConfig config = ConfigLoader.load(configFile, List.of());
        if (!DetectionExperiment.isDetection(config)) throw new UserError(configFile + " trains a classifier (" + config.model().name() + "), not a detector");
        final List<String> classes = classNames(configFile.getParent());
        final SSD300 model = DetectionExperiment.model(config, configFile.toString(), classes.size(), new Generator(0));
        model.loadStateDict(Safetensors.read(weights).tensors(), true);
        model.eval();

        final DetectionSample sample;
        try {
            sample = DetectionSample.read(imageFile);
        } catch (DataError e) {
            throw new UserError(e.getMessage());
        }
        final int size = DetectionExperiment.imageSize(config);
        final float[] input = new float[3 * size * size];
        sample.resizedInto(size, DetectionExperiment.normalization(config), input, 0);
        // the run's NMS and limits, with the threshold asked for here
        final Postprocess run = DetectionExperiment.postprocess(config);
        final Postprocess selection = new Postprocess(Math.min(threshold, 0.999f), run.nmsIou(), run.candidates(), run.maxDetections());
        final List<Detection> shown;
        try (NoGrad scope = NoGrad.enter()) {
            shown = selection.detect(model.forward(new Tensor(input, 1, 3, size, size)), model.defaultBoxes().centres()).get(0)
                    .stream().filter(d -> d.score() >= threshold).toList();
        }
        final int w = sample.image().width(), h = sample.image().height();
        for (Detection d : shown) {
            System.out.printf(Locale.ROOT, "%-16s %.3f  (%.0f, %.0f) - (%.0f, %.0f)%n", classes.get(d.label()), d.score(), d.x1() * w, d.y1() * h, d.x2() * w, d.y2() * h);
        }
        final Path outFile = out != null ? Path.of(out) : Path.of(stem(imageFile) + "-detections.png");
        DetectionPicture.write(sample.image(), shown, classes, outFile);
        System.out.printf(Locale.ROOT, "%d object%s with a score of at least %.2f; wrote %s%n", shown.size(), shown.size() == 1 ? "" : "s", threshold, outFile);
        return 0;
    }

    private static float threshold(String flag) {
        if (flag == null) return 0.5f;
        try {
            final float t = Float.parseFloat(flag);
            if (t >= 0 && t <= 1) return t;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserError("--threshold: \"" + flag + "\" is not a number in [0, 1]");
    }

    /** The run's classes.txt (written by bin/sau train), one name per line. */
    private static List<String> classNames(Path runDir) throws IOException {
        final Path file = runDir.resolve("classes.txt");
        if (!Files.exists(file)) throw new UserError(file + " is missing; it lists the classes the detector was trained on, one per line (bin/sau train writes it)");
        return Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static String stem(Path file) {
        final String name = file.getFileName().toString();
        final int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
