package sau.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sau.data.transforms.SsdAugmentation;
import sau.tensor.Generator;

/** The VOC-layout reader, its errors, the SSD augmentation and the detection loader, on a tiny folder written here. */
class VocDatasetTest {

    @TempDir
    Path root;

    @Test
    void readsBoxesClassesAndDifficultFlags() throws IOException {
        TinyVoc.write(root, 2);
        final VocDataset d = new VocDataset(root, Split.TRAIN);
        assertEquals(2, d.size());
        assertEquals(List.of("circle", "square"), d.classNames());
        final VocDataset.Annotation a = d.annotation(1);
        assertEquals("img1", a.id());
        assertArrayEquals(new float[] {0, 10, 20, 30, 20, 0, 40, 10}, a.boxes());
        assertArrayEquals(new int[] {1, 0}, a.labels());
        assertArrayEquals(new boolean[] {false, true}, a.difficult());
        final DetectionSample s = d.sample(0);
        assertEquals(30, s.image().height());
        assertEquals(0x33, s.image().pixels()[0], 3);
        assertArrayEquals(new float[] {0, 1 / 3f, 0.5f, 1, 0.5f, 0, 1, 1 / 3f}, s.normalisedBoxes(), 1e-6f);
    }

    @Test
    void missingAndDamagedFilesAreNamed() throws IOException {
        TinyVoc.write(root, 1);
        Files.writeString(root.resolve("ImageSets/Main/test.txt"), "img0\nimg9\n");
        DataError e = assertThrows(DataError.class, () -> new VocDataset(root, Split.TEST));
        assertTrue(e.getMessage().contains("img9.xml") && e.getMessage().contains("no annotation"), e.getMessage());

        Files.writeString(root.resolve("Annotations/img0.xml"), "<annotation><size><width>40</wid");
        e = assertThrows(DataError.class, () -> new VocDataset(root, Split.TRAIN));
        assertTrue(e.getMessage().contains("img0.xml") && e.getMessage().contains("XML"), e.getMessage());

        TinyVoc.annotation(root, "img0", "<object><name>dog</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object>");
        e = assertThrows(DataError.class, () -> new VocDataset(root, Split.TRAIN));
        assertTrue(e.getMessage().contains("\"dog\"") && e.getMessage().contains("circle"), e.getMessage());

        TinyVoc.annotation(root, "img0", "<object><name>circle</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>x</xmax><ymax>5</ymax></bndbox></object>");
        e = assertThrows(DataError.class, () -> new VocDataset(root, Split.TRAIN));
        assertTrue(e.getMessage().contains("<xmax> is \"x\""), e.getMessage());

        TinyVoc.annotation(root, "img0", "");
        Files.delete(root.resolve("JPEGImages/img0.jpg"));
        final VocDataset d = new VocDataset(root, Split.TRAIN);
        e = assertThrows(DataError.class, () -> d.sample(0));
        assertTrue(e.getMessage().contains("img0.jpg: no such file"), e.getMessage());

        Files.delete(root.resolve("ImageSets/Main/train.txt"));
        e = assertThrows(DataError.class, () -> new VocDataset(root, Split.TRAIN));
        assertTrue(e.getMessage().contains("trainval.txt nor train.txt"), e.getMessage());
        assertThrows(DataError.class, () -> new VocDataset(root.resolve("nothing"), Split.TRAIN));
    }

    @Test
    void flipMirrorsImageAndBoxes() {
        final float[] px = new float[3 * 2 * 4];
        for (int i = 0; i < px.length; i++) px[i] = i;
        final DetectionSample s = new DetectionSample(new DetectionSample.Image(px, 2, 4), new float[] {0, 0, 1, 2}, new int[] {0}, new boolean[] {false});
        final DetectionSample f = s.flipped();
        assertArrayEquals(new float[] {3, 0, 4, 2}, f.boxes());
        assertEquals(3f, f.image().pixels()[0]);
        assertEquals(4f, f.image().pixels()[7]);
    }

    /** Whatever the random draws, augmented boxes stay non-empty, inside the image, with their labels. */
    @Test
    void augmentationKeepsBoxesValid() throws IOException {
        TinyVoc.write(root, 1);
        final DetectionSample s = new VocDataset(root, Split.TRAIN).sample(0);
        final SsdAugmentation aug = new SsdAugmentation(Normalization.IMAGENET, 4f);
        boolean changedSize = false, dropped = false;
        for (int seed = 0; seed < 200; seed++) {
            final DetectionSample a = aug.apply(s, new Generator(seed));
            final int w = a.image().width(), h = a.image().height();
            changedSize |= w != 40 || h != 30;
            dropped |= a.objects() < 2;
            assertTrue(a.objects() >= 1);
            for (int i = 0; i < a.objects(); i++) {
                final float[] b = a.boxes();
                assertTrue(b[4 * i] >= 0 && b[4 * i + 2] <= w && b[4 * i] < b[4 * i + 2], "x of " + a);
                assertTrue(b[4 * i + 1] >= 0 && b[4 * i + 3] <= h && b[4 * i + 1] < b[4 * i + 3], "y of " + a);
                assertEquals(a.labels()[i] == 0, a.difficult()[i]); // the circle is the difficult one
            }
            for (float v : a.image().pixels()) assertTrue(v >= 0 && v <= 255);
        }
        assertTrue(changedSize && dropped, "zoom-out and crop never happened in 200 draws");
    }

    @Test
    void loaderCollatesVariableObjectsAndIsReproducible() throws IOException {
        TinyVoc.write(root, 5);
        TinyVoc.annotation(root, "img3", "");
        final VocDataset d = new VocDataset(root, Split.TRAIN);
        final DetectionLoader loader = new DetectionLoader(d, 2, true, 7, 16, Normalization.IMAGENET, new SsdAugmentation(Normalization.IMAGENET, 4f));
        assertEquals(3, loader.batchesPerEpoch());
        int images = 0;
        boolean sawEmpty = false;
        try (DetectionLoader.Epoch e = loader.epoch(1, 0)) {
            while (e.hasNext()) {
                final DetectionLoader.Batch b = e.next();
                assertArrayEquals(new int[] {b.size(), 3, 16, 16}, b.images().shape());
                for (int i = 0; i < b.size(); i++) {
                    assertEquals(4 * b.labels().get(i).length, b.boxes().get(i).length);
                    sawEmpty |= b.labels().get(i).length == 0;
                }
                images += b.size();
            }
        }
        assertEquals(5, images);
        assertTrue(sawEmpty);
        try (DetectionLoader.Epoch a = loader.epoch(1, 2); DetectionLoader.Epoch b = loader.epoch(1, 0)) {
            b.next();
            b.next();
            final DetectionLoader.Batch x = a.next(), y = b.next();
            assertArrayEquals(x.images().toArray(), y.images().toArray());
            assertArrayEquals(x.indices(), y.indices());
        }
        assertFalse(java.util.Arrays.equals(loader.order(0), loader.order(1)) && java.util.Arrays.equals(loader.order(1), loader.order(2)));
    }
}
