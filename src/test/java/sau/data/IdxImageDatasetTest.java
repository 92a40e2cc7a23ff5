package sau.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sau.data.IdxImageDataset.Kind;

class IdxImageDatasetTest {

    @TempDir
    Path dir;

    /** Five 2x3 training images whose pixels are 0, 51, 102, ..., and three test images. */
    private void writeTinyDataset(boolean gzip) {
        final String ext = gzip ? ".gz" : "";
        final byte[] train = new byte[5 * 6];
        for (int i = 0; i < train.length; i++) train[i] = (byte) (51 * (i % 6));
        Idx.write(dir.resolve("train-images-idx3-ubyte" + ext), new int[] {5, 2, 3}, train);
        Idx.write(dir.resolve("train-labels-idx1-ubyte" + ext), new int[] {5}, new byte[] {4, 0, 9, 1, 1});
        Idx.write(dir.resolve("t10k-images-idx3-ubyte" + ext), new int[] {3, 2, 3}, new byte[3 * 6]);
        Idx.write(dir.resolve("t10k-labels-idx1-ubyte" + ext), new int[] {3}, new byte[] {7, 8, 9});
    }

    @Test
    void readsBothSplitsScaledToUnitRange() {
        for (boolean gzip : new boolean[] {false, true}) {
            writeTinyDataset(gzip);
            final IdxImageDataset train = new IdxImageDataset(dir, Kind.MNIST, Split.TRAIN);
            assertEquals(5, train.size());
            assertArrayEquals(new int[] {1, 2, 3}, train.sampleShape());
            assertEquals(6, train.sampleNumel());
            assertEquals(10, train.numClasses());
            assertEquals(9, train.label(2));
            final float[] x = new float[8];
            train.sample(3, x, 1);
            assertArrayEquals(new float[] {0, 0, 0.2f, 0.4f, 0.6f, 0.8f, 1f, 0}, x, 1e-6f);

            final IdxImageDataset test = new IdxImageDataset(dir, Kind.MNIST, Split.TEST);
            assertEquals(3, test.size());
            assertEquals(8, test.label(1));
        }
    }

    @Test
    void limitAndNormalisation() {
        writeTinyDataset(true);
        final IdxImageDataset d = new IdxImageDataset(dir, Kind.FASHION_MNIST, Split.TRAIN, 2, 0.5f, 0.25f);
        assertEquals(2, d.size());
        assertEquals("Coat", d.classNames().get(d.label(0)));
        final float[] x = new float[6];
        d.sample(1, x, 0);
        assertArrayEquals(new float[] {-2f, -1.2f, -0.4f, 0.4f, 1.2f, 2f}, x, 1e-5f);
        assertThrows(IndexOutOfBoundsException.class, () -> d.label(2));
        final DataError e = assertThrows(DataError.class, () -> new IdxImageDataset(dir, Kind.FASHION_MNIST, Split.TRAIN, 6, 0, 1));
        assertTrue(e.getMessage().contains("has 5 images, so limit 6 is out of range"), e.getMessage());
    }

    @Test
    void missingDirectoryOrFileNamesTheFetchScript() {
        final Path nowhere = dir.resolve("fashion-mnist");
        DataError e = assertThrows(DataError.class, () -> new IdxImageDataset(nowhere, Kind.FASHION_MNIST, Split.TRAIN));
        assertTrue(e.getMessage().startsWith(nowhere + ": no such directory"), e.getMessage());
        assertTrue(e.getMessage().contains("datasets/fetch-fashion-mnist.sh"), e.getMessage());

        writeTinyDataset(true);
        Path labels = dir.resolve("t10k-labels-idx1-ubyte.gz");
        assertTrue(labels.toFile().delete());
        e = assertThrows(DataError.class, () -> new IdxImageDataset(dir, Kind.MNIST, Split.TEST));
        assertTrue(e.getMessage().startsWith(labels + ": no such file"), e.getMessage());
        assertTrue(e.getMessage().contains("datasets/fetch-mnist.sh"), e.getMessage());
    }

    @Test
    void inconsistentFilesAreErrors() {
        writeTinyDataset(false);
        Idx.write(dir.resolve("train-labels-idx1-ubyte"), new int[] {4}, new byte[4]);
        DataError e = assertThrows(DataError.class, () -> new IdxImageDataset(dir, Kind.MNIST, Split.TRAIN));
        assertTrue(e.getMessage().contains("holds 5 images but train-labels-idx1-ubyte holds 4 labels"), e.getMessage());

        Idx.write(dir.resolve("train-labels-idx1-ubyte"), new int[] {5}, new byte[] {0, 0, 10, 0, 0});
        e = assertThrows(DataError.class, () -> new IdxImageDataset(dir, Kind.MNIST, Split.TRAIN));
        assertTrue(e.getMessage().contains("label 2 is 10, but MNIST has only 10 classes"), e.getMessage());

        // Labels where images belong: the right magic number for the wrong file.
        Idx.write(dir.resolve("t10k-images-idx3-ubyte"), new int[] {3}, new byte[3]);
        e = assertThrows(DataError.class, () -> new IdxImageDataset(dir, Kind.MNIST, Split.TEST));
        assertTrue(e.getMessage().contains("images need 3 dimensions"), e.getMessage());
    }

    @Test
    void splitNames() {
        assertEquals(Split.TRAIN, Split.parse("train"));
        assertEquals(Split.TEST, Split.parse("TEST"));
        assertThrows(DataError.class, () -> Split.parse("validation"));
    }

    /** The subset that ships with the repository (datasets/fashion-mnist-small) must be present and sound. */
    @Test
    void bundledFashionMnistSubsetLoads() {
        final Path small = Path.of("datasets", "fashion-mnist-small");
        assertTrue(Files.isDirectory(small), small.toAbsolutePath() + " should ship with the repository");
        final IdxImageDataset train = new IdxImageDataset(small, Kind.FASHION_MNIST, Split.TRAIN);
        final IdxImageDataset test = new IdxImageDataset(small, Kind.FASHION_MNIST, Split.TEST);
        assertEquals(10_000, train.size());
        assertEquals(2_000, test.size());
        assertArrayEquals(new int[] {1, 28, 28}, train.sampleShape());
        assertEquals(10, train.numClasses());
        assertEquals("Ankle boot", train.classNames().get(9));
        for (IdxImageDataset d : new IdxImageDataset[] {train, test}) {
            final int[] perClass = new int[10];
            final float[] x = new float[784];
            float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
            for (int i = 0; i < d.size(); i++) {
                perClass[d.label(i)]++;
                d.sample(i, x, 0);
                for (float v : x) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            assertEquals(0f, min);
            assertEquals(1f, max);
            for (int c = 0; c < 10; c++) assertTrue(perClass[c] > d.size() / 12, "class " + c + " has only " + perClass[c] + " samples");
        }
    }
}
