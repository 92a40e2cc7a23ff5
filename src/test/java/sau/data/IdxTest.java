package sau.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    private static final String REMEDY = "get it with datasets/fetch-mnist.sh";

    @TempDir
    Path dir;

    private static byte[] ramp(int n) {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 7);
        return b;
    }

    @Test
    void roundTripRawAndGzip() {
        final byte[] images = ramp(5 * 4 * 3);
        final byte[] labels = {0, 9, 3, (byte) 255, 1};
        for (String name : new String[] {"images", "images.gz"}) {
            final Path f = dir.resolve(name);
            Idx.write(f, new int[] {5, 4, 3}, images);
            final Idx.Data d = Idx.read(f);
            assertArrayEquals(new int[] {5, 4, 3}, d.dims());
            assertArrayEquals(images, d.data());
            assertEquals(5, d.count());
        }
        final Path f = dir.resolve("labels.gz");
        Idx.write(f, new int[] {5}, labels);
        assertArrayEquals(labels, Idx.read(f).data());
    }

    @Test
    void filesAreWhatTheFormatSays() throws IOException {
        final Path raw = dir.resolve("labels");
        Idx.write(raw, new int[] {3}, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3}, Files.readAllBytes(raw));
        final Path gz = dir.resolve("labels.gz");
        Idx.write(gz, new int[] {3}, new byte[] {1, 2, 3});
        final byte[] bytes = Files.readAllBytes(gz);
        assertEquals(0x1f, bytes[0] & 0xff);
        assertEquals(0x8b, bytes[1] & 0xff);
    }

    @Test
    void gzipIsRecognisedByContentNotName() throws IOException {
        final Path gz = dir.resolve("a.gz");
        Idx.write(gz, new int[] {2, 2}, new byte[] {1, 2, 3, 4});
        final Path renamed = Files.move(gz, dir.resolve("train-labels-idx1-ubyte"));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, Idx.read(renamed).data());
        final Path rawNamedGz = dir.resolve("b.gz");
        Files.write(rawNamedGz, new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 42});
        assertArrayEquals(new byte[] {42}, Idx.read(rawNamedGz).data());
    }

    private DataError readFails(Path f) {
        final DataError e = assertThrows(DataError.class, () -> Idx.read(f, REMEDY));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        return e;
    }

    @Test
    void missingFileIsNamedWithTheRemedy() {
        final DataError e = readFails(dir.resolve("train-images-idx3-ubyte.gz"));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
        assertTrue(e.getMessage().endsWith(REMEDY), e.getMessage());
    }

    @Test
    void wrongMagicIsAnError() throws IOException {
        final Path html = dir.resolve("page.gz");
        Files.writeString(html, "<!DOCTYPE html><html>Not Found</html>");
        final DataError e = readFails(html);
        assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
        assertTrue(e.getMessage().contains("0x00000803"), e.getMessage());
        assertTrue(e.getMessage().endsWith(REMEDY), e.getMessage());

        final Path floats = dir.resolve("floats");
        Files.write(floats, new byte[] {0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0});
        assertTrue(readFails(floats).getMessage().contains("element type 0x0d (float) is not supported"));
    }

    @Test
    void truncatedRawFileSaysHowMuchIsMissing() throws IOException {
        final Path f = dir.resolve("images");
        Idx.write(f, new int[] {10, 28, 28}, ramp(10 * 28 * 28));
        final byte[] bytes = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(bytes, 16 + 1234));
        final DataError e = readFails(f);
        assertTrue(e.getMessage().contains("truncated: header says 10x28x28 (7840 bytes of data) but the file holds only 1234"), e.getMessage());
        assertTrue(e.getMessage().endsWith(REMEDY), e.getMessage());

        Files.write(f, Arrays.copyOf(bytes, 10));
        assertTrue(readFails(f).getMessage().contains("ends inside its IDX header"));
    }

    @Test
    void truncatedGzipFileIsAnError() throws IOException {
        final Path f = dir.resolve("images.gz");
        Idx.write(f, new int[] {10, 28, 28}, ramp(10 * 28 * 28));
        final byte[] bytes = Files.readAllBytes(f);
        // Cut inside the compressed data, and then just before the end so that only the gzip trailer is lost.
        for (int keep : new int[] {bytes.length / 2, bytes.length - 4}) {
            Files.write(f, Arrays.copyOf(bytes, keep));
            final DataError e = readFails(f);
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            assertTrue(e.getMessage().endsWith(REMEDY), e.getMessage());
        }
    }

    @Test
    void extraBytesAreAnError() throws IOException {
        final Path f = dir.resolve("labels");
        Files.write(f, new byte[] {0, 0, 8, 1, 0, 0, 0, 2, 1, 2, 3});
        assertTrue(readFails(f).getMessage().contains("more than the 2 bytes its header announces"));
    }

    @Test
    void writerChecksTheLength() {
        assertThrows(IllegalArgumentException.class, () -> Idx.write(dir.resolve("x"), new int[] {2, 2}, new byte[3]));
    }
}
