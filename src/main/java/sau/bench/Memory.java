package sau.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's peak resident memory, as the kernel counts it (Linux's VmHWM, "high water mark"). */
final class Memory {

    private Memory() {}

    /**
     * Starts a new peak, so that a training step measured after other benchmarks in this JVM
     * reports its own and not theirs (PyTorch's side runs each benchmark in a process of its
     * own): a full collection, after which G1 gives the heap that the earlier benchmarks left
     * behind back to the system, then the kernel's high-water mark reset to what is resident now
     * (Linux's {@code /proc/self/clear_refs}, value 5). Where that file cannot be written the
     * peak stays the process's.
     */
    static void resetPeak() {
        System.gc();
        // G1 gives the memory back on a thread of its own, soon after the collection: wait until
        // the resident size stops falling (at most a second) before the mark is reset.
        double resident = residentMb();
        for (int i = 0; i < 20; i++) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            final double now = residentMb();
            if (!(now < resident - 1)) break;
            resident = now;
        }
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | SecurityException e) {
            // Not Linux, or not allowed: peakResidentMb() then counts from the start of the process.
        }
    }

    /** Peak resident set size in MiB since the process started (or the last {@link #resetPeak}), or NaN where /proc is not available. */
    static double peakResidentMb() {
        return status("VmHWM:");
    }

    /** The resident set size now, in MiB, or NaN. */
    static double residentMb() {
        return status("VmRSS:");
    }

    /** A size in kB from {@code /proc/self/status}, in MiB, or NaN. */
    private static double status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
