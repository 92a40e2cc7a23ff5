package sau.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicIntegerArray;
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
}
