package sau.train;

/** The loss became NaN or infinite: training stops, and the message says where and what to try. */
public final class TrainingDiverged extends RuntimeException {

    public TrainingDiverged(String message) {
        super(message);
    }

    /** The loss {@code loss} at step {@code step} (0-based) of {@code steps} in epoch {@code epoch} (0-based) of the run in {@code runDir}. */
    static TrainingDiverged at(float loss, int epoch, int step, int steps, long globalStep, java.nio.file.Path runDir) throws java.io.IOException {
        return at(loss, epoch, step, steps, globalStep, runDir, "a smaller optimizer.lr or a schedule with warm-up");
    }

    /** As above, with what to try instead ({@code remedy}). */
    static TrainingDiverged at(float loss, int epoch, int step, int steps, long globalStep, java.nio.file.Path runDir, String remedy) throws java.io.IOException {
        final java.nio.file.Path last = Checkpoints.latest(runDir);
        return new TrainingDiverged(String.format(java.util.Locale.ROOT,
                "the loss became %s at epoch %d, step %d/%d (global step %d); %s; try %s",
                loss, epoch + 1, step + 1, steps, globalStep + 1,
                last == null ? "no checkpoint had been written yet" : "the last good checkpoint is " + last, remedy));
    }
}
