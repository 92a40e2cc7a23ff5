package sau.bench;

import java.util.Arrays;

/**
 * How far apart the machine's cores are right now: the time for a value written by one thread to
 * be seen by a thread on another core and answered. Training steps hand data between the threads
 * at every op, so this latency moves them: on the virtual machines these benchmarks run on, the
 * host places the two virtual cores sometimes next to each other (a round trip of about 50 ns)
 * and sometimes far apart (about 410 ns), for seconds to minutes at a time, and the MLP step
 * takes about 1.27 ms in the first case and 1.57 ms in the second (docs/performance.md). Each training
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

    /** The value the two threads pass back and forth: odd from the caller, even from the echo, -1 to stop. */
    private static volatile int ball;

    private CoreLatency() {}

    /** The median round trip in nanoseconds over five batches after the warm-up, or NaN on a machine with one core. */
    static double roundTripNanos() {
        if (Runtime.getRuntime().availableProcessors() < 2) return Double.NaN;
        ball = 0;
        // One thread answers every trip, warm-up and batches: each odd value becomes the next even one.
        final Thread echo = new Thread(() -> {
            while (true) {
                int seen;
                for (int spins = 1; (seen = ball) % 2 == 0; spins++) pause(spins);
                if (seen < 0) return;
                ball = seen + 1;
            }
        }, "sau-core-latency");
        echo.setDaemon(true);
        echo.start();
        final long warm = System.nanoTime() + WARMUP_NANOS;
        while (System.nanoTime() < warm) trips(ROUND_TRIPS);
        final double[] batches = new double[5];
        for (int b = 0; b < batches.length; b++) {
            final long start = System.nanoTime();
            trips(ROUND_TRIPS);
            batches[b] = (double) (System.nanoTime() - start) / ROUND_TRIPS;
        }
        ball = -1;
        try {
            echo.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Arrays.sort(batches);
        return batches[batches.length / 2];
    }

    /** Sends the ball {@code count} times and waits for each answer. */
    private static void trips(int count) {
        for (int i = 0; i < count; i++) {
            final int sent = ball + 1;
            ball = sent;
            for (int spins = 1; ball == sent; spins++) pause(spins);
        }
    }

    /**
     * One step of a wait: a spin hint, and now and then the core given away, so that if both
     * threads share one core (the other busy elsewhere) the one waited for gets to run.
     */
    private static void pause(int spins) {
        if (spins % 1024 == 0) Thread.yield();
        else Thread.onSpinWait();
    }
}
