package sau.config;

import java.util.List;

/** The checks on a bound config's values; each failure names the field and what is allowed. */
final class Validation {

    static final List<String> OPTIMIZERS = List.of("sgd", "adam", "adamw");
    static final List<String> SCHEDULES = List.of("constant", "cosine", "step", "inverse_sqrt");
    static final List<String> PROGRESS = List.of("auto", "bar", "lines", "none");

    private Validation() {}

    static void check(TrainConfig c, String source) {
        final Checker k = new Checker(source);
        k.that(c.name().matches("[A-Za-z0-9._-]+"), "name", "\"" + c.name() + "\" must be letters, digits, '.', '_' or '-' (it names the run folder)");
        k.that(c.device().matches("cpu|auto|cuda(:\\d+)?"), "device", "\"" + c.device() + "\" is not one of cpu, cuda, cuda:N, auto");
        k.that(c.threads() >= 0, "threads", "must be 0 (all cores) or more, got " + c.threads());
        k.that(c.batchSize() >= 1, "batch_size", "must be at least 1, got " + c.batchSize());
        k.that(c.epochs() >= 1, "epochs", "must be at least 1, got " + c.epochs());
        k.that(c.labelSmoothing() >= 0 && c.labelSmoothing() < 1, "label_smoothing", "must be in [0, 1), got " + c.labelSmoothing());
        k.oneOf(c.optimizer().name(), OPTIMIZERS, "optimizer.name");
        k.that(c.optimizer().lr() > 0, "optimizer.lr", "must be positive, got " + c.optimizer().lr());
        k.that(c.optimizer().momentum() >= 0, "optimizer.momentum", "must be 0 or more, got " + c.optimizer().momentum());
        k.that(c.optimizer().weightDecay() >= 0, "optimizer.weight_decay", "must be 0 or more, got " + c.optimizer().weightDecay());
        k.that(c.optimizer().betas().size() == 2 && c.optimizer().betas().stream().allMatch(b -> b >= 0 && b < 1),
                "optimizer.betas", "must be two numbers in [0, 1), got " + c.optimizer().betas());
        k.that(!c.optimizer().nesterov() || c.optimizer().momentum() > 0, "optimizer.nesterov", "needs momentum > 0");
        k.oneOf(c.schedule().name(), SCHEDULES, "schedule.name");
        k.that(c.schedule().warmupEpochs() >= 0 && c.schedule().warmupEpochs() < c.epochs(), "schedule.warmup_epochs", "must be in [0, epochs), got " + c.schedule().warmupEpochs());
        k.that(c.schedule().stepSize() >= 1, "schedule.step_size", "must be at least 1, got " + c.schedule().stepSize());
        k.that(c.dataset().trainLimit() >= 0, "dataset.train_limit", "must be 0 (all) or more");
        k.that(c.dataset().testLimit() >= 0, "dataset.test_limit", "must be 0 (all) or more");
        k.that(c.dataset().imageSize() >= 0, "dataset.image_size", "must be 0 (as stored) or a size in pixels, got " + c.dataset().imageSize());
        k.oneOf(c.dataset().resize(), List.of("pad", "resize"), "dataset.resize");
        final TrainConfig.Augment a = c.dataset().augment();
        k.that(a.cropPadding() >= 0, "dataset.augment.crop_padding", "must be 0 or more, got " + a.cropPadding());
        k.that(a.rotation() >= 0 && a.rotation() <= 180, "dataset.augment.rotation", "must be in [0, 180] degrees, got " + a.rotation());
        k.that(a.widthShift() >= 0 && a.widthShift() < 1, "dataset.augment.width_shift", "must be a fraction in [0, 1), got " + a.widthShift());
        k.that(a.heightShift() >= 0 && a.heightShift() < 1, "dataset.augment.height_shift", "must be a fraction in [0, 1), got " + a.heightShift());
        k.that(a.shear() >= 0 && a.shear() < 90, "dataset.augment.shear", "must be in [0, 90) degrees, got " + a.shear());
        k.that(a.zoom() >= 0 && a.zoom() < 1, "dataset.augment.zoom", "must be a fraction in [0, 1), got " + a.zoom());
        k.that(c.schedule().warmupEpochs() == 0 || c.schedule().name().equals("cosine"), "schedule.warmup_epochs", "is only used by the cosine schedule");
        k.that(c.checkpoint().everyEpochs() >= 1, "checkpoint.every_epochs", "must be at least 1");
        k.that(c.checkpoint().everySteps() >= 0, "checkpoint.every_steps", "must be 0 (off) or more");
        k.oneOf(c.logging().progress(), PROGRESS, "logging.progress");
        final TrainConfig.Detection d = c.detection();
        k.that(d.iouThreshold() > 0 && d.iouThreshold() <= 1, "detection.iou_threshold", "must be in (0, 1], got " + d.iouThreshold());
        k.that(d.negPosRatio() >= 1, "detection.neg_pos_ratio", "must be at least 1, got " + d.negPosRatio());
        k.that(d.scoreThreshold() >= 0 && d.scoreThreshold() < 1, "detection.score_threshold", "must be in [0, 1), got " + d.scoreThreshold());
        k.that(d.nmsThreshold() > 0 && d.nmsThreshold() <= 1, "detection.nms_threshold", "must be in (0, 1], got " + d.nmsThreshold());
        k.that(d.candidates() >= 1, "detection.candidates", "must be at least 1, got " + d.candidates());
        k.that(d.maxDetections() >= 1, "detection.max_detections", "must be at least 1, got " + d.maxDetections());
        k.that(d.evalEveryEpochs() >= 1, "detection.eval_every_epochs", "must be at least 1, got " + d.evalEveryEpochs());
        final boolean detection = c.dataset().name().equals("voc");
        k.that(!a.ssd() || detection, "dataset.augment.ssd", "is the detection augmentation; a " + c.dataset().name() + " dataset takes the other augment fields");
        k.that(a.zoomOut() >= 1, "dataset.augment.zoom_out", "must be at least 1 (1: no zooming out), got " + a.zoomOut());
        k.that(a.ssd() || a.zoomOut() == 4.0, "dataset.augment.zoom_out", "belongs to the detection augmentation; set \"ssd\": true with it");
        k.that(!detection || !a.any(), "dataset.augment", "a voc (detection) dataset takes only \"ssd\": true; crop_padding, flips, rotation, shifts, shear and zoom move no boxes");
        k.that(!detection || c.model().name().equals("ssd300"), "model.name",
                "\"" + c.model().name() + "\" is a classifier; a voc (detection) dataset needs ssd300");
        k.that(detection || !c.model().name().equals("ssd300"), "dataset.name",
                "\"" + c.dataset().name() + "\" is a classification dataset; ssd300 needs a voc (detection) dataset");
        k.that(c.clipGradNorm() >= 0, "clip_grad_norm", "must be 0 (off) or a positive gradient norm, got " + c.clipGradNorm());
        k.that(c.schedule().warmupSteps() >= 1, "schedule.warmup_steps", "must be at least 1, got " + c.schedule().warmupSteps());
        final TrainConfig.Translation t = c.translation();
        k.that(!t.source().isBlank() && !t.target().isBlank() && !t.source().equals(t.target()), "translation.source",
                "source and target must be two different, non-empty language codes, got \"" + t.source() + "\" and \"" + t.target() + "\"");
        k.that(t.bpeMerges() >= 0, "translation.bpe_merges", "must be 0 (characters only) or more, got " + t.bpeMerges());
        k.that(t.maxTokens() >= 8, "translation.max_tokens", "must be at least 8 tokens per batch, got " + t.maxTokens());
        k.that(t.maxLength() >= 1, "translation.max_length", "must be at least 1 token, got " + t.maxLength());
        k.that(t.beam() >= 1, "translation.beam", "must be at least 1, got " + t.beam());
        k.that(t.lengthPenalty() >= 0, "translation.length_penalty", "must be 0 or more, got " + t.lengthPenalty());
        k.that(t.maxLenA() >= 0 && t.maxLenB() >= 1, "translation.max_len_b", "outputs may have max_len_a·source + max_len_b tokens: need max_len_a ≥ 0, max_len_b ≥ 1");
        k.that(t.bleuSentences() >= 0, "translation.bleu_sentences", "must be 0 (none) or more, got " + t.bleuSentences());
        k.that(t.testSentences() >= 0, "translation.test_sentences", "must be 0 (all) or more, got " + t.testSentences());
        k.that(t.averageCheckpoints() >= 1, "translation.average_checkpoints", "must be at least 1 (1: no averaging), got " + t.averageCheckpoints());
    }

    private record Checker(String source) {

        void that(boolean ok, String field, String problem) {
            if (!ok) throw new ConfigError(source + ": " + field + ": " + problem);
        }

        void oneOf(String value, List<String> allowed, String field) {
            that(allowed.contains(value), field, "\"" + value + "\" is not one of " + String.join(", ", allowed));
        }
    }
}
