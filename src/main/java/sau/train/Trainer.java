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
import sau.data.DataLoader;
import sau.nn.Module;
import sau.ops.Losses;
import sau.optim.Optimizer;
import sau.optim.schedule.LrSchedule;
import sau.tensor.Arena;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * The training loop: for each epoch, every batch goes forward, the cross-entropy loss goes
 * backward, and the optimizer steps; then the model is evaluated on the test set, one line of
 * metrics is appended to {@code metrics.jsonl}, and a checkpoint is written.
 *
 * <p>Everything that decides the numbers (the data order, dropout masks, the learning rate) is
 * a function of the seed and of the position in training, and a checkpoint records that
 * position, so a resumed run produces the same metrics as one that was never interrupted.
 */
public final class Trainer {

    /** How the loop runs. */
    public record Options(int epochs, float labelSmoothing, int checkpointEveryEpochs, int checkpointEverySteps, boolean progressInPlace, boolean progressLines) {}

    /** One evaluation pass: mean loss and top-1/top-5 accuracy. */
    public record Evaluation(double loss, double top1, double top5, int images) {}

    private final Module model;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final DataLoader train;
    private final DataLoader test;
    private final Generator modelRng;
    private final Path runDir;
    private final Options options;
    private final PrintStream console;
    private final RunRecords records;

    public Trainer(Module model, Optimizer optimizer, LrSchedule schedule, DataLoader train, DataLoader test,
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
    }

    /** Trains from scratch, or from the run's latest checkpoint when {@code resume}; returns the metrics of every epoch. */
    public List<Map<String, Object>> fit(boolean resume) throws IOException {
        Files.createDirectories(runDir);
        TrainState state = resume ? records.resume(model, optimizer, modelRng, options.epochs()) : TrainState.start(modelRng);
        final List<Map<String, Object>> history = new ArrayList<>();
        final ProgressBar bar = new ProgressBar(console, options.progressInPlace());
        final int steps = train.batchesPerEpoch();
        for (int epoch = state.epoch(); epoch < options.epochs(); epoch++) {
            model.train();
            double lossSum = state.lossSum(), seconds = state.trainSeconds();
            long correct1 = state.correct1(), correct5 = state.correct5(), seen = state.seen();
            long globalStep = state.globalStep();
            final double epochLr = schedule.lr((int) (globalStep - state.nextBatch()));
            int step = state.nextBatch();
            long t0 = System.nanoTime();
            final int firstStep = step;
            final long sessionStart = t0;
            try (DataLoader.Epoch batches = train.epoch(epoch, state.nextBatch())) {
                while (batches.hasNext()) {
                    final DataLoader.Batch batch = batches.next();
                    optimizer.setLr(schedule.lr((int) globalStep));
                    final int n = batch.targets().numel();
                    // The step's activations and gradients are reused by the next step (see Arena).
                    try (Arena stepArena = Arena.open()) {
                        final Tensor logits = model.forward(Arena.to(batch.inputs(), model.device()));
                        final Tensor loss = Losses.crossEntropy(logits, batch.targets(), options.labelSmoothing(), Losses.IGNORE_INDEX, Losses.Reduction.MEAN);
                        final float lossValue = loss.item();
                        if (!Float.isFinite(lossValue)) {
                            bar.finish();
                            throw TrainingDiverged.at(lossValue, epoch, step, steps, globalStep, runDir);
                        }
                        optimizer.zeroGrad();
                        loss.backward();
                        optimizer.step();
                        lossSum += (double) lossValue * n;
                        try (NoGrad scope = NoGrad.enter()) {
                            correct1 += Accuracy.correct(logits, batch.targets(), 1);
                            correct5 += Accuracy.correct(logits, batch.targets(), 5);
                        }
                    }
                    seen += n;
                    step++;
                    globalStep++;
                    final double sessionSeconds = (System.nanoTime() - sessionStart) * 1e-9;
                    final double perStep = sessionSeconds / (step - firstStep);
                    bar.update(epoch + 1, options.epochs(), step, steps, lossSum / seen, (double) correct1 / seen,
                            n / perStep, (steps - step) * perStep);
                    if (options.checkpointEverySteps() > 0 && globalStep % options.checkpointEverySteps() == 0 && step < steps) {
                        seconds += (System.nanoTime() - t0) * 1e-9;
                        t0 = System.nanoTime();
                        checkpoint(TrainState.at(epoch, step, globalStep, modelRng, lossSum, correct1, correct5, seen, seconds));
                    }
                }
            }
            seconds += (System.nanoTime() - t0) * 1e-9;
            bar.finish();
            final Evaluation ev = evaluate(model, test);
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", epoch + 1);
            m.put("train_loss", lossSum / seen);
            m.put("train_acc", (double) correct1 / seen);
            m.put("train_top5", (double) correct5 / seen);
            m.put("test_loss", ev.loss());
            m.put("test_acc", ev.top1());
            m.put("test_top5", ev.top5());
            m.put("lr", epochLr);
            m.put("images_per_s", seen / seconds);
            m.put("epoch_s", seconds);
            final Map<String, Object> learned = LearnedActivations.of(model);
            if (!learned.isEmpty()) m.put("activations", learned);
            records.appendMetrics(m);
            history.add(m);
            final String line = String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f acc %.2f%%  test loss %.4f acc %.2f%% top5 %.2f%%  lr %.4g  %,.0f img/s  %.1f s",
                    epoch + 1, options.epochs(), lossSum / seen, 100.0 * correct1 / seen, ev.loss(), 100 * ev.top1(), 100 * ev.top5(), epochLr, seen / seconds, seconds);
            records.log(line);
            state = TrainState.epochStart(epoch + 1, globalStep, modelRng);
            if ((epoch + 1) % options.checkpointEveryEpochs() == 0 || epoch + 1 == options.epochs()) checkpoint(state);
        }
        return history;
    }

    /** Mean cross-entropy and top-1/top-5 accuracy over a whole dataset, in eval mode, without a graph. */
    public static Evaluation evaluate(Module model, DataLoader data) {
        model.eval();
        double lossSum = 0;
        long c1 = 0, c5 = 0, n = 0;
        try (NoGrad scope = NoGrad.enter(); DataLoader.Epoch batches = data.epoch(0, 0)) {
            while (batches.hasNext()) {
                final DataLoader.Batch batch = batches.next();
                final int b = batch.targets().numel();
                try (Arena batchArena = Arena.open()) {
                    final Tensor logits = model.forward(Arena.to(batch.inputs(), model.device()));
                    lossSum += (double) Losses.crossEntropy(logits, batch.targets()).item() * b;
                    c1 += Accuracy.correct(logits, batch.targets(), 1);
                    c5 += Accuracy.correct(logits, batch.targets(), 5);
                }
                n += b;
            }
        }
        model.train();
        return new Evaluation(lossSum / n, (double) c1 / n, (double) c5 / n, (int) n);
    }

    private void checkpoint(TrainState state) throws IOException {
        Checkpoints.save(runDir, model, optimizer, state);
    }

}
