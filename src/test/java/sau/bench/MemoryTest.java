package sau.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryTest {

    /**
     * A large array touched and dropped before the reset does not count in the peak after it. Run
     * in a JVM of its own: in the test JVM, what the other tests hold keeps the heap resident.
     */
    @Test
    void resetPeakForgetsWhatEarlierWorkLeftBehind() throws IOException, InterruptedException {
        assumeTrue(Files.isWritable(Path.of("/proc/self/clear_refs")), "needs Linux's /proc/self/clear_refs");
        final String java = ProcessHandle.current().info().command().orElseThrow();
        // A small initial heap: G1 keeps at least that much committed (by default 1/64 of the
        // machine's memory), which would blur the drop on a large machine.
        final Process child = new ProcessBuilder(List.of(java, "-Xms64m", "-Xmx2g", "-XX:+UseG1GC",
                "-cp", System.getProperty("java.class.path"), Child.class.getName()))
                .redirectErrorStream(true).start();
        final String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, child.waitFor(), out);
        final String[] mb = out.split(" ");
        final double before = Double.parseDouble(mb[0]), after = Double.parseDouble(mb[1]);
        assertTrue(before > 800, "the 800 MiB array counted before the reset: " + out);
        assertTrue(after < before - 400, "peak " + before + " MiB before the reset, " + after + " after");
    }

    /** Touches 800 MiB, drops it, resets the peak; prints the peak before and after. */
    static final class Child {
        public static void main(String[] args) {
            float[] big = new float[200 << 20];
            for (int i = 0; i < big.length; i += 1024) big[i] = 1; // every page resident
            final double before = Memory.peakResidentMb();
            big = null;
            Memory.resetPeak();
            System.out.println(before + " " + Memory.peakResidentMb());
        }
    }
}
