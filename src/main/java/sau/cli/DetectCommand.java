package sau.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
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
        ImageIO.write(draw(sample.image(), shown, classes), "png", outFile.toFile());
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

    /** The picture with a coloured rectangle per detection and a label "class 0.93" on a filled tab above it. */
    static BufferedImage draw(DetectionSample.Image image, List<Detection> detections, List<String> classes) {
        final int w = image.width(), h = image.height(), plane = w * h;
        final BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        final float[] p = image.pixels();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                final int i = y * w + x;
                out.setRGB(x, y, (byte255(p[i]) << 16) | (byte255(p[plane + i]) << 8) | byte255(p[2 * plane + i]));
            }
        }
        final Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setStroke(new BasicStroke(Math.max(1f, Math.min(w, h) / 200f)));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(w, h) / 30)));
        final FontMetrics fm = g.getFontMetrics();
        for (Detection d : detections) {
            final Color colour = Color.getHSBColor((d.label() * 0.618034f) % 1f, 0.85f, 1f);
            final int x1 = Math.round(d.x1() * w), y1 = Math.round(d.y1() * h), x2 = Math.round(d.x2() * w), y2 = Math.round(d.y2() * h);
            g.setColor(colour);
            g.drawRect(x1, y1, Math.max(1, x2 - x1), Math.max(1, y2 - y1));
            final String label = String.format(Locale.ROOT, "%s %.2f", classes.get(d.label()), d.score());
            final int tw = fm.stringWidth(label) + 4, th = fm.getHeight();
            final int ty = y1 - th >= 0 ? y1 - th : y1;
            g.fillRect(x1, ty, tw, th);
            g.setColor(Color.BLACK);
            g.drawString(label, x1 + 2, ty + fm.getAscent());
        }
        g.dispose();
        return out;
    }

    private static int byte255(float v) {
        return Math.round(Math.min(255f, Math.max(0f, v)));
    }
}
