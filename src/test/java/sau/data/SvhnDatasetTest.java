package sau.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SvhnDatasetTest {

    @TempDir
    Path dir;

    /** The value the tests put at row r, column c, channel ch of image n: unique for small images. */
    private static int pixel(int r, int c, int ch, int n) {
        return (r + 2 * c + 64 * ch + 7 * n) & 0xff;
    }

    /** X as MATLAB stores a 32x32x3xN uint8 array: column-major, the row index varying fastest. */
    private static byte[] columnMajorX(int n) {
        final byte[] x = new byte[32 * 32 * 3 * n];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < 3; ch++) {
                for (int c = 0; c < 32; c++) {
                    for (int r = 0; r < 32; r++) x[r + 32 * c + 1024 * ch + 3072 * i] = (byte) pixel(r, c, ch, i);
                }
            }
        }
        return x;
    }

    private void writeSvhn(String file, ByteOrder order, boolean compress, double[] labels) throws IOException {
        final int n = labels.length;
        MatWriter.write(dir.resolve(file), order, compress,
                MatWriter.uint8("X", new int[] {32, 32, 3, n}, columnMajorX(n)),
                MatWriter.doubles("y", new int[] {n, 1}, labels, order));
    }

    @Test
    void readsImagesInRowMajorOrderAndMapsTenToZero() throws IOException {
        for (boolean compress : new boolean[] {false, true}) {
            for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                writeSvhn("train_32x32.mat", order, compress, new double[] {10, 1, 9});
                final SvhnDataset d = new SvhnDataset(dir, Split.TRAIN);
                assertEquals(3, d.size());
                assertArrayEquals(new int[] {3, 32, 32}, d.sampleShape());
                assertEquals(0, d.label(0));
                assertEquals(1, d.label(1));
                assertEquals(9, d.label(2));
                assertEquals("0", d.classNames().get(d.label(0)));
                final float[] x = new float[3072];
                d.sample(2, x, 0);
                for (int ch = 0; ch < 3; ch++) {
                    for (int r = 0; r < 32; r += 5) {
                        for (int c = 0; c < 32; c += 3) {
                            assertEquals(pixel(r, c, ch, 2) / 255f, x[ch * 1024 + r * 32 + c], 1e-7f, "row " + r + " col " + c + " ch " + ch);
                        }
                    }
                }
            }
        }
    }

    @Test
    void labelsStoredAsBytesAndNormalisation() throws IOException {
        // MATLAB writes a double array of small whole numbers with uint8 storage; and the test split.
        MatWriter.write(dir.resolve("test_32x32.mat"), ByteOrder.LITTLE_ENDIAN, true,
                MatWriter.doublesAsBytes("y", new int[] {2, 1}, new byte[] {3, 10}),
                MatWriter.uint8("X", new int[] {32, 32, 3, 2}, columnMajorX(2)));
        final SvhnDataset d = new SvhnDataset(dir, Split.TEST, SvhnDataset.NORMALIZATION);
        assertEquals(3, d.label(0));
        assertEquals(0, d.label(1));
        final float[] x = new float[3072];
        d.sample(1, x, 0);
        assertEquals((pixel(0, 1, 2, 1) / 255f - 0.4728f) / 0.1970f, x[2 * 1024 + 1], 1e-5f);
    }

    @Test
    void readerSkipsUnwantedVariablesAndReadsShortAndLongNames() throws IOException {
        final Path f = dir.resolve("vars.mat");
        MatWriter.write(f, ByteOrder.LITTLE_ENDIAN, false,
                MatWriter.doubles("a_long_name", new int[] {1, 2}, new double[] {1.5, -2}, ByteOrder.LITTLE_ENDIAN),
                MatWriter.uint8("X", new int[] {1, 3}, new byte[] {1, 2, (byte) 200}));
        final Map<String, MatFile.Array> all = MatFile.read(f, null, null);
        assertEquals(Set.of("a_long_name", "X"), all.keySet());
        assertEquals(-2.0, all.get("a_long_name").get(1));
        assertEquals(200.0, all.get("X").get(2));
        final Map<String, MatFile.Array> some = MatFile.read(f, Set.of("X"), null);
        assertNull(some.get("a_long_name"));
        assertNotNull(some.get("X"));
    }

    @Test
    void missingTruncatedAndWrongFilesAreErrors() throws IOException {
        DataError e = assertThrows(DataError.class, () -> new SvhnDataset(dir, Split.TRAIN));
        assertTrue(e.getMessage().startsWith(dir.resolve("train_32x32.mat") + ": no such file"), e.getMessage());
        assertTrue(e.getMessage().contains("http://ufldl.stanford.edu/housenumbers/"), e.getMessage());

        for (boolean compress : new boolean[] {false, true}) {
            writeSvhn("train_32x32.mat", ByteOrder.LITTLE_ENDIAN, compress, new double[] {1, 2, 3, 4});
            final Path f = dir.resolve("train_32x32.mat");
            final byte[] whole = Files.readAllBytes(f);
            Files.write(f, Arrays.copyOf(whole, whole.length / 2));
            e = assertThrows(DataError.class, () -> new SvhnDataset(dir, Split.TRAIN));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }

        Files.write(dir.resolve("train_32x32.mat"), new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0, 0, 0, 0, 0});
        e = assertThrows(DataError.class, () -> new SvhnDataset(dir, Split.TRAIN));
        assertTrue(e.getMessage().contains("shorter than a MAT-file's 128-byte header"), e.getMessage());
        final byte[] hdf5 = new byte[512];
        System.arraycopy(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}, 0, hdf5, 0, 8);
        Files.write(dir.resolve("train_32x32.mat"), hdf5);
        e = assertThrows(DataError.class, () -> new SvhnDataset(dir, Split.TRAIN));
        assertTrue(e.getMessage().contains("MATLAB 7.3 (HDF5)"), e.getMessage());

        writeSvhn("train_32x32.mat", ByteOrder.LITTLE_ENDIAN, false, new double[] {1, 11});
        e = assertThrows(DataError.class, () -> new SvhnDataset(dir, Split.TRAIN));
        assertTrue(e.getMessage().contains("label 1 is 11.0, but SVHN's labels are 1..10"), e.getMessage());

        MatWriter.write(dir.resolve("train_32x32.mat"), ByteOrder.LITTLE_ENDIAN, false,
                MatWriter.uint8("X", new int[] {32, 32, 3, 2}, columnMajorX(2)),
                MatWriter.doubles("y", new int[] {3, 1}, new double[] {1, 2, 3}, ByteOrder.LITTLE_ENDIAN));
        e = assertThrows(DataError.class, () -> new SvhnDataset(dir, Split.TRAIN));
        assertTrue(e.getMessage().contains("X holds 2 images but y holds 3 labels"), e.getMessage());
    }
}
