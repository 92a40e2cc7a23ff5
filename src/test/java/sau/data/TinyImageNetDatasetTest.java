package sau.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyImageNetDatasetTest {

    @TempDir
    Path dir;

    private static final int RED = 0xff0000, GREEN = 0x00ff00, BLUE = 0x0000ff;

    /**
     * Two classes listed out of order in wnids.txt (so that sorting shows), two training images
     * each, three validation images of which one is grey-scale, as in the real archive.
     */
    private Path writeTiny() throws IOException {
        final Path root = dir.resolve("tiny-imagenet-200");
        Files.createDirectories(root);
        Files.writeString(root.resolve("wnids.txt"), "n02000002\nn01000001\n");
        Files.writeString(root.resolve("words.txt"), "n00000000\tentity\nn01000001\tgoldfish, Carassius auratus\nn02000002\ttabby, tabby cat\n");
        TestImages.solid(root.resolve("train/n01000001/images/n01000001_0.JPEG"), 64, 64, RED);
        TestImages.solid(root.resolve("train/n01000001/images/n01000001_1.JPEG"), 64, 64, RED);
        TestImages.solid(root.resolve("train/n02000002/images/n02000002_0.JPEG"), 64, 64, BLUE);
        TestImages.grey(root.resolve("train/n02000002/images/n02000002_1.JPEG"), 64, 64, 128);
        Files.writeString(root.resolve("train/n02000002/n02000002_boxes.txt"), "n02000002_0.JPEG\t0\t0\t63\t63\n");
        TestImages.solid(root.resolve("val/images/val_0.JPEG"), 64, 64, GREEN);
        TestImages.grey(root.resolve("val/images/val_1.JPEG"), 64, 64, 200);
        TestImages.solid(root.resolve("val/images/val_2.JPEG"), 64, 64, RED);
        Files.writeString(root.resolve("val/val_annotations.txt"),
                "val_0.JPEG\tn02000002\t0\t0\t63\t63\nval_1.JPEG\tn01000001\t1\t2\t3\t4\nval_2.JPEG\tn01000001\t0\t0\t10\t10\n");
        return root;
    }

    /** Asserts that every pixel of each channel is near the expected value (JPEG is lossy). */
    private static void assertColour(float[] x, float r, float g, float b) {
        final float[] want = {r, g, b};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 64 * 64; i++) assertEquals(want[c], x[c * 4096 + i], 3 / 255f, "channel " + c + " pixel " + i);
        }
    }

    @Test
    void readsTrainAndValidationSplitsInBothStorageModes() throws IOException {
        final Path root = writeTiny();
        for (ImageStorage storage : new ImageStorage[] {ImageStorage.MEMORY, ImageStorage.ON_DEMAND}) {
            final TinyImageNetDataset train = new TinyImageNetDataset(root, Split.TRAIN, Normalization.none(3), storage);
            assertEquals(storage, train.storage());
            assertEquals(4, train.size());
            assertArrayEquals(new int[] {3, 64, 64}, train.sampleShape());
            assertEquals(List.of("goldfish", "tabby"), train.classNames(), "classes sorted by wnid, named by words.txt");
            assertArrayEquals(new int[] {0, 0, 1, 1}, new int[] {train.label(0), train.label(1), train.label(2), train.label(3)});
            final float[] x = new float[3 * 64 * 64];
            train.sample(0, x, 0);
            assertColour(x, 1, 0, 0);
            train.sample(2, x, 0);
            assertColour(x, 0, 0, 1);
            train.sample(3, x, 0);
            assertColour(x, 128 / 255f, 128 / 255f, 128 / 255f);

            final TinyImageNetDataset val = new TinyImageNetDataset(root, Split.TEST, Normalization.none(3), storage);
            assertEquals(3, val.size());
            assertArrayEquals(new int[] {1, 0, 0}, new int[] {val.label(0), val.label(1), val.label(2)});
            val.sample(0, x, 0);
            assertColour(x, 0, 1, 0);
            val.sample(1, x, 0);
            assertColour(x, 200 / 255f, 200 / 255f, 200 / 255f);
        }
        assertEquals(ImageStorage.MEMORY, new TinyImageNetDataset(root, Split.TEST).storage(), "a few images fit in any heap");
    }

    @Test
    void missingAndDamagedFilesAreErrors() throws IOException {
        DataError e = assertThrows(DataError.class, () -> new TinyImageNetDataset(dir.resolve("tiny-imagenet-200"), Split.TRAIN));
        assertTrue(e.getMessage().contains("no such directory") && e.getMessage().contains("http://cs231n.stanford.edu/tiny-imagenet-200.zip"),
                e.getMessage());

        final Path root = writeTiny();
        Files.delete(root.resolve("val/images/val_2.JPEG"));
        e = assertThrows(DataError.class, () -> new TinyImageNetDataset(root, Split.TEST));
        assertTrue(e.getMessage().startsWith(root.resolve("val/images/val_2.JPEG") + ": no such file"), e.getMessage());

        final Path jpeg = root.resolve("train/n01000001/images/n01000001_1.JPEG");
        final byte[] whole = Files.readAllBytes(jpeg);
        Files.write(jpeg, java.util.Arrays.copyOf(whole, 40));
        e = assertThrows(DataError.class, () -> new TinyImageNetDataset(root, Split.TRAIN, Normalization.none(3), ImageStorage.MEMORY));
        assertTrue(e.getMessage().startsWith(jpeg.toString()), e.getMessage());
        // Decoded on demand, the damage shows when the image is asked for.
        final TinyImageNetDataset lazy = new TinyImageNetDataset(root, Split.TRAIN, Normalization.none(3), ImageStorage.ON_DEMAND);
        e = assertThrows(DataError.class, () -> lazy.sample(1, new float[3 * 64 * 64], 0));
        assertTrue(e.getMessage().startsWith(jpeg.toString()), e.getMessage());

        Files.delete(root.resolve("wnids.txt"));
        e = assertThrows(DataError.class, () -> new TinyImageNetDataset(root, Split.TRAIN));
        assertTrue(e.getMessage().startsWith(root.resolve("wnids.txt") + ": no such file"), e.getMessage());
    }
}
