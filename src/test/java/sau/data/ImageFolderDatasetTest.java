package sau.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {

    @TempDir
    Path root;

    /** Classes b_dogs and a_cats (sorted: a_cats first), PNG, BMP, GIF and JPEG files, and noise to ignore. */
    private void writeFolder() throws IOException {
        TestImages.solid(root.resolve("b_dogs/z.png"), 8, 4, 0x336699);
        TestImages.solid(root.resolve("b_dogs/nested/a.bmp"), 4, 4, 0xffffff);
        TestImages.solid(root.resolve("a_cats/2.GIF"), 2, 2, 0x000000);
        TestImages.solid(root.resolve("a_cats/1.jpg"), 16, 16, 0xff0000);
        Files.writeString(root.resolve("a_cats/notes.txt"), "not an image");
        TestImages.solid(root.resolve("a_cats/.hidden/x.png"), 2, 2, 0x00ff00);
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve("README"), "not a class");
    }

    @Test
    void classesAndImagesInSortedOrderResizedToTheShape() throws IOException {
        writeFolder();
        final ImageFolderDataset d = new ImageFolderDataset(root, new ImageShape(3, 4, 4), Normalization.none(3), ImageStorage.ON_DEMAND);
        assertEquals(List.of("a_cats", "b_dogs"), d.classNames());
        assertEquals(4, d.size());
        assertArrayEquals(new int[] {0, 0, 1, 1}, new int[] {d.label(0), d.label(1), d.label(2), d.label(3)});
        final float[] x = new float[48];
        d.sample(0, x, 0); // 1.jpg, 16x16 red, shrunk
        assertEquals(1f, x[0], 3 / 255f);
        assertEquals(0f, x[16], 3 / 255f);
        d.sample(1, x, 0); // 2.GIF, 2x2 black, enlarged
        for (float v : x) assertEquals(0f, v);
        d.sample(2, x, 0); // nested/a.bmp sorts before z.png
        for (float v : x) assertEquals(1f, v);
        d.sample(3, x, 0); // z.png, 8x4 stretched to 4x4
        assertEquals(0x33 / 255f, x[5], 1e-6f);
        assertEquals(0x66 / 255f, x[16 + 5], 1e-6f);
        assertEquals(0x99 / 255f, x[32 + 5], 1e-6f);

        final ImageFolderDataset grey = new ImageFolderDataset(root, new ImageShape(1, 2, 2));
        assertEquals(ImageStorage.MEMORY, grey.storage());
        final float[] g = new float[4];
        grey.sample(3, g, 0);
        assertEquals(Math.round(0.299f * 0x33 + 0.587f * 0x66 + 0.114f * 0x99) / 255f, g[0], 1e-6f);
    }

    @Test
    void resizeIsBilinearWithPixelCentresAligned() throws IOException {
        // A 4x1 ramp 0, 100, 200, 250 halved to 2x1: the output pixels sit between input pixels 0,1 and 2,3.
        final BufferedImage ramp = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        final int[] levels = {0, 100, 200, 250};
        for (int x = 0; x < 4; x++) ramp.getRaster().setSample(x, 0, 0, levels[x]);
        TestImages.write(ramp, root.resolve("ramp/r.png"));
        final ImageFolderDataset d = new ImageFolderDataset(root, new ImageShape(1, 1, 2));
        final float[] x = new float[2];
        d.sample(0, x, 0);
        assertArrayEquals(new float[] {50 / 255f, 225 / 255f}, x, 1e-6f);
    }

    @Test
    void errorsNameTheFolder() throws IOException {
        DataError e = assertThrows(DataError.class, () -> new ImageFolderDataset(root.resolve("missing"), new ImageShape(3, 8, 8)));
        assertTrue(e.getMessage().startsWith(root.resolve("missing") + ": no such directory"), e.getMessage());
        e = assertThrows(DataError.class, () -> new ImageFolderDataset(root, new ImageShape(3, 8, 8)));
        assertTrue(e.getMessage().contains("has no class folders"), e.getMessage());
        Files.createDirectories(root.resolve("empty"));
        e = assertThrows(DataError.class, () -> new ImageFolderDataset(root, new ImageShape(3, 8, 8)));
        assertTrue(e.getMessage().startsWith(root.resolve("empty") + ": class folder holds no images"), e.getMessage());
        Files.delete(root.resolve("empty"));

        Files.createDirectories(root.resolve("cls"));
        Files.writeString(root.resolve("cls/broken.png"), "garbage");
        e = assertThrows(DataError.class, () -> new ImageFolderDataset(root, new ImageShape(3, 8, 8)));
        assertTrue(e.getMessage().startsWith(root.resolve("cls/broken.png") + ": not an image format Java can read"), e.getMessage());
    }
}
