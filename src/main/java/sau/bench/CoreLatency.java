package sau.bench;

import java.util.Arrays;

/**
 * How far apart the machine's cores are right now: the time for a value written by one thread to
 * be seen by a thread on another core and answered. Training steps hand data between the threads
 * at every op, so this latency moves them: on the virtual machines these benchmarks run on, the
 * host places the two virtual cores sometimes next to each other (a round trip of about 50 ns)
 * and sometimes far apart (about 410 ns), for seconds to minutes at a time, and the MLP step
 * took 1.2 ms in the first case and 1.65 ms in the second (docs/performance.md). Each training
 * row reports the round trip measured right after its timed runs, so that a slow row can be told
 * from a slow placement.
 */
final class CoreLatency {

    private static final int ROUND_TRIPS = 20_000;

    /**
     * How long the two threads pass the value before it is timed. Measured after a pause (the
     * calling thread waiting for PyTorch's process), the first 0.2–0.3 s of round trips took
     * 700–1,200 ns even where they then took 50: the idle core takes that long to come back up.
     */
    private static final long WARMUP_NANOS = 400_000_000L;

    /** The value the two threads pass back and forth: odd from the caller, even from the echo. */
    private static volatile int ball;

    private CoreLatency() {}

    /** The median round trip in nanoseconds over five batches after the warm-up, or NaN on a machine with one core. */
    static double roundTripNanos() {
        if (Runtime.getRuntime().availableProcessors() < 2) return Double.NaN;
        final long warm = System.nanoTime() + WARMUP_NANOS;
        while (System.nanoTime() < warm) batch();
        final double[] batches = new double[5];
        for (int b = 0; b < batches.length; b++) batches[b] = batch();
        Arrays.sort(batches);
        return batches[batches.length / 2];
    }

    private static double batch() {
        ball = 0;
        final Thread echo = new Thread(() -> {
            for (int i = 0; i < ROUND_TRIPS; i++) {
                await(2 * i + 1);
                ball = 2 * i + 2;
            }
        }, "sau-core-latency");
        echo.setDaemon(true);
        echo.start();
        // The first trip also waits for the thread to start: leave it out of the time.
        ball = 1;
        await(2);
        final long start = System.nanoTime();
        for (int i = 1; i < ROUND_TRIPS; i++) {
            ball = 2 * i + 1;
            await(2 * i + 2);
        }
        final long elapsed = System.nanoTime() - start;
        try {
            echo.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return (double) elapsed / (ROUND_TRIPS - 1);
    }

    /**
     * Spins until the ball has the value, giving the core away now and then: if both threads
     * share one core (the other busy elsewhere), the one waited for gets to run.
     */
    private static void await(int value) {
        for (int spins = 1; ball != value; spins++) {
            if (spins % 1024 == 0) Thread.yield();
            else Thread.onSpinWait();
        }
    }
}
