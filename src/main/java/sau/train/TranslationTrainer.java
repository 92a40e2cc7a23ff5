package sau.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sau.autograd.NoGrad;
import sau.models.Transformer;
import sau.ops.Losses;
import sau.ops.Reductions;
import sau.ops.Views;
import sau.optim.GradClip;
import sau.optim.Optimizer;
import sau.optim.schedule.LrSchedule;
import sau.tensor.Arena;
import sau.tensor.Generator;
import sau.tensor.Tensor;
import sau.text.ParallelCorpus;
import sau.text.TokenBatcher;
import sau.text.Tokenizer;
import sau.text.Vocabulary;
import sau.translation.Decoding;

/**
 * The training loop of a translation run: every batch of sentence pairs goes through the
 * Transformer teacher-forced (the decoder sees the reference prefix), the label-smoothed
 * cross-entropy over the real target tokens goes backward, the gradients are clipped to a global
 * norm, and the optimizer steps with the learning rate of the schedule's step. After each epoch
 * the model is scored on the validation pairs (loss per token and greedy BLEU on the first
 * {@code bleuSentences}), a line goes to {@code metrics.jsonl} and {@code train.log}, and a
 * checkpoint is written ({@link Checkpoints}: atomic, resumable with the same numbers).
 *
 * <p>With {@code averageCheckpoints} = N &gt; 1, the weights at the end of each of the last N
 * epochs are kept in {@code epochs/}, and their mean is written to {@code averaged.safetensors}
 * when training ends; {@link #weightsFor} then prefers it.
 */
public final class TranslationTrainer {

    /** How the loop runs. */
    public record Options(int epochs, float labelSmoothing, double clipGradNorm, int checkpointEveryEpochs, int checkpointEverySteps,
                          int bleuSentences, int averageCheckpoints, Decoding.Settings decoding, boolean progressInPlace, boolean progressLines) {}

    public static final String AVERAGED = "averaged.safetensors";

    private final Transformer model;
    private final Tokenizer tokenizer;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final TokenBatcher train;
    private final TokenBatcher valid;
    private final List<ParallelCorpus.Pair> validText;
    private final Generator modelRng;
    private final Path runDir;
    private final Options options;
    private final PrintStream console;
    private final RunRecords records;

    public TranslationTrainer(Transformer model, Tokenizer tokenizer, Optimizer optimizer, LrSchedule schedule, TokenBatcher train, TokenBatcher valid,
                              List<ParallelCorpus.Pair> validText, Generator modelRng, Path runDir, Options options, PrintStream console) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.train = train;
        this.valid = valid;
        this.validText = validText;
        this.modelRng = modelRng;
        this.runDir = runDir;
        this.options = options;
        this.console = console;
        this.records = new RunRecords(runDir, console, options.progressLines() || options.progressInPlace());
    }

    /** Trains from scratch, or from the run's latest checkpoint when {@code resume}; returns the metrics of the epochs trained now. */
    public List<Map<String, Object>> fit(boolean resume) throws IOException {
        Files.createDirectories(runDir);
        TrainState state = resume ? records.resume(model, optimizer, modelRng, options.epochs()) : TrainState.start(modelRng);
        final List<Map<String, Object>> history = new ArrayList<>();
        final ProgressBar bar = new ProgressBar(console, options.progressInPlace(), "tok");
        final int steps = train.batchesPerEpoch();
        for (int epoch = state.epoch(); epoch < options.epochs(); epoch++) {
            model.train();
            double lossSum = state.lossSum(), seconds = state.trainSeconds();
            long correct = state.correct1(), tokens = state.seen(), globalStep = state.globalStep();
            final double epochLr = schedule.lr((int) (globalStep - state.nextBatch()) + 1);
            final int[] order = train.order(epoch);
            final int firstStep = state.nextBatch();
            long t0 = System.nanoTime();
            final long sessionStart = t0;
            long sessionTokens = 0;
            for (int step = firstStep; step < steps; step++) {
                final TokenBatcher.Batch batch = train.batch(order[step]);
                optimizer.setLr(schedule.lr((int) globalStep + 1));
                final float lossValue;
                final long correctNow;
                try (Arena stepArena = Arena.open()) { // the step's arrays are reused by the next step
                    final Tensor logits = model.forward(batch.source(), batch.targetIn());
                    final Tensor flat = Views.reshape(logits, -1, logits.size(2));
                    final Tensor targets = Views.reshape(batch.targetOut(), -1);
                    final Tensor loss = Losses.crossEntropy(flat, targets, options.labelSmoothing(), Vocabulary.PAD, Losses.Reduction.MEAN);
                    lossValue = loss.item();
                    if (!Float.isFinite(lossValue)) {
                        bar.finish();
                        throw TrainingDiverged.at(lossValue, epoch, step, steps, globalStep, runDir, "a smaller optimizer.lr, a longer schedule.warmup_steps or clip_grad_norm");
                    }
                    optimizer.zeroGrad();
                    loss.backward();
                    if (options.clipGradNorm() > 0) GradClip.clipGradNorm(optimizer.parameters(), options.clipGradNorm());
                    optimizer.step();
                    correctNow = correctTokens(flat, targets);
                }
                lossSum += (double) lossValue * batch.targetTokens();
                tokens += batch.targetTokens();
                sessionTokens += batch.targetTokens();
                correct += correctNow;
                globalStep++;
                final double perToken = (System.nanoTime() - sessionStart) * 1e-9 / sessionTokens;
                final double perStep = (System.nanoTime() - sessionStart) * 1e-9 / (step + 1 - firstStep);
                bar.update(epoch + 1, options.epochs(), step + 1, steps, lossSum / tokens, (double) correct / tokens, 1 / perToken, (steps - step - 1) * perStep);
                if (options.checkpointEverySteps() > 0 && globalStep % options.checkpointEverySteps() == 0 && step + 1 < steps) {
                    seconds += (System.nanoTime() - t0) * 1e-9;
                    t0 = System.nanoTime();
                    Checkpoints.save(runDir, model, optimizer, new TrainState(epoch, step + 1, globalStep, modelRng.state().counter(),
                            Double.doubleToRawLongBits(modelRng.state().spareNormal()), lossSum, correct, 0, tokens, seconds));
                }
            }
            seconds += (System.nanoTime() - t0) * 1e-9;
            bar.finish();
            final double validLoss = TranslationEvaluation.loss(model, valid);
            final List<ParallelCorpus.Pair> bleuSet = validText.subList(0, Math.min(options.bleuSentences(), validText.size()));
            final Bleu.Score validBleu = bleuSet.isEmpty() ? null : TranslationEvaluation.bleu(model, tokenizer, bleuSet, options.decoding(), false);
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", epoch + 1);
            m.put("train_loss", lossSum / tokens);
            m.put("train_acc", (double) correct / tokens);
            m.put("valid_loss", validLoss);
            m.put("valid_ppl", Math.exp(validLoss));
            if (validBleu != null) m.put("valid_bleu", validBleu.bleu());
            m.put("lr", epochLr);
            m.put("tokens_per_s", tokens / seconds);
            m.put("epoch_s", seconds);
            final Map<String, Object> learned = LearnedActivations.of(model);
            if (!learned.isEmpty()) m.put("activations", learned);
            records.appendMetrics(m);
            history.add(m);
            final String line = String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f acc %.2f%%  valid loss %.4f ppl %.2f%s  lr %.4g  %,.0f tok/s  %.1f s",
                    epoch + 1, options.epochs(), lossSum / tokens, 100.0 * correct / tokens, validLoss, Math.exp(validLoss),
                    validBleu == null ? "" : String.format(Locale.ROOT, " BLEU %.2f (greedy, %d sentences)", validBleu.bleu(), bleuSet.size()),
                    epochLr, tokens / seconds, seconds);
            records.log(line);
            state = new TrainState(epoch + 1, 0, globalStep, modelRng.state().counter(), Double.doubleToRawLongBits(modelRng.state().spareNormal()), 0, 0, 0, 0, 0);
            if ((epoch + 1) % options.checkpointEveryEpochs() == 0 || epoch + 1 == options.epochs()) Checkpoints.save(runDir, model, optimizer, state);
            if (options.averageCheckpoints() > 1) keepEpochWeights(epoch + 1);
        }
        if (options.averageCheckpoints() > 1 && !history.isEmpty()) writeAverage();
        return history;
    }

    /** Target tokens (padding excluded) whose most likely prediction is right. */
    private static long correctTokens(Tensor logits, Tensor targets) {
        try (NoGrad scope = NoGrad.enter()) {
            final float[] predicted = Reductions.argmax(logits.detach(), 1, false).toArray(), t = targets.toArray();
            long n = 0;
            for (int i = 0; i < t.length; i++) if (t[i] != Vocabulary.PAD && predicted[i] == t[i]) n++;
            return n;
        }
    }

    private void keepEpochWeights(int epoch) throws IOException {
        final Path dir = runDir.resolve("epochs");
        Files.createDirectories(dir);
        final Path tmp = dir.resolve(".tmp.safetensors");
        Safetensors.write(tmp, model.stateDict(), Map.of("format", "pt"));
        Files.move(tmp, dir.resolve(String.format("epoch-%04d.safetensors", epoch)), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        final List<Path> all = epochFiles();
        for (int i = 0; i < all.size() - options.averageCheckpoints(); i++) Files.delete(all.get(i));
    }

    private List<Path> epochFiles() throws IOException {
        try (var s = Files.list(runDir.resolve("epochs"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("epoch-")).sorted().toList();
        }
    }

    private void writeAverage() throws IOException {
        final List<Map<String, Tensor>> states = new ArrayList<>();
        for (Path p : epochFiles()) states.add(Safetensors.read(p).tensors());
        final Path tmp = runDir.resolve(".averaged.tmp");
        Safetensors.write(tmp, CheckpointAverage.average(states), Map.of("format", "pt", "averaged", Integer.toString(states.size())));
        Files.move(tmp, runDir.resolve(AVERAGED), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        records.log("averaged the weights of the last " + states.size() + " epochs into " + runDir.resolve(AVERAGED));
    }

    /** The weights to translate with: the averaged ones if the run made them, else the latest checkpoint's. */
    public static Path weightsFor(Path runDir) throws IOException {
        if (Files.exists(runDir.resolve(AVERAGED))) return runDir.resolve(AVERAGED);
        final Path latest = Checkpoints.latest(runDir);
        return latest == null ? null : latest.resolve("model.safetensors");
    }

}
