package sau.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResizedAndPaddedDatasetTest {

    /** Two 1x28x28 images whose pixel i is i/784 (image 0) or 1 (image 1), labels 3 and 5. */
    private static final Dataset MNIST_LIKE = new Dataset() {
        @Override
        public int size() {
            return 2;
        }

        @Override
        public int[] sampleShape() {
            return new int[] {1, 28, 28};
        }

        @Override
        public int numClasses() {
            return 10;
        }

        @Override
        public List<String> classNames() {
            return List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        }

        @Override
        public void sample(int index, float[] dst, int dstOffset) {
            for (int i = 0; i < 784; i++) dst[dstOffset + i] = index == 0 ? i / 784f : 1f;
        }

        @Override
        public int label(int index) {
            return index == 0 ? 3 : 5;
        }
    };

    @Test
    void paddingTo32KeepsThePixelsAndCentresThem() {
        final PaddedDataset d = new PaddedDataset(MNIST_LIKE, 32, 32, -0.5f);
        assertArrayEquals(new int[] {1, 32, 32}, d.sampleShape());
        assertEquals(5, d.label(1));
        assertEquals(MNIST_LIKE.classNames(), d.classNames());
        final float[] x = new float[1 + 1024];
        d.sample(0, x, 1);
        assertEquals(0f, x[0], "nothing written before the offset");
        for (int y = 0; y < 32; y++) {
            for (int col = 0; col < 32; col++) {
                final boolean inside = y >= 2 && y < 30 && col >= 2 && col < 30;
                assertEquals(inside ? ((y - 2) * 28 + col - 2) / 784f : -0.5f, x[1 + y * 32 + col]);
            }
        }
        assertThrows(DataError.class, () -> new PaddedDataset(MNIST_LIKE, 27, 32, 0f));
    }

    @Test
    void resizingTo32() {
        final ResizedDataset d = new ResizedDataset(MNIST_LIKE, 32, 32);
        assertArrayEquals(new int[] {1, 32, 32}, d.sampleShape());
        assertEquals(3, d.label(0));
        final float[] x = new float[1024];
        d.sample(1, x, 0);
        for (float v : x) assertEquals(1f, v, 1e-6f, "a constant image stays constant");
        d.sample(0, x, 0);
        assertEquals(0f, x[0], "corners map to corners");
        assertEquals(783 / 784f, x[1023], 1e-6f);
        // Same size: resizing is the identity.
        final float[] same = new float[784];
        new ResizedDataset(MNIST_LIKE, 28, 28).sample(0, same, 0);
        for (int i = 0; i < 784; i++) assertEquals(i / 784f, same[i]);
    }
}
