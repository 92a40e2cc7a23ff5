package sau.config;

import java.nio.file.Path;
import sau.data.DataError;
import sau.data.DetectionLoader;
import sau.data.Normalization;
import sau.data.Split;
import sau.data.VocDataset;
import sau.data.transforms.SsdAugmentation;
import sau.detection.Postprocess;
import sau.models.BadModelSpec;
import sau.models.Models;
import sau.models.SSD300;
import sau.optim.Optimizer;
import sau.optim.schedule.LrSchedule;
import sau.tensor.Device;
import sau.tensor.Generator;
import sau.train.DetectionTrainer;

/**
 * Turns a detection config (dataset {@code voc}, model {@code ssd300}) into the engine's objects:
 * the VOC-layout datasets and their loaders (with SSD's augmentation of the training images when
 * {@code dataset.augment.ssd}), the detector, the optimizer and schedule, and the trainer's options.
 */
public final class DetectionExperiment {

    /** Everything a detection run needs. */
    public record Parts(SSD300 model, Optimizer optimizer, LrSchedule schedule, DetectionLoader train, DetectionLoader test, Generator modelRng,
                        Normalization normalization, DetectionTrainer.Options options) {}

    /** SSD300's input side when the config leaves {@code dataset.image_size} at 0. */
    public static final int DEFAULT_SIZE = 300;

    private DetectionExperiment() {}

    public static boolean isDetection(TrainConfig c) {
        return c.dataset().name().equals("voc");
    }

    /**
     * @param progressInPlace redraw a progress bar
     * @param progressLines print one line per epoch
     */
    public static Parts build(TrainConfig c, String source, boolean progressInPlace, boolean progressLines) {
        final Device device = Experiment.selectDevice(c, source);
        final TrainConfig.Data d = c.dataset();
        final Path dir = Experiment.resolve(d.path() == null ? "datasets/synthetic-voc" : d.path());
        final int size = imageSize(c);
        final Normalization norm = normalization(c);
        final VocDataset trainSet, testSet;
        try {
            trainSet = new VocDataset(dir, Split.TRAIN);
            testSet = new VocDataset(dir, Split.TEST);
        } catch (DataError e) {
            throw new DataError("dataset.path: " + e.getMessage());
        }
        if (!trainSet.classNames().equals(testSet.classNames())) throw new DataError("dataset.path: " + dir + ": the training and test images have different classes");
        final Generator rng = new Generator(c.seed());
        final SSD300 ssd = model(c, source, trainSet.classNames().size(), rng);
        ssd.to(device);
        final SsdAugmentation augmentation = d.augment().ssd() ? new SsdAugmentation(norm, d.augment().zoomOut().floatValue()) : null;
        final DetectionLoader train = new DetectionLoader(limit(trainSet, d.trainLimit()), c.batchSize(), true, c.seed(), size, norm, augmentation);
        final DetectionLoader test = new DetectionLoader(limit(testSet, d.testLimit()), c.batchSize(), false, c.seed(), size, norm, null);
        final Optimizer optimizer = Experiment.optimizer(c.optimizer(), ssd);
        final LrSchedule schedule = Experiment.schedule(c, train.batchesPerEpoch());
        final TrainConfig.Detection det = c.detection();
        final DetectionTrainer.Options options = new DetectionTrainer.Options(c.epochs(), c.checkpoint().everyEpochs(), c.checkpoint().everySteps(),
                det.evalEveryEpochs(), det.iouThreshold(), det.negPosRatio(),
                postprocess(c), progressInPlace, progressLines);
        return new Parts(ssd, optimizer, schedule, train, test, rng, norm, options);
    }

    /** The input side the config asks for. */
    public static int imageSize(TrainConfig c) {
        return c.dataset().imageSize() == 0 ? DEFAULT_SIZE : c.dataset().imageSize();
    }

    public static Normalization normalization(TrainConfig c) {
        return c.dataset().normalize() ? Normalization.IMAGENET : Normalization.none(3);
    }

    /** The detector the config describes, for {@code classes} object classes (the background is added). */
    public static SSD300 model(TrainConfig c, String source, int classes, Generator rng) {
        final int size = imageSize(c);
        try {
            return (SSD300) Models.create(c.model().name(), c.model().activation(), c.model().options(), new int[] {3, size, size}, classes + 1, rng);
        } catch (BadModelSpec e) {
            throw new ConfigError(source + ": model." + e.field() + ": " + e.getMessage());
        }
    }

    /** How detections are selected: the config's {@code detection.*} thresholds. */
    public static Postprocess postprocess(TrainConfig c) {
        final TrainConfig.Detection d = c.detection();
        return new Postprocess(d.scoreThreshold(), d.nmsThreshold(), d.candidates(), d.maxDetections());
    }

    private static VocDataset limit(VocDataset data, int limit) {
        return limit > 0 && limit < data.size() ? data.first(limit) : data;
    }
}
