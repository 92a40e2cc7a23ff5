package sau.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import sau.backend.Devices;
import sau.backend.cpu.Parallel;
import sau.backend.cuda.CudaError;
import sau.backend.cuda.CudaGemm;
import sau.data.CifarDataset;
import sau.data.DataError;
import sau.data.DataLoader;
import sau.data.Dataset;
import sau.data.IdxImageDataset;
import sau.data.ImageFolderDataset;
import sau.data.ImageShape;
import sau.data.ImageStorage;
import sau.data.Normalization;
import sau.data.PaddedDataset;
import sau.data.ResizedDataset;
import sau.data.SampleTransform;
import sau.data.Split;
import sau.data.Subset;
import sau.data.SvhnDataset;
import sau.data.TinyImageNetDataset;
import sau.data.transforms.Compose;
import sau.data.transforms.RandomAffine;
import sau.data.transforms.RandomCrop;
import sau.data.transforms.RandomHorizontalFlip;
import sau.models.BadModelSpec;
import sau.models.Models;
import sau.nn.Module;
import sau.optim.Adam;
import sau.optim.AdamW;
import sau.optim.Optimizer;
import sau.optim.SGD;
import sau.optim.schedule.ConstantLr;
import sau.optim.schedule.CosineAnnealing;
import sau.optim.schedule.InverseSqrtWarmup;
import sau.optim.schedule.LrSchedule;
import sau.optim.schedule.StepDecay;
import sau.tensor.Device;
import sau.tensor.Generator;

/**
 * Turns a {@link TrainConfig} into the engine's objects: datasets and loaders, the model, the
 * optimizer and the learning-rate schedule. Problems that only show here (a model option the
 * model does not know, a dataset folder that is missing) are reported with the field's path.
 */
public final class Experiment {

    /** Everything a training run needs. */
    public record Parts(Module model, Optimizer optimizer, LrSchedule schedule, DataLoader train, DataLoader test, Generator modelRng) {}

    public static final List<String> DATASETS = List.of("fashion-mnist", "mnist", "cifar10", "cifar100", "svhn", "tiny-imagenet", "image-folder", "voc", "parallel-text");

    private Experiment() {}

    public static Parts build(TrainConfig c, String source) {
        final Device device = selectDevice(c, source);
        if (TranslationExperiment.handles(c)) {
            throw new ConfigError(source + ": dataset.name: \"" + TranslationExperiment.DATASET + "\" is trained with bin/sau train (one run per activation); bin/sau compare runs image classification only");
        }
        if (c.model().name().equals("transformer")) {
            throw new ConfigError(source + ": model.name: the transformer translates text; it needs dataset.name \"" + TranslationExperiment.DATASET + "\"");
        }
        final Dataset trainSet = dataset(c, Split.TRAIN, source);
        final Dataset testSet = dataset(c, Split.TEST, source);
        final Generator rng = new Generator(c.seed());
        final Module model;
        try {
            model = Models.create(c.model().name(), c.model().activation(), c.model().options(), trainSet.sampleShape(), trainSet.numClasses(), rng);
        } catch (BadModelSpec e) {
            throw new ConfigError(source + ": model." + e.field() + ": " + e.getMessage());
        }
        model.to(device);
        final DataLoader train = new DataLoader(trainSet, c.batchSize(), true, false, c.seed(), augmentation(c.dataset(), trainSet));
        final DataLoader test = new DataLoader(testSet, Math.max(c.batchSize(), 256), false, false, c.seed(), null);
        final Optimizer optimizer = optimizer(c.optimizer(), model);
        final LrSchedule schedule = schedule(c, train.batchesPerEpoch());
        return new Parts(model, optimizer, schedule, train, test, rng);
    }

    /**
     * The device the config asks for, checked to be usable (a GPU that can't be used is a config
     * error that says why), with the CPU thread count and the GPU's matrix precision set.
     */
    public static Device selectDevice(TrainConfig c, String source) {
        if (c.threads() > 0) Parallel.setThreads(c.threads());
        final Device device;
        try {
            device = Devices.resolve(c.device());
        } catch (CudaError e) {
            throw new ConfigError(source + ": device: \"" + c.device() + "\": " + e.getMessage());
        }
        CudaGemm.allowTf32(c.tf32());
        return device;
    }

    /** A dataset split as the model will see it: read, limited, and padded or resized to image_size. */
    static Dataset dataset(TrainConfig c, Split split, String source) {
        final TrainConfig.Data d = c.dataset();
        final Path dir = resolve(d.path() == null ? "datasets/" + defaultFolder(d.name()) : d.path());
        Dataset data;
        try {
            data = read(d, dir, split, source);
            final int limit = split == Split.TRAIN ? d.trainLimit() : d.testLimit();
            if (limit > 0 && limit < data.size()) data = new Subset(data, limit);
            data = sized(data, d, source);
        } catch (DataError e) {
            throw new DataError("dataset.path: " + e.getMessage());
        }
        return data;
    }

    private static String defaultFolder(String name) {
        return switch (name) {
            case "cifar10" -> CifarDataset.Kind.CIFAR10.folder();
            case "cifar100" -> CifarDataset.Kind.CIFAR100.folder();
            case "tiny-imagenet" -> "tiny-imagenet-200";
            case "voc" -> "synthetic-voc";
            default -> name;
        };
    }

    private static Dataset read(TrainConfig.Data d, Path dir, Split split, String source) {
        final boolean norm = d.normalize();
        return switch (d.name()) {
            case "fashion-mnist", "mnist" -> {
                final IdxImageDataset.Kind kind = d.name().equals("mnist") ? IdxImageDataset.Kind.MNIST : IdxImageDataset.Kind.FASHION_MNIST;
                yield norm ? new IdxImageDataset(dir, kind, split, 0, kind.mean(), kind.std()) : new IdxImageDataset(dir, kind, split, 0, 0f, 1f);
            }
            case "cifar10", "cifar100" -> {
                final CifarDataset.Kind kind = d.name().equals("cifar10") ? CifarDataset.Kind.CIFAR10 : CifarDataset.Kind.CIFAR100;
                yield new CifarDataset(dir, kind, split, norm ? kind.normalization() : Normalization.none(3));
            }
            case "svhn" -> new SvhnDataset(dir, split, norm ? SvhnDataset.NORMALIZATION : Normalization.none(3));
            case "tiny-imagenet" -> new TinyImageNetDataset(dir, split, norm ? TinyImageNetDataset.NORMALIZATION : Normalization.none(3), ImageStorage.AUTO);
            case "image-folder" -> {
                if (d.imageSize() == 0) throw new ConfigError(source + ": dataset.image_size: an image-folder dataset needs the size to resize its images to");
                yield new ImageFolderDataset(dir.resolve(split.toString()), new ImageShape(3, d.imageSize(), d.imageSize()),
                        norm ? Normalization.IMAGENET : Normalization.none(3), ImageStorage.AUTO);
            }
            case "voc" -> throw new ConfigError(source + ": dataset.name: voc is a detection dataset; bin/sau train and bin/sau eval take it, bin/sau compare does not");
            default -> throw new ConfigError(source + ": dataset.name: \"" + d.name() + "\" is not one of " + String.join(", ", DATASETS));
        };
    }

    /** Pads (centred, with the colour black has after normalisation) or resizes to image_size × image_size. */
    private static Dataset sized(Dataset data, TrainConfig.Data d, String source) {
        final int[] shape = data.sampleShape();
        final int size = d.imageSize();
        if (size == 0 || (shape[1] == size && shape[2] == size)) return data;
        if (d.resize().equals("resize")) return new ResizedDataset(data, size, size);
        if (size < shape[1] || size < shape[2]) {
            throw new ConfigError(source + ": dataset.image_size: cannot pad " + shape[1] + "x" + shape[2] + " images to the smaller " + size + "; use \"resize\": \"resize\"");
        }
        return new PaddedDataset(data, size, size, black(d));
    }

    /** What a black pixel becomes after normalisation: the fill for padding and augmentation. */
    private static float black(TrainConfig.Data d) {
        if (!d.normalize()) return 0f;
        return switch (d.name()) {
            case "fashion-mnist" -> -IdxImageDataset.Kind.FASHION_MNIST.mean() / IdxImageDataset.Kind.FASHION_MNIST.std();
            case "mnist" -> -IdxImageDataset.Kind.MNIST.mean() / IdxImageDataset.Kind.MNIST.std();
            default -> 0f; // colour images: the mean colour, a neutral fill
        };
    }

    /** The training images' random augmentation, or null when the config asks for none. */
    static SampleTransform augmentation(TrainConfig.Data d, Dataset train) {
        final TrainConfig.Augment a = d.augment();
        if (!a.any()) return null;
        final ImageShape shape = ImageShape.of(train);
        final float fill = black(d);
        final List<SampleTransform> steps = new ArrayList<>();
        if (a.cropPadding() > 0) steps.add(new RandomCrop(shape, a.cropPadding(), fill));
        if (a.horizontalFlip()) steps.add(new RandomHorizontalFlip(shape));
        if (a.affine()) steps.add(new RandomAffine(shape, a.rotation(), a.widthShift(), a.heightShift(), a.shear(), a.zoom(), fill));
        return steps.size() == 1 ? steps.get(0) : new Compose(steps);
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

    public static Optimizer optimizer(TrainConfig.Optimizer o, Module model) {
        return switch (o.name()) {
            case "sgd" -> new SGD(model.parameters(), o.lr(), o.momentum(), o.dampening(), o.weightDecay(), o.nesterov());
            case "adam" -> new Adam(model.parameters(), o.lr(), o.betas().get(0), o.betas().get(1), o.eps(), o.weightDecay());
            case "adamw" -> new AdamW(model.parameters(), o.lr(), o.betas().get(0), o.betas().get(1), o.eps(), o.weightDecay());
            default -> throw new IllegalStateException("validated optimizer name " + o.name());
        };
    }

    /** The schedule runs per optimizer step, so epochs in the config are converted to steps. */
    public static LrSchedule schedule(TrainConfig c, int stepsPerEpoch) {
        final TrainConfig.Schedule s = c.schedule();
        final double lr = c.optimizer().lr();
        return switch (s.name()) {
            case "constant" -> new ConstantLr(lr);
            case "cosine" -> new CosineAnnealing(lr, c.epochs() * stepsPerEpoch, s.etaMin(), s.warmupEpochs() * stepsPerEpoch);
            case "step" -> new StepDecay(lr, s.stepSize() * stepsPerEpoch, s.gamma());
            // scaled so that the peak, reached after warmup_steps, is optimizer.lr
            case "inverse_sqrt" -> new InverseSqrtWarmup(1, s.warmupSteps(), lr * Math.sqrt(s.warmupSteps()));
            default -> throw new IllegalStateException("validated schedule name " + s.name());
        };
    }
}
