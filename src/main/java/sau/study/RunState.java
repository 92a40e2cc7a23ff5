package sau.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import sau.train.Checkpoints;
import sau.train.TrainState;

/** Where one run of a study stands, which decides what a (re)started study does with it. */
public enum RunState {
    /** All epochs logged and the final checkpoint written: skipped. */
    FINISHED,
    /** A checkpoint exists but is not the final one: resumed from it. */
    RESUMABLE,
    /**
     * No checkpoint, or a final one whose metrics log lost lines (only training again can rewrite
     * them): trained from the beginning, after discarding what an earlier attempt left.
     */
    NOT_STARTED;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads the run folder. Both conditions of "finished" are needed: the metrics log alone could
     * be complete while the last checkpoint was never written (a kill between the two), and the
     * checkpoint alone says nothing if someone removed the log.
     */
    public static RunState of(Path runDir, int epochs) throws IOException {
        final Path latest = Checkpoints.latest(runDir);
        if (latest == null) return NOT_STARTED;
        final TrainState state = JSON.readValue(latest.resolve("state.json").toFile(), TrainState.class);
        final boolean finalCheckpoint = state.epoch() >= epochs && state.nextBatch() == 0;
        if (!finalCheckpoint) return RESUMABLE;
        return loggedEpochs(runDir) >= epochs ? FINISHED : NOT_STARTED;
    }

    private static long loggedEpochs(Path runDir) throws IOException {
        final Path metrics = runDir.resolve("metrics.jsonl");
        if (!Files.exists(metrics)) return 0;
        try (var lines = Files.lines(metrics)) {
            return lines.filter(l -> !l.isBlank()).count();
        }
    }
}
