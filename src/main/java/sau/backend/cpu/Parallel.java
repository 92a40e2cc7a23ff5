package sau.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The one thread pool that every CPU kernel shares.
 *
 * <p>Kernels split their work into ranges with {@link #forRange} or into numbered parts with
 * {@link #forChunks}; the calling thread works too, so {@code threads - 1} workers keep every
 * core busy.
 *
 * <p><b>Why not an {@code ExecutorService}.</b> A training step runs thousands of parallel
 * regions, many of them only tens of microseconds long (a batch norm over a small feature map, a
 * ReLU). Handing a task to a parked thread through a queue costs a wake-up by the operating system,
 * several microseconds and far more in a virtual machine, every time. Here the workers stay awake
 * for a short while after each region, spinning on a counter, so the next region starts on them at
 * once; only after {@link #SPIN_NANOS} without work do they park.
 *
 * <p><b>Who runs which part.</b> The parts of a region are dealt out in contiguous shares, the
 * first to the calling thread, the next to the first worker, and so on; each thread runs its own
 * share first and then helps with what is left of the others', so a worker that starts late simply
 * runs fewer parts. Dealing the same way every time keeps each thread on the same data from one op
 * to the next: the first half of a tensor that one op wrote is read by the next op on the same
 * core, from its own cache. Where the two cores are far apart that matters: a line written on one
 * core and read on the other takes about 450 ns (docs/performance.md, "Two placements of the
 * cores"). Which thread runs a part never changes what the part computes, so results do not depend
 * on the thread count or on timing.
 */
public final class Parallel {

    /** The work of one range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /** How long an idle worker keeps spinning before it parks: longer than the gap between the regions of a step. */
    private static final long SPIN_NANOS = 200_000;

    /**
     * {@link #forRange} cuts its work into this many ranges per thread, not one: with one range
     * each, a thread that starts late or is slowed (on a virtual machine, by its neighbours) keeps
     * the others waiting at the end of every region; with several, the others take its share.
     * A ShuffleNet training step, thousands of short regions, got 5–15% faster.
     */
    static final int RANGES_PER_THREAD = 4;

    /** Set while a thread runs part of a parallel region: a kernel called from there runs serially. */
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

    private static int threads = defaultThreads();
    private static Pool pool = new Pool(threads - 1);

    private Parallel() {}

    private static int defaultThreads() {
        final String env = System.getenv("SAU_THREADS");
        if (env != null && !env.isBlank()) return Math.max(1, Integer.parseInt(env.trim()));
        return Runtime.getRuntime().availableProcessors();
    }

    /** How many threads the kernels use. */
    public static int threads() {
        return threads;
    }

    /** How many threads a region started here would get: 1 inside a parallel region, where it would run serially. */
    public static int threadsHere() {
        return INSIDE.get() ? 1 : threads;
    }

    /** Changes the number of threads the kernels use (the CLI's {@code --threads}). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, got " + n);
        if (n == threads) return;
        pool.shutdown();
        threads = n;
        pool = new Pool(n - 1);
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #RANGES_PER_THREAD} contiguous
     * ranges per thread, of at least {@code grain} items each; returns when all are done.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        final int parts = threads == 1 ? 1 : Math.min(threads * RANGES_PER_THREAD, Math.max(1, n / Math.max(1, grain)));
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
     * The parts are dealt in contiguous shares, the first to the calling thread (see the class
     * comment). Nested calls (a kernel inside another kernel's parallel loop) run serially: the
     * pool's threads are already busy. So does a call from a second thread while the pool is
     * running another thread's region (a data-loading thread, say): it does not wait for its turn.
     */
    public static void forChunks(int count, IntConsumer task) {
        run(count, task, false);
    }

    /**
     * As {@link #forChunks}, but the parts are handed out in order, each to whichever thread asks
     * first: for a region whose first parts are one per thread and whose later parts should go to
     * whichever thread finishes its own first.
     */
    public static void forChunksInOrder(int count, IntConsumer task) {
        run(count, task, true);
    }

    private static void run(int count, IntConsumer task, boolean inOrder) {
        final Pool p = pool;
        if (count == 1 || p.workers.length == 0 || INSIDE.get() || !p.lock.tryLock()) {
            runSerially(count, task);
            return;
        }
        try {
            p.run(count, task, inOrder ? 1 : Math.min(count, p.workers.length + 1));
        } finally {
            p.lock.unlock();
        }
    }

    private static void runSerially(int count, IntConsumer task) {
        final boolean outer = !INSIDE.get();
        INSIDE.set(true);
        try {
            for (int i = 0; i < count; i++) task.accept(i);
        } finally {
            if (outer) INSIDE.set(false);
        }
    }

    /**
     * One parallel region: its parts, dealt into one share per thread; the next unclaimed part of
     * each share; how many parts are finished; the first failure.
     */
    private static final class Region {
        /** Ints between two shares' counters: 16 are a cache line, so claiming from one's own share does not disturb the others. */
        private static final int SPACING = 16;

        final IntConsumer task;
        final int count, shares;
        final AtomicIntegerArray next;
        final AtomicInteger finished = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Region(IntConsumer task, int count, int shares) {
            this.task = task;
            this.count = count;
            this.shares = shares;
            next = new AtomicIntegerArray(shares * SPACING);
            for (int share = 1; share < shares; share++) next.set(share * SPACING, chunkStart(count, shares, share));
        }

        /**
         * Runs the parts of share {@code self}, then claims what is left of the others' shares,
         * until none are left. A thread without a share of its own (more threads than parts, or
         * parts handed out in order) starts on share {@code self % shares}.
         */
        void work(int self) {
            INSIDE.set(true);
            int done = 0;
            try {
                for (int i = 0; i < shares; i++) {
                    final int share = (self + i) % shares, end = chunkStart(count, shares, share + 1);
                    for (int part; (part = next.getAndIncrement(share * SPACING)) < end; done++) {
                        try {
                            if (failure.get() == null) task.accept(part);
                        } catch (Throwable t) {
                            failure.compareAndSet(null, t);
                        }
                    }
                }
            } finally {
                finished.addAndGet(done);
                INSIDE.set(false);
            }
        }
    }

    /** The worker threads and the region they are working on. */
    private static final class Pool {
        final ReentrantLock lock = new ReentrantLock();
        final Thread[] workers;
        /** The current region; a new object each time, so a worker can tell it from the one it finished. */
        volatile Region region;
        volatile boolean stopped;

        Pool(int size) {
            workers = new Thread[size];
            for (int i = 0; i < size; i++) {
                final int share = i + 1;
                workers[i] = new Thread(() -> workerLoop(share), "sau-cpu-" + share);
                workers[i].setDaemon(true);
                workers[i].start();
            }
        }

        /** Runs one region of {@code count} parts dealt into {@code shares} shares (1: all claimed in order). */
        void run(int count, IntConsumer task, int shares) {
            final Region r = new Region(task, count, shares);
            region = r;
            for (Thread w : workers) LockSupport.unpark(w); // no-op for a worker that is spinning
            r.work(0);
            // The caller has run out of parts to claim; wait for the ones still running elsewhere,
            // giving the core away now and then in case their thread is waiting for one.
            for (int spins = 1; r.finished.get() < count; spins++) {
                if (spins % 1024 == 0) Thread.yield();
                else Thread.onSpinWait();
            }
            final Throwable t = r.failure.get();
            if (t instanceof RuntimeException re) throw re;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        }

        private void workerLoop(int share) {
            Region done = null;
            while (!stopped) {
                Region r = region;
                if (r == done || r == null) {
                    // Spin a little while for the next region, then sleep until unparked.
                    final long start = System.nanoTime();
                    while ((r = region) == done || r == null) {
                        if (stopped) return;
                        if (System.nanoTime() - start > SPIN_NANOS) {
                            LockSupport.park(this);
                            if (stopped) return;
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                }
                r.work(share);
                done = r;
            }
        }

        void shutdown() {
            stopped = true;
            for (Thread w : workers) LockSupport.unpark(w);
        }
    }
}
