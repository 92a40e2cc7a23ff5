package sau.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MemoryTest {

    /** A large array touched and dropped before the reset does not count in the peak after it. */
    @Test
    void resetPeakForgetsWhatEarlierWorkLeftBehind() {
        assumeTrue(Files.isWritable(Path.of("/proc/self/clear_refs")), "needs Linux's /proc/self/clear_refs");
        float[] big = new float[300 << 20]; // 1.2 GiB
        for (int i = 0; i < big.length; i += 1024) big[i] = i; // every page resident
        final double before = Memory.peakResidentMb();
        assertTrue(big[big.length - 1024] > 0);
        big = null;
        Memory.resetPeak();
        final double after = Memory.peakResidentMb();
        assertTrue(after < before - 600, "peak " + before + " MiB before the reset, " + after + " after");
    }
}
