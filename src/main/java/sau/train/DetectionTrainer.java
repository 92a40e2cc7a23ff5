package sau.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sau.autograd.NoGrad;
import sau.data.DetectionLoader;
import sau.detection.Boxes;
import sau.detection.Detection;
import sau.detection.Matcher;
import sau.detection.MeanAveragePrecision;
import sau.detection.MultiboxLoss;
import sau.detection.Postprocess;
import sau.models.SSD300;
import sau.optim.Optimizer;
import sau.optim.schedule.LrSchedule;
import sau.tensor.Generator;
import sau.tensor.Arena;
import sau.tensor.Tensor;

/**
 * The training loop of an SSD detector: every batch's objects are matched to the default boxes,
 * the model's outputs go through the multibox loss, backward, and the optimizer steps. After an
 * epoch the model is scored on the test images by VOC mAP at IoU 0.5 (11-point and all-points),
 * one line of metrics goes to {@code metrics.jsonl}, and a checkpoint is written. Checkpoints and
 * resuming work as in {@link Trainer}: a resumed run sees the same batches and numbers.
 */
public final class DetectionTrainer {

    /** How the loop runs. */
    public record Options(int epochs, int checkpointEveryEpochs, int checkpointEverySteps, int evalEveryEpochs,
                          float matchIou, int negativesPerPositive, Postprocess postprocess, boolean progressInPlace, boolean progressLines) {}

    private final SSD300 model;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final DetectionLoader train;
    private final DetectionLoader test;
    private final Generator modelRng;
    private final Path runDir;
    private final Options options;
    private final PrintStream console;
    private final RunRecords records;
    private final float[] priors;
    private final float[] priorCorners;

    public DetectionTrainer(SSD300 model, Optimizer optimizer, LrSchedule schedule, DetectionLoader train, DetectionLoader test,
                            Generator modelRng, Path runDir, Options options, PrintStream console) {
        this.model = model;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.train = train;
        this.test = test;
        this.modelRng = modelRng;
        this.runDir = runDir;
        this.options = options;
        this.console = console;
        this.records = new RunRecords(runDir, console, options.progressLines() || options.progressInPlace());
        this.priors = model.defaultBoxes().centres();
        this.priorCorners = Boxes.toCorners(priors);
    }

    /** Trains from scratch, or from the latest checkpoint when {@code resume}; returns every epoch's metrics. */
    public List<Map<String, Object>> fit(boolean resume) throws IOException {
        Files.createDirectories(runDir);
        TrainState state = resume ? records.resume(model, optimizer, modelRng, options.epochs()) : TrainState.start(modelRng);
        final List<Map<String, Object>> history = new ArrayList<>();
        final ProgressBar bar = new ProgressBar(console, options.progressInPlace());
        final int steps = train.batchesPerEpoch();
        for (int epoch = state.epoch(); epoch < options.epochs(); epoch++) {
            model.train();
            double lossSum = state.lossSum(), seconds = state.trainSeconds();
            long seen = state.seen(), globalStep = state.globalStep();
            final double epochLr = schedule.lr((int) (globalStep - state.nextBatch()));
            int step = state.nextBatch();
            final int firstStep = step;
            long t0 = System.nanoTime();
            final long sessionStart = t0;
            try (DetectionLoader.Epoch batches = train.epoch(epoch, state.nextBatch())) {
                while (batches.hasNext()) {
                    final DetectionLoader.Batch batch = batches.next();
                    optimizer.setLr(schedule.lr((int) globalStep));
                    final float lossValue;
                    try (Arena stepArena = Arena.open()) { // the step's arrays are reused by the next step
                        final Tensor loss = MultiboxLoss.of(model.forward(Arena.to(batch.images(), model.device())), targets(batch), options.negativesPerPositive());
                        lossValue = loss.item();
                        if (!Float.isFinite(lossValue)) {
                            bar.finish();
                            throw TrainingDiverged.at(lossValue, epoch, step, steps, globalStep, runDir);
                        }
                        optimizer.zeroGrad();
                        loss.backward();
                        optimizer.step();
                    }
                    final int n = batch.size();
                    lossSum += (double) lossValue * n;
                    seen += n;
                    step++;
                    globalStep++;
                    final double perStep = (System.nanoTime() - sessionStart) * 1e-9 / (step - firstStep);
                    bar.update(epoch + 1, options.epochs(), step, steps, lossSum / seen, Double.NaN, n / perStep, (steps - step) * perStep);
                    if (options.checkpointEverySteps() > 0 && globalStep % options.checkpointEverySteps() == 0 && step < steps) {
                        seconds += (System.nanoTime() - t0) * 1e-9;
                        t0 = System.nanoTime();
                        Checkpoints.save(runDir, model, optimizer, TrainState.at(epoch, step, globalStep, modelRng, lossSum, 0, 0, seen, seconds));
                    }
                }
            }
            seconds += (System.nanoTime() - t0) * 1e-9;
            bar.finish();
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", epoch + 1);
            m.put("train_loss", lossSum / seen);
            String scores = "";
            if ((epoch + 1) % options.evalEveryEpochs() == 0 || epoch + 1 == options.epochs()) {
                final long e0 = System.nanoTime();
                final MeanAveragePrecision.Result r = evaluate(model, test, options.postprocess());
                m.put("test_map", r.mapAll());
                m.put("test_map_11point", r.map11());
                final Map<String, Object> perClass = new LinkedHashMap<>();
                final List<String> names = test.dataset().classNames();
                for (int c = 0; c < names.size(); c++) perClass.put(names.get(c), Double.isNaN(r.apAll()[c]) ? null : r.apAll()[c]);
                m.put("test_ap", perClass);
                m.put("eval_s", (System.nanoTime() - e0) * 1e-9);
                scores = String.format(Locale.ROOT, "  test mAP@0.5 %.4f (11-point %.4f)", r.mapAll(), r.map11());
            }
            m.put("lr", epochLr);
            m.put("images_per_s", seen / seconds);
            m.put("epoch_s", seconds);
            final Map<String, Object> learned = LearnedActivations.of(model);
            if (!learned.isEmpty()) m.put("activations", learned);
            records.appendMetrics(m);
            history.add(m);
            final String line = String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f%s  lr %.4g  %,.1f img/s  %.1f s",
                    epoch + 1, options.epochs(), lossSum / seen, scores, epochLr, seen / seconds, seconds);
            records.log(line);
            state = TrainState.epochStart(epoch + 1, globalStep, modelRng);
            if ((epoch + 1) % options.checkpointEveryEpochs() == 0 || epoch + 1 == options.epochs()) Checkpoints.save(runDir, model, optimizer, state);
        }
        return history;
    }

    /** Each image's objects matched to the default boxes. */
    private Matcher.Targets[] targets(DetectionLoader.Batch batch) {
        final Matcher.Targets[] t = new Matcher.Targets[batch.size()];
        for (int i = 0; i < t.length; i++) t[i] = Matcher.match(batch.boxes().get(i), batch.labels().get(i), priors, priorCorners, options.matchIou());
        return t;
    }

    /** VOC mAP@0.5 of the model's detections on every image of {@code data}, in eval mode, without a graph. */
    public static MeanAveragePrecision.Result evaluate(SSD300 model, DetectionLoader data, Postprocess post) {
        model.eval();
        final float[] priors = model.defaultBoxes().centres();
        final MeanAveragePrecision map = new MeanAveragePrecision(data.dataset().classNames().size());
        try (NoGrad scope = NoGrad.enter(); DetectionLoader.Epoch batches = data.epoch(0, 0)) {
            while (batches.hasNext()) {
                final DetectionLoader.Batch batch = batches.next();
                final List<List<Detection>> found;
                try (Arena batchArena = Arena.open()) {
                    found = post.detect(model.forward(Arena.to(batch.images(), model.device())), priors);
                }
                for (int i = 0; i < batch.size(); i++) map.add(batch.boxes().get(i), batch.labels().get(i), batch.difficult().get(i), found.get(i));
            }
        }
        model.train();
        return map.compute();
    }
}
