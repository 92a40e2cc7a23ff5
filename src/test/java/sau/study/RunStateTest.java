package sau.study;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sau.train.TrainState;

/** The skip/resume/start decision on hand-made run folders. */
class RunStateTest {

    @TempDir
    Path tmp;

    /** A run folder with {@code lines} metrics lines and, when {@code checkpointEpoch >= 0}, a checkpoint at that position. */
    private Path run(String name, int lines, int checkpointEpoch, int nextBatch) throws IOException {
        final Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        final StringBuilder sb = new StringBuilder();
        for (int e = 1; e <= lines; e++) sb.append("{\"epoch\":").append(e).append(",\"test_acc\":0.5}\n");
        Files.writeString(dir.resolve("metrics.jsonl"), sb.toString());
        if (checkpointEpoch >= 0) {
            final Path ck = dir.resolve("checkpoints").resolve("step-00000042");
            Files.createDirectories(ck);
            Files.writeString(ck.resolve("state.json"), new ObjectMapper().writeValueAsString(new TrainState(checkpointEpoch, nextBatch, 42, 0, 0, 0, 0, 0, 0, 0)));
            Files.writeString(dir.resolve("checkpoints").resolve("latest"), "step-00000042\n");
        }
        return dir;
    }

    @Test
    void decisions() throws IOException {
        assertEquals(RunState.NOT_STARTED, RunState.of(tmp.resolve("absent"), 3));
        assertEquals(RunState.NOT_STARTED, RunState.of(run("logged-but-no-checkpoint", 2, -1, 0), 3));
        assertEquals(RunState.RESUMABLE, RunState.of(run("after-epoch-2", 2, 2, 0), 3));
        assertEquals(RunState.RESUMABLE, RunState.of(run("mid-epoch-3", 2, 2, 5), 3));
        // killed after logging the last epoch but before its checkpoint: resuming redoes that epoch
        assertEquals(RunState.RESUMABLE, RunState.of(run("last-epoch-logged-only", 3, 2, 0), 3));
        assertEquals(RunState.FINISHED, RunState.of(run("finished", 3, 3, 0), 3));
        // a final checkpoint with lines missing from the log: only training again can rewrite them
        assertEquals(RunState.NOT_STARTED, RunState.of(run("log-lost-lines", 2, 3, 0), 3));
    }

    @Test
    void aPointerToAMissingCheckpointIsNoCheckpoint() throws IOException {
        final Path dir = run("pointer-dangling", 3, 3, 0);
        Files.delete(dir.resolve("checkpoints").resolve("step-00000042").resolve("state.json"));
        Files.delete(dir.resolve("checkpoints").resolve("step-00000042"));
        assertEquals(RunState.NOT_STARTED, RunState.of(dir, 3));
    }
}
