package sau.data.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import sau.data.DataError;
import sau.data.ImageShape;
import sau.data.SampleTransform;
import sau.tensor.Generator;

class TransformsTest {

    private static final ImageShape SHAPE = new ImageShape(2, 5, 6);

    /** A sample with distinct values, after {@code offset} floats of other data. */
    private static float[] image(ImageShape shape, int offset) {
        final float[] x = new float[offset + shape.numel() + 3];
        for (int i = 0; i < shape.numel(); i++) x[offset + i] = i + 1;
        return x;
    }

    private static float at(float[] x, int offset, ImageShape s, int c, int y, int col) {
        return x[offset + c * s.plane() + y * s.width() + col];
    }

    @Test
    void flipTwiceIsTheIdentityAndMirrorsRows() {
        final float[] x = image(SHAPE, 4);
        final float[] original = x.clone();
        final RandomHorizontalFlip always = new RandomHorizontalFlip(SHAPE, 1f);
        always.apply(x, 4, new Generator(1));
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 5; y++) {
                for (int col = 0; col < 6; col++) assertEquals(at(original, 4, SHAPE, c, y, 5 - col), at(x, 4, SHAPE, c, y, col));
            }
        }
        assertEquals(original[0], x[0]);
        always.apply(x, 4, new Generator(2));
        assertArrayEquals(original, x);
        new RandomHorizontalFlip(SHAPE, 0f).apply(x, 4, new Generator(3));
        assertArrayEquals(original, x);
    }

    @Test
    void cropWithPaddingShiftsByTheDrawnOffset() {
        final int padding = 2;
        final RandomCrop crop = new RandomCrop(SHAPE, padding, -1f);
        boolean sawShift = false;
        for (long seed = 0; seed < 20; seed++) {
            final float[] x = image(SHAPE, 1);
            final float[] original = x.clone();
            crop.apply(x, 1, new Generator(seed));
            final Generator same = new Generator(seed);
            final int dy = same.nextInt(2 * padding + 1) - padding;
            final int dx = same.nextInt(2 * padding + 1) - padding;
            sawShift |= dy != 0 || dx != 0;
            assertEquals(original.length, x.length);
            assertEquals(original[0], x[0], "the data before the sample is untouched");
            assertEquals(original[x.length - 1], x[x.length - 1], "the data after the sample is untouched");
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 5; y++) {
                    for (int col = 0; col < 6; col++) {
                        final int sy = y + dy, sx = col + dx;
                        final float want = sy < 0 || sy >= 5 || sx < 0 || sx >= 6 ? -1f : at(original, 1, SHAPE, c, sy, sx);
                        assertEquals(want, at(x, 1, SHAPE, c, y, col), "seed " + seed + " at " + c + "," + y + "," + col);
                    }
                }
            }
        }
        assertTrue(sawShift);
        final float[] x = image(SHAPE, 0);
        final float[] original = x.clone();
        crop.crop(x, 0, padding, padding);
        assertArrayEquals(original, x, "the centred window is the image itself");
    }

    @Test
    void affineWithZeroRangesIsExactlyTheIdentity() {
        final float[] x = image(SHAPE, 2);
        final float[] original = x.clone();
        new RandomAffine(SHAPE, 0, 0, 0, 0, 0, 7f).apply(x, 2, new Generator(5));
        assertArrayEquals(original, x);
        new RandomAffine(SHAPE, 30, 0.1, 0.1, 10, 0.2, 7f).warp(x, 2, RandomAffine.Params.IDENTITY);
        assertArrayEquals(original, x);
    }

    @Test
    void rotationByNinetyDegreesMatchesAHandRotation() {
        final ImageShape square = new ImageShape(1, 4, 4);
        final float[] x = image(square, 0);
        final float[] original = x.clone();
        new RandomAffine(square, 90, 0, 0, 0, 0, 0f).warp(x, 0, new RandomAffine.Params(90, 0, 0, 0, 1, 1));
        // Counter-clockwise, as numpy's rot90: out[y][x] = in[x][w-1-y].
        for (int y = 0; y < 4; y++) {
            for (int col = 0; col < 4; col++) assertEquals(original[col * 4 + (3 - y)], x[y * 4 + col], 1e-4f, y + "," + col);
        }
    }

    @Test
    void shiftZoomAndShearMoveContentAsDocumented() {
        final ImageShape s = new ImageShape(1, 3, 5);
        final RandomAffine affine = new RandomAffine(s, 0, 0, 0, 0, 0, -1f);
        float[] x = image(s, 0);
        final float[] original = x.clone();
        // A shift of +1 column reads one column to the right: the picture moves left.
        affine.warp(x, 0, new RandomAffine.Params(0, 1, 0, 0, 1, 1));
        for (int y = 0; y < 3; y++) {
            for (int col = 0; col < 5; col++) assertEquals(col == 4 ? -1f : original[y * 5 + col + 1], x[y * 5 + col], 1e-6f);
        }
        // Zooming by 2 in x reads twice as far from the centre column.
        x = original.clone();
        affine.warp(x, 0, new RandomAffine.Params(0, 0, 0, 0, 2, 1));
        assertArrayEquals(new float[] {-1, original[5], original[7], original[9], -1}, Arrays.copyOfRange(x, 5, 10), 1e-6f);
        // Shear by 30 degrees of an image whose value is its column: bilinear sampling is exact on a
        // linear ramp, and the row d below the centre reads sin 30 = 0.5 columns per row to the left.
        final ImageShape wide = new ImageShape(1, 5, 7);
        final float[] ramp = new float[35];
        for (int i = 0; i < 35; i++) ramp[i] = i % 7;
        new RandomAffine(wide, 0, 0, 0, 0, 0, -1f).warp(ramp, 0, new RandomAffine.Params(0, 0, 0, 30, 1, 1));
        for (int y = 1; y <= 3; y++) {
            for (int col = 1; col <= 5; col++) assertEquals(col - 0.5f * (y - 2), ramp[y * 7 + col], 1e-5f, y + "," + col);
        }
    }

    @Test
    void normalizeUsesEachChannelsMeanAndStd() {
        final float[] x = image(SHAPE, 0);
        new Normalize(SHAPE, new float[] {1, 10}, new float[] {2, 4}).apply(x, 0, new Generator(0));
        assertEquals((1 - 1) / 2f, x[0]);
        assertEquals((30 - 1) / 2f, x[29]);
        assertEquals((31 - 10) / 4f, x[30]);
        assertEquals((60 - 10) / 4f, x[59]);
        assertThrows(DataError.class, () -> new Normalize(SHAPE, new float[] {0}, new float[] {1}));
        assertThrows(DataError.class, () -> new Normalize(SHAPE, new float[] {0, 0}, new float[] {1, 0}));
    }

    @Test
    void sameSeedSameOutputDifferentSeedDifferentOutput() {
        final ImageShape s = new ImageShape(3, 8, 8);
        final SampleTransform pipeline = new Compose(new RandomCrop(s, 2, 0f), new RandomHorizontalFlip(s),
                new RandomAffine(s, 15, 0.1, 0.1, 5, 0.1, 0f), new Normalize(s, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.2f, 0.2f, 0.2f}));
        final float[] a = image(s, 0);
        final float[] b = image(s, 0);
        final float[] c = image(s, 0);
        pipeline.apply(a, 0, new Generator(42));
        pipeline.apply(b, 0, new Generator(42));
        pipeline.apply(c, 0, new Generator(43));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    /** Through the loader's background thread, the same seed gives the same augmented batches. */
    @Test
    void augmentedBatchesRepeatWithTheLoadersSeed() {
        final ImageShape s = new ImageShape(1, 6, 6);
        final sau.data.Dataset ramps = new sau.data.Dataset() {
            @Override
            public int size() {
                return 5;
            }

            @Override
            public int[] sampleShape() {
                return s.toArray();
            }

            @Override
            public int numClasses() {
                return 1;
            }

            @Override
            public java.util.List<String> classNames() {
                return java.util.List.of("ramp");
            }

            @Override
            public void sample(int index, float[] dst, int offset) {
                for (int i = 0; i < s.numel(); i++) dst[offset + i] = index + i;
            }

            @Override
            public int label(int index) {
                return 0;
            }
        };
        final SampleTransform augment = new Compose(new RandomCrop(s, 1, 0f), new RandomAffine(s, 10, 0.1, 0.1, 5, 0.1, 0f));
        final float[][] runs = new float[3][];
        final long[] seeds = {7, 7, 8};
        for (int r = 0; r < 3; r++) {
            final sau.data.DataLoader loader = new sau.data.DataLoader(ramps, 2, true, false, seeds[r], augment);
            try (sau.data.DataLoader.Epoch epoch = loader.epoch(1, 0)) {
                runs[r] = new float[0];
                while (epoch.hasNext()) {
                    final float[] batch = epoch.next().inputs().toArray();
                    final int had = runs[r].length;
                    runs[r] = Arrays.copyOf(runs[r], had + batch.length);
                    System.arraycopy(batch, 0, runs[r], had, batch.length);
                }
            }
        }
        assertArrayEquals(runs[0], runs[1]);
        assertFalse(Arrays.equals(runs[0], runs[2]));
    }
}
