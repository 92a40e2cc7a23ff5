package sau.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One training run, as written in {@code configs/*.json}. Field names are snake_case in JSON
 * ({@code batch_size}); a field left out takes the default given here, and an unknown field is
 * an error. README.md documents every field.
 */
public record TrainConfig(
        String name,
        Long seed,
        String device,
        Boolean tf32,
        Integer threads,
        Model model,
        Data dataset,
        @JsonProperty("batch_size") Integer batchSize,
        Integer epochs,
        Optimizer optimizer,
        Schedule schedule,
        @JsonProperty("label_smoothing") Float labelSmoothing,
        Checkpoint checkpoint,
        Logging logging,
        Detection detection,
        @JsonProperty("clip_grad_norm") Float clipGradNorm,
        Translation translation) {

    public TrainConfig {
        name = name == null ? "run" : name;
        seed = seed == null ? 0L : seed;
        device = device == null ? "cpu" : device;
        tf32 = tf32 != null && tf32;
        threads = threads == null ? 0 : threads;
        model = model == null ? new Model(null, null, null) : model;
        dataset = dataset == null ? new Data(null, null, null, null, null, null, null, null) : dataset;
        batchSize = batchSize == null ? 128 : batchSize;
        epochs = epochs == null ? 10 : epochs;
        optimizer = optimizer == null ? new Optimizer(null, null, null, null, null, null, null, null) : optimizer;
        schedule = schedule == null ? new Schedule(null, null, null, null, null, null) : schedule;
        labelSmoothing = labelSmoothing == null ? 0f : labelSmoothing;
        checkpoint = checkpoint == null ? new Checkpoint(null, null) : checkpoint;
        logging = logging == null ? new Logging(null, null) : logging;
        detection = detection == null ? new Detection(null, null, null, null, null, null, null) : detection;
        clipGradNorm = clipGradNorm == null ? 0f : clipGradNorm;
        translation = translation == null ? new Translation(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null) : translation;
    }

    /** Which network: a registered model name, its activation spec and model-specific options. */
    public record Model(String name, String activation, Map<String, Object> options) {
        public Model {
            name = name == null ? "mlp" : name;
            activation = activation == null ? "relu" : activation;
            options = options == null ? Map.of() : options;
        }
    }

    /**
     * Which data: a registered dataset name, where its files are, how much of it to use, the image
     * size the model sees, and the augmentation of the training images.
     */
    public record Data(
            String name,
            String path,
            @JsonProperty("train_limit") Integer trainLimit,
            @JsonProperty("test_limit") Integer testLimit,
            Boolean normalize,
            @JsonProperty("image_size") Integer imageSize,
            String resize,
            Augment augment) {
        public Data {
            name = name == null ? "fashion-mnist" : name;
            trainLimit = trainLimit == null ? 0 : trainLimit;
            testLimit = testLimit == null ? 0 : testLimit;
            normalize = normalize == null ? Boolean.TRUE : normalize;
            imageSize = imageSize == null ? 0 : imageSize;
            resize = resize == null ? "pad" : resize;
            augment = augment == null ? new Augment(null, null, null, null, null, null, null, null, null) : augment;
        }
    }

    /**
     * Random changes to each training image (Keras' set plus torchvision's crop and flip, for
     * classification; SSD's, for detection); all off by default.
     */
    public record Augment(
            @JsonProperty("crop_padding") Integer cropPadding,
            @JsonProperty("horizontal_flip") Boolean horizontalFlip,
            Double rotation,
            @JsonProperty("width_shift") Double widthShift,
            @JsonProperty("height_shift") Double heightShift,
            Double shear,
            Double zoom,
            Boolean ssd,
            @JsonProperty("zoom_out") Double zoomOut) {
        public Augment {
            cropPadding = cropPadding == null ? 0 : cropPadding;
            horizontalFlip = horizontalFlip == null ? Boolean.FALSE : horizontalFlip;
            rotation = rotation == null ? 0.0 : rotation;
            widthShift = widthShift == null ? 0.0 : widthShift;
            heightShift = heightShift == null ? 0.0 : heightShift;
            shear = shear == null ? 0.0 : shear;
            zoom = zoom == null ? 0.0 : zoom;
            ssd = ssd == null ? Boolean.FALSE : ssd;
            zoomOut = zoomOut == null ? 4.0 : zoomOut;
        }

        /** Any of the classification augmentations. */
        public boolean any() {
            return cropPadding > 0 || horizontalFlip || rotation > 0 || widthShift > 0 || heightShift > 0 || shear > 0 || zoom > 0;
        }

        public boolean affine() {
            return rotation > 0 || widthShift > 0 || heightShift > 0 || shear > 0 || zoom > 0;
        }
    }

    /** The optimizer and its hyper-parameters, with PyTorch's names and defaults. */
    public record Optimizer(
            String name,
            Double lr,
            Double momentum,
            Double dampening,
            @JsonProperty("weight_decay") Double weightDecay,
            Boolean nesterov,
            List<Double> betas,
            Double eps) {
        public Optimizer {
            name = name == null ? "sgd" : name;
            lr = lr == null ? 0.01 : lr;
            momentum = momentum == null ? 0.0 : momentum;
            dampening = dampening == null ? 0.0 : dampening;
            weightDecay = weightDecay == null ? 0.0 : weightDecay;
            nesterov = nesterov == null ? Boolean.FALSE : nesterov;
            betas = betas == null ? List.of(0.9, 0.999) : List.copyOf(betas);
            eps = eps == null ? 1e-8 : eps;
        }
    }

    /** How the learning rate changes over the epochs. */
    public record Schedule(
            String name,
            @JsonProperty("warmup_epochs") Integer warmupEpochs,
            @JsonProperty("eta_min") Double etaMin,
            @JsonProperty("step_size") Integer stepSize,
            Double gamma,
            @JsonProperty("warmup_steps") Integer warmupSteps) {
        public Schedule {
            warmupSteps = warmupSteps == null ? 4000 : warmupSteps;
            name = name == null ? "constant" : name;
            warmupEpochs = warmupEpochs == null ? 0 : warmupEpochs;
            etaMin = etaMin == null ? 0.0 : etaMin;
            stepSize = stepSize == null ? 30 : stepSize;
            gamma = gamma == null ? 0.1 : gamma;
        }
    }

    /** When checkpoints are written. */
    public record Checkpoint(@JsonProperty("every_epochs") Integer everyEpochs, @JsonProperty("every_steps") Integer everySteps) {
        public Checkpoint {
            everyEpochs = everyEpochs == null ? 1 : everyEpochs;
            everySteps = everySteps == null ? 0 : everySteps;
        }
    }

    /** Where the run is written and how progress is shown. */
    public record Logging(@JsonProperty("runs_dir") String runsDir, String progress) {
        public Logging {
            runsDir = runsDir == null ? "runs" : runsDir;
            progress = progress == null ? "auto" : progress;
        }
    }

    /**
     * Object detection (a {@code voc} dataset): how default boxes are matched and mined in
     * training, and how detections are selected for the mAP evaluation. torchvision's SSD defaults.
     */
    public record Detection(
            @JsonProperty("iou_threshold") Float iouThreshold,
            @JsonProperty("neg_pos_ratio") Integer negPosRatio,
            @JsonProperty("score_threshold") Float scoreThreshold,
            @JsonProperty("nms_threshold") Float nmsThreshold,
            Integer candidates,
            @JsonProperty("max_detections") Integer maxDetections,
            @JsonProperty("eval_every_epochs") Integer evalEveryEpochs) {
        public Detection {
            iouThreshold = iouThreshold == null ? 0.5f : iouThreshold;
            negPosRatio = negPosRatio == null ? 3 : negPosRatio;
            scoreThreshold = scoreThreshold == null ? 0.01f : scoreThreshold;
            nmsThreshold = nmsThreshold == null ? 0.45f : nmsThreshold;
            candidates = candidates == null ? 400 : candidates;
            maxDetections = maxDetections == null ? 200 : maxDetections;
            evalEveryEpochs = evalEveryEpochs == null ? 1 : evalEveryEpochs;
        }
    }

    /**
     * Translation runs ({@code dataset.name: "parallel-text"}): the language pair and its files,
     * the byte-pair encoding, batching by tokens, decoding and scoring.
     */
    public record Translation(
            String source,
            String target,
            String train,
            String valid,
            String test,
            @JsonProperty("bpe_merges") Integer bpeMerges,
            @JsonProperty("max_tokens") Integer maxTokens,
            @JsonProperty("max_length") Integer maxLength,
            Integer beam,
            @JsonProperty("length_penalty") Double lengthPenalty,
            @JsonProperty("max_len_a") Double maxLenA,
            @JsonProperty("max_len_b") Integer maxLenB,
            @JsonProperty("bleu_sentences") Integer bleuSentences,
            @JsonProperty("test_sentences") Integer testSentences,
            @JsonProperty("average_checkpoints") Integer averageCheckpoints) {
        public Translation {
            source = source == null ? "en" : source;
            target = target == null ? "de" : target;
            train = train == null ? "train" : train;
            valid = valid == null ? "valid" : valid;
            test = test == null ? "test" : test;
            bpeMerges = bpeMerges == null ? 8000 : bpeMerges;
            maxTokens = maxTokens == null ? 4096 : maxTokens;
            maxLength = maxLength == null ? 128 : maxLength;
            beam = beam == null ? 4 : beam;
            lengthPenalty = lengthPenalty == null ? 0.6 : lengthPenalty;
            maxLenA = maxLenA == null ? 1.0 : maxLenA;
            maxLenB = maxLenB == null ? 50 : maxLenB;
            bleuSentences = bleuSentences == null ? 500 : bleuSentences;
            testSentences = testSentences == null ? 0 : testSentences;
            averageCheckpoints = averageCheckpoints == null ? 1 : averageCheckpoints;
        }
    }
}
