package sau.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one thread pool that every CPU kernel shares.
 *
 * <p>Kernels split their work into ranges with {@link #forRange}; the calling thread runs the
 * first range itself, so a pool of {@code threads - 1} workers keeps every core busy. Work is
 * never split below {@code grain} items, because waking a thread costs a few microseconds.
 */
public final class Parallel {

    /** The work of one range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /** Set while a thread runs part of a parallel region: a kernel called from there runs serially. */
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

    private static int threads = defaultThreads();
    private static ExecutorService pool = newPool(threads);

    private Parallel() {}

    private static int defaultThreads() {
        final String env = System.getenv("SAU_THREADS");
        if (env != null && !env.isBlank()) return Math.max(1, Integer.parseInt(env.trim()));
        return Runtime.getRuntime().availableProcessors();
    }

    private static ExecutorService newPool(int n) {
        return Executors.newFixedThreadPool(Math.max(1, n - 1), r -> {
            final Thread t = new Thread(r, "sau-cpu");
            t.setDaemon(true);
            return t;
        });
    }

    /** How many threads the kernels use. */
    public static int threads() {
        return threads;
    }

    /** Changes the number of threads the kernels use (the CLI's {@code --threads}). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, got " + n);
        if (n == threads) return;
        pool.shutdown();
        threads = n;
        pool = newPool(n);
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #threads()} contiguous
     * ranges of at least {@code grain} items each; returns when all are done.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        final int parts = Math.min(threads, Math.max(1, n / Math.max(1, grain)));
        if (parts <= 1) {
            body.run(0, n);
            return;
        }
        forChunks(parts, part -> body.run(chunkStart(n, parts, part), chunkStart(n, parts, part + 1)));
    }

    /** The start of chunk {@code part} when {@code n} items are split into {@code parts} equal chunks. */
    public static int chunkStart(int n, int parts, int part) {
        return (int) ((long) n * part / parts);
    }

    /**
     * Runs {@code task(0) ... task(count - 1)}, spread over the threads; returns when all are done.
     * Nested calls (a kernel inside another kernel's parallel loop) run serially: the pool's
     * threads are already busy, and a worker waiting for tasks queued behind it would deadlock.
     */
    public static void forChunks(int count, java.util.function.IntConsumer task) {
        if (count == 1 || threads == 1 || INSIDE.get()) {
            for (int i = 0; i < count; i++) task.accept(i);
            return;
        }
        final List<Future<?>> futures = new ArrayList<>(count - 1);
        for (int i = 1; i < count; i++) {
            final int part = i;
            futures.add(pool.submit(() -> runInside(task, part)));
        }
        runInside(task, 0);
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a CPU kernel", e);
            } catch (ExecutionException e) {
                final Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) throw re;
                if (cause instanceof Error err) throw err;
                throw new IllegalStateException(cause);
            }
        }
    }

    private static void runInside(java.util.function.IntConsumer task, int part) {
        INSIDE.set(true);
        try {
            task.accept(part);
        } finally {
            INSIDE.set(false);
        }
    }
}
