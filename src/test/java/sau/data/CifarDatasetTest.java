package sau.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sau.data.CifarDataset.Kind;

class CifarDatasetTest {

    @TempDir
    Path dir;

    /** A record in the binary format: label bytes, then 1024 red, 1024 green and 1024 blue pixels. */
    private static byte[] record(byte[] labelBytes, int red, int green, int blue) {
        final byte[] r = new byte[labelBytes.length + 3072];
        System.arraycopy(labelBytes, 0, r, 0, labelBytes.length);
        for (int i = 0; i < 1024; i++) {
            r[labelBytes.length + i] = (byte) red;
            r[labelBytes.length + 1024 + i] = (byte) green;
            r[labelBytes.length + 2048 + i] = (byte) blue;
        }
        return r;
    }

    private static byte[] concat(byte[]... parts) {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** Five training batches of two images each (labels 0..9), a test batch of one, and the names file. */
    private void writeCifar10() throws IOException {
        for (int b = 1; b <= 5; b++) {
            Files.write(dir.resolve("data_batch_" + b + ".bin"),
                    concat(record(new byte[] {(byte) (2 * b - 2)}, 255, 0, 51), record(new byte[] {(byte) (2 * b - 1)}, 0, 102, 0)));
        }
        Files.write(dir.resolve("test_batch.bin"), record(new byte[] {3}, 1, 2, 3));
        Files.writeString(dir.resolve("batches.meta.txt"),
                "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
    }

    @Test
    void readsCifar10BatchesInOrder() throws IOException {
        writeCifar10();
        final CifarDataset train = new CifarDataset(dir, Kind.CIFAR10, Split.TRAIN);
        assertEquals(10, train.size());
        assertArrayEquals(new int[] {3, 32, 32}, train.sampleShape());
        assertEquals(10, train.numClasses());
        for (int i = 0; i < 10; i++) assertEquals(i, train.label(i));
        assertEquals("truck", train.classNames().get(9));
        final float[] x = new float[3072];
        train.sample(4, x, 0);
        assertEquals(1f, x[0]);
        assertEquals(1f, x[1023]);
        assertEquals(0f, x[1024]);
        assertEquals(0.2f, x[2048], 1e-6f);

        final CifarDataset test = new CifarDataset(dir, Kind.CIFAR10, Split.TEST, Kind.CIFAR10.normalization());
        assertEquals(1, test.size());
        assertEquals("cat", test.classNames().get(test.label(0)));
        test.sample(0, x, 0);
        assertEquals((1 / 255f - 0.4914f) / 0.2470f, x[5], 1e-6f);
        assertEquals((3 / 255f - 0.4465f) / 0.2616f, x[3000], 1e-6f);
    }

    @Test
    void cifar100FineAndCoarseLabels() throws IOException {
        Files.write(dir.resolve("train.bin"), concat(record(new byte[] {19, 99}, 0, 0, 0), record(new byte[] {4, 7}, 0, 0, 0)));
        Files.write(dir.resolve("test.bin"), record(new byte[] {0, 0}, 9, 9, 9));
        final CifarDataset fine = new CifarDataset(dir, Kind.CIFAR100, Split.TRAIN);
        assertEquals(100, fine.numClasses());
        assertEquals(99, fine.label(0));
        assertEquals(7, fine.label(1));
        assertEquals("99", fine.classNames().get(99), "numbered names when fine_label_names.txt is absent");
        final CifarDataset coarse = new CifarDataset(dir, Kind.CIFAR100_COARSE, Split.TRAIN);
        assertEquals(20, coarse.numClasses());
        assertEquals(19, coarse.label(0));
        assertEquals(4, coarse.label(1));
        assertEquals(1, new CifarDataset(dir, Kind.CIFAR100, Split.TEST).size());
    }

    @Test
    void missingFileNamesItAndTheDownload() throws IOException {
        writeCifar10();
        Files.delete(dir.resolve("data_batch_3.bin"));
        final DataError e = assertThrows(DataError.class, () -> new CifarDataset(dir, Kind.CIFAR10, Split.TRAIN));
        assertTrue(e.getMessage().startsWith(dir.resolve("data_batch_3.bin") + ": no such file"), e.getMessage());
        assertTrue(e.getMessage().contains("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"), e.getMessage());

        final DataError noDir = assertThrows(DataError.class, () -> new CifarDataset(dir.resolve("nope"), Kind.CIFAR100, Split.TEST));
        assertTrue(noDir.getMessage().contains("no such directory") && noDir.getMessage().contains("cifar-100-binary.tar.gz"), noDir.getMessage());
    }

    @Test
    void truncatedOrWrongFilesAreErrors() throws IOException {
        writeCifar10();
        final byte[] whole = Files.readAllBytes(dir.resolve("test_batch.bin"));
        Files.write(dir.resolve("test_batch.bin"), java.util.Arrays.copyOf(whole, 3000));
        DataError e = assertThrows(DataError.class, () -> new CifarDataset(dir, Kind.CIFAR10, Split.TEST));
        assertTrue(e.getMessage().contains("3000 bytes is not a whole number of CIFAR-10 records (3073 bytes each"), e.getMessage());

        // A CIFAR-100 file read as CIFAR-10: the record sizes differ.
        Files.write(dir.resolve("test_batch.bin"), record(new byte[] {1, 2}, 0, 0, 0));
        e = assertThrows(DataError.class, () -> new CifarDataset(dir, Kind.CIFAR10, Split.TEST));
        assertTrue(e.getMessage().contains("3074 bytes is not a whole number"), e.getMessage());

        Files.write(dir.resolve("test_batch.bin"), record(new byte[] {10}, 0, 0, 0));
        e = assertThrows(DataError.class, () -> new CifarDataset(dir, Kind.CIFAR10, Split.TEST));
        assertTrue(e.getMessage().contains("image 0 has label 10, but CIFAR-10 has only 10 classes"), e.getMessage());
    }
}
