package sau.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
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
