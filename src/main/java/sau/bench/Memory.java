package sau.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's peak resident memory, as the kernel counts it (Linux's VmHWM, "high water mark"). */
final class Memory {

    private Memory() {}

    /** Peak resident set size in MiB since the process started, or NaN where /proc is not available. */
    static double peakResidentMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
