package sau.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void forRangeVisitsEveryIndexExactlyOnce() {
        final int n = 10_007;
        final AtomicIntegerArray seen = new AtomicIntegerArray(n);
        Parallel.forRange(n, 16, (start, end) -> {
            for (int i = start; i < end; i++) seen.incrementAndGet(i);
        });
        final int[] counts = new int[n];
        final int[] ones = new int[n];
        for (int i = 0; i < n; i++) {
            counts[i] = seen.get(i);
            ones[i] = 1;
        }
        assertArrayEquals(ones, counts);
    }

    @Test
    void chunksCoverTheRangeWithoutGaps() {
        assertEquals(0, Parallel.chunkStart(10, 3, 0));
        assertEquals(3, Parallel.chunkStart(10, 3, 1));
        assertEquals(6, Parallel.chunkStart(10, 3, 2));
        assertEquals(10, Parallel.chunkStart(10, 3, 3));
    }

    @Test
    void eachThreadStartsOnItsOwnShareOfTheParts() {
        for (int round = 0; round < 20; round++) {
            final Map<Thread, Integer> first = firstPartOfEachThread(8, false);
            assertEquals(0, first.get(Thread.currentThread()), "the calling thread's share starts at part 0");
            assertEquals(Set.of(0, 4), Set.copyOf(first.values()), "the worker's share starts at part 4");
        }
    }

    @Test
    void inOrderThePartsGoToWhicheverThreadAsksFirst() {
        assertEquals(Set.of(0, 1), Set.copyOf(firstPartOfEachThread(8, true).values()));
    }

    /**
     * The part each of two threads claims first, in a region of {@code count} parts: each thread
     * holds its first part until the other has started one, so neither can run ahead into the
     * other's share.
     */
    private static Map<Thread, Integer> firstPartOfEachThread(int count, boolean inOrder) {
        final int saved = Parallel.threads();
        try {
            Parallel.setThreads(2);
            final Map<Thread, Integer> first = new ConcurrentHashMap<>();
            final CyclicBarrier bothStarted = new CyclicBarrier(2);
            final IntConsumer part = p -> {
                if (first.putIfAbsent(Thread.currentThread(), p) != null) return;
                try {
                    bothStarted.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the other thread did not start a part within 10 s", e);
                }
            };
            if (inOrder) Parallel.forChunksInOrder(count, part);
            else Parallel.forChunks(count, part);
            assertEquals(2, first.size());
            return first;
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void aFailingPartIsRethrownToTheCaller() {
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forChunks(8, part -> {
            if (part == 5) throw new IllegalStateException("part 5 failed");
        }));
        assertEquals("part 5 failed", e.getMessage());
        // The pool still works afterwards.
        final AtomicLong sum = new AtomicLong();
        Parallel.forChunks(8, part -> sum.addAndGet(part));
        assertEquals(28, sum.get());
    }

    @Test
    void regionsFromTwoThreadsAtOnceAndNestedRegionsAllComplete() throws InterruptedException {
        final int rounds = 2000;
        final AtomicLong[] sums = {new AtomicLong(), new AtomicLong()};
        final Thread[] callers = new Thread[2];
        for (int t = 0; t < 2; t++) {
            final AtomicLong sum = sums[t];
            callers[t] = new Thread(() -> {
                for (int r = 0; r < rounds; r++) {
                    Parallel.forChunks(4, outer -> Parallel.forRange(10, 1, (s, e) -> {
                        for (int i = s; i < e; i++) sum.addAndGet(outer * 10 + i);
                    }));
                }
            });
            callers[t].start();
        }
        for (Thread c : callers) c.join();
        // Each round adds 0 + 1 + ... + 39 = 780.
        assertEquals(780L * rounds, sums[0].get());
        assertEquals(780L * rounds, sums[1].get());
    }
}
