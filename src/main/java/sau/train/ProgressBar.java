package sau.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Training progress on stderr. On a terminal one line is redrawn in place
 * ({@code epoch 3/10 [=====>     ] 120/469 loss 0.4123 acc 85.2% 2,345 img/s ETA 0:12});
 * elsewhere (a log file, CI) nothing is drawn during an epoch and the trainer prints one line
 * per epoch instead, so logs stay readable.
 */
public final class ProgressBar {

    private static final int WIDTH = 24;
    /** Redraw at most this often; a terminal that is written to too often slows the run. */
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean inPlace;
    private final String unit;
    private long lastDraw;
    private int lastLength;

    public ProgressBar(PrintStream out, boolean inPlace) {
        this(out, inPlace, "img");
    }

    /** @param unit what the throughput counts: {@code img} (images), {@code tok} (tokens) */
    public ProgressBar(PrintStream out, boolean inPlace, String unit) {
        this.out = out;
        this.inPlace = inPlace;
        this.unit = unit;
    }

    /** {@code acc} NaN: a task without an accuracy (detection), left out of the line. */
    public void update(int epoch, int epochs, int step, int steps, double loss, double acc, double itemsPerSecond, double etaSeconds) {
        if (!inPlace) return;
        final long now = System.nanoTime();
        if (step < steps && now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        final int filled = steps == 0 ? WIDTH : (int) ((long) WIDTH * step / steps);
        final String bar = "=".repeat(Math.max(0, filled - 1)) + (filled > 0 && filled < WIDTH ? ">" : filled == WIDTH ? "=" : "") + " ".repeat(WIDTH - filled);
        final String accuracy = Double.isNaN(acc) ? "" : String.format(Locale.ROOT, " acc %.2f%%", 100 * acc);
        final String line = String.format(Locale.ROOT, "epoch %d/%d [%s] %d/%d loss %.4f%s %,.0f %s/s ETA %s",
                epoch, epochs, bar, step, steps, loss, accuracy, itemsPerSecond, unit, duration(etaSeconds));
        out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        out.flush();
        lastLength = line.length();
    }

    /** Ends the in-place line, so that the next output starts on a fresh one. */
    public void finish() {
        if (inPlace && lastLength > 0) {
            out.print("\r" + " ".repeat(lastLength) + "\r");
            out.flush();
            lastLength = 0;
        }
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) return "?";
        final long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
