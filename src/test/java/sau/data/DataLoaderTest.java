package sau.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import sau.tensor.Generator;

class DataLoaderTest {

    /** Sample i is a 2x3 image filled with the value i; its label is i mod 4. */
    private static final class Counting implements Dataset {
        private final int size;

        Counting(int size) {
            this.size = size;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public int[] sampleShape() {
            return new int[] {1, 2, 3};
        }

        @Override
        public int numClasses() {
            return 4;
        }

        @Override
        public List<String> classNames() {
            return List.of("a", "b", "c", "d");
        }

        @Override
        public void sample(int index, float[] dst, int dstOffset) {
            Arrays.fill(dst, dstOffset, dstOffset + 6, index);
        }

        @Override
        public int label(int index) {
            return index % 4;
        }
    }

    /** Adds a random number to every pixel, as an augmentation would. */
    private static final SampleTransform NOISE = (x, off, rng) -> {
        for (int i = 0; i < 6; i++) x[off + i] += rng.nextFloat();
    };

    private static List<DataLoader.Batch> all(DataLoader loader, int epoch, int startBatch) {
        final List<DataLoader.Batch> out = new ArrayList<>();
        try (DataLoader.Epoch batches = loader.epoch(epoch, startBatch)) {
            batches.forEachRemaining(out::add);
        }
        return out;
    }

    private static int[] indices(List<DataLoader.Batch> batches) {
        return batches.stream().flatMapToInt(b -> Arrays.stream(b.indices())).toArray();
    }

    private static void assertSameBatches(List<DataLoader.Batch> expected, List<DataLoader.Batch> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).indices(), actual.get(i).indices());
            assertArrayEquals(expected.get(i).inputs().toArray(), actual.get(i).inputs().toArray());
            assertArrayEquals(expected.get(i).targets().toArray(), actual.get(i).targets().toArray());
        }
    }

    @Test
    void everySampleOnceWithItsLabel() {
        final DataLoader loader = new DataLoader(new Counting(10), 4, true, false, 7, null);
        assertEquals(3, loader.batchesPerEpoch());
        final List<DataLoader.Batch> batches = all(loader, 0, 0);
        assertEquals(List.of(4, 4, 2), batches.stream().map(DataLoader.Batch::size).toList());
        assertArrayEquals(new int[] {4, 1, 2, 3}, batches.get(0).inputs().shape());
        assertArrayEquals(new int[] {4}, batches.get(0).targets().shape());
        final int[] seen = indices(batches);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Arrays.stream(seen).sorted().toArray());
        for (DataLoader.Batch b : batches) {
            final float[] x = b.inputs().toArray();
            final float[] y = b.targets().toArray();
            for (int i = 0; i < b.size(); i++) {
                assertEquals(b.indices()[i], x[6 * i + 5]);
                assertEquals(b.indices()[i] % 4, y[i]);
            }
        }
    }

    @Test
    void withoutShuffleTheOrderIsTheDatasets() {
        final DataLoader loader = new DataLoader(new Counting(5), 2, false, false, 7, null);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, indices(all(loader, 3, 0)));
    }

    @Test
    void dropLastLeavesOutTheShortBatch() {
        final DataLoader loader = new DataLoader(new Counting(10), 4, true, true, 7, null);
        assertEquals(2, loader.batchesPerEpoch());
        final List<DataLoader.Batch> batches = all(loader, 0, 0);
        assertEquals(List.of(4, 4), batches.stream().map(DataLoader.Batch::size).toList());
        assertEquals(8, Arrays.stream(indices(batches)).distinct().count());
        final DataError e = assertThrows(DataError.class, () -> new DataLoader(new Counting(3), 4, true, true, 7, null));
        assertTrue(e.getMessage().contains("leaves no batch"), e.getMessage());
    }

    @Test
    void shuffleDependsOnSeedAndEpochOnly() {
        final DataLoader a = new DataLoader(new Counting(100), 10, true, false, 42, null);
        final DataLoader b = new DataLoader(new Counting(100), 10, true, false, 42, null);
        final DataLoader other = new DataLoader(new Counting(100), 10, true, false, 43, null);
        assertSameBatches(all(a, 0, 0), all(b, 0, 0));
        assertSameBatches(all(a, 5, 0), all(b, 5, 0));
        assertFalse(Arrays.equals(indices(all(a, 0, 0)), indices(all(a, 1, 0))));
        assertFalse(Arrays.equals(indices(all(a, 0, 0)), indices(all(other, 0, 0))));
        assertArrayEquals(a.order(2), indices(all(a, 2, 0)));
    }

    @Test
    void resumingMidEpochGivesTheSameBatches() {
        final DataLoader loader = new DataLoader(new Counting(23), 5, true, false, 9, NOISE);
        for (int epoch = 0; epoch < 3; epoch++) {
            final List<DataLoader.Batch> whole = all(loader, epoch, 0);
            for (int start = 0; start <= loader.batchesPerEpoch(); start++) {
                final DataLoader fresh = new DataLoader(new Counting(23), 5, true, false, 9, NOISE);
                assertSameBatches(whole.subList(start, whole.size()), all(fresh, epoch, start));
            }
        }
    }

    @Test
    void transformIsAppliedWithItsOwnNumbersPerSample() {
        final DataLoader loader = new DataLoader(new Counting(8), 8, false, false, 1, NOISE);
        final float[] x = all(loader, 0, 0).get(0).inputs().toArray();
        final List<Float> noise = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            final float n = x[i] - i / 6;
            assertTrue(n >= 0 && n < 1, "noise " + n);
            noise.add(n);
        }
        assertEquals(x.length, noise.stream().distinct().count(), "every sample should get different random numbers");
        final float[] nextEpoch = all(loader, 1, 0).get(0).inputs().toArray();
        assertFalse(Arrays.equals(x, nextEpoch), "augmentation should differ between epochs");
    }

    @Test
    void exceptionInTheBackgroundThreadReachesTheConsumer() {
        final IllegalStateException boom = new IllegalStateException("cannot augment sample 13");
        final SampleTransform failing = (x, off, rng) -> {
            if (x[off] == 13) throw boom;
        };
        final DataLoader loader = new DataLoader(new Counting(20), 4, false, false, 1, failing);
        try (DataLoader.Epoch batches = loader.epoch(0, 0)) {
            batches.next();
            batches.next();
            batches.next();
            final IllegalStateException e = assertThrows(IllegalStateException.class, batches::next);
            assertSame(boom, e);
            assertEquals("cannot augment sample 13", e.getMessage());
            assertFalse(batches.hasNext());
        }
    }

    @Test
    void closingStopsTheThread() throws InterruptedException {
        final DataLoader loader = new DataLoader(new Counting(1000), 1, true, false, 1, null);
        final DataLoader.Epoch batches = loader.epoch(0, 0);
        batches.next();
        batches.close();
        batches.thread().join(5000);
        assertFalse(batches.thread().isAlive());
        assertFalse(batches.hasNext());
        assertThrows(IllegalStateException.class, batches::next);
    }

    @Test
    void abandoningStopsTheThread() throws InterruptedException {
        final DataLoader loader = new DataLoader(new Counting(1000), 1, true, false, 1, null);
        final Thread thread = startAndAbandon(loader);
        for (int i = 0; i < 100 && thread.isAlive(); i++) {
            System.gc();
            thread.join(50);
        }
        assertFalse(thread.isAlive(), "the thread of an unreachable epoch should stop");
    }

    private static Thread startAndAbandon(DataLoader loader) {
        final DataLoader.Epoch batches = loader.epoch(0, 0);
        batches.next();
        return batches.thread();
    }

    @Test
    void badArguments() {
        final DataLoader loader = new DataLoader(new Counting(10), 4, true, false, 7, null);
        assertThrows(IllegalArgumentException.class, () -> loader.epoch(0, 4));
        assertThrows(IllegalArgumentException.class, () -> loader.epoch(-1, 0));
        assertFalse(loader.epoch(0, 3).hasNext());
        assertThrows(DataError.class, () -> new DataLoader(new Counting(10), 0, true, false, 7, null));
    }
}
