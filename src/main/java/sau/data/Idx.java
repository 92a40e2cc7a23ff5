package sau.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * Reads and writes IDX files, the format of MNIST and Fashion-MNIST.
 *
 * <p>An IDX file is a 4-byte magic number — two zero bytes, an element-type code, the number of
 * dimensions — then one big-endian 32-bit size per dimension, then the elements in row-major
 * order. sau reads unsigned-byte files (type code {@code 0x08}): magic {@code 0x00000801} for a
 * vector of labels, {@code 0x00000803} for a stack of images. Files may be gzip-compressed, as
 * they are distributed; compression is recognised by the gzip magic bytes {@code 1f 8b}, not by
 * the file name, so a renamed or already-unpacked file still reads.
 *
 * <p>Every problem becomes a {@link DataError} that names the file and, through the caller's
 * {@code remedy}, says how to get a good copy: a truncated download is the usual culprit.
 */
public final class Idx {

    /** The element-type code of unsigned bytes, the only type sau reads. */
    public static final int UNSIGNED_BYTE = 0x08;

    private static final int BUFFER = 1 << 16;

    private Idx() {}

    /** The contents of an IDX file: its dimensions and its elements in row-major order. */
    public record Data(int[] dims, byte[] data) {
        public Data {
            if (dims.length == 0 || dims.length > 255) {
                throw new IllegalArgumentException("an IDX file has 1 to 255 dimensions, got " + dims.length);
            }
            if (numel(dims) != data.length) {
                throw new IllegalArgumentException("dims " + describe(dims) + " need " + numel(dims) + " bytes, got " + data.length);
            }
        }

        /** The size of the first dimension: the number of labels or images. */
        public int count() {
            return dims[0];
        }
    }

    /** Reads {@code file} with no advice on how to replace it. */
    public static Data read(Path file) {
        return read(file, null);
    }

    /**
     * Reads an unsigned-byte IDX file, raw or gzip-compressed.
     *
     * @param remedy what the user should do if the file is missing or damaged, e.g. "get it with
     *     datasets/fetch-mnist.sh"; appended to every error message (may be null)
     */
    public static Data read(Path file, String remedy) {
        try (InputStream in = open(file)) {
            final int[] dims = readHeader(file, in, remedy);
            final long expected = numel(dims);
            if (expected > Integer.MAX_VALUE - 8) {
                throw error(file, "header says " + describe(dims) + " (" + expected + " bytes), more than sau can hold in one array", remedy);
            }
            final byte[] data = new byte[(int) expected];
            int have = 0;
            boolean gzipEndedEarly = false;
            try {
                while (have < data.length) {
                    final int n = in.read(data, have, data.length - have);
                    if (n < 0) break;
                    have += n;
                }
            } catch (EOFException e) {
                gzipEndedEarly = true;
            }
            if (have < data.length) {
                throw error(file, "truncated: header says " + describe(dims) + " (" + expected + " bytes of data) but the file holds only "
                        + have + (gzipEndedEarly ? " before its gzip stream breaks off" : ""), remedy);
            }
            if (in.read() >= 0) {
                throw error(file, "the file holds more than the " + expected + " bytes its header announces (" + describe(dims)
                        + "); it is not the file it is named after", remedy);
            }
            return new Data(dims, data);
        } catch (EOFException e) {
            throw error(file, "truncated: its gzip stream breaks off", remedy);
        } catch (NoSuchFileException e) {
            throw error(file, "no such file", remedy);
        } catch (AccessDeniedException e) {
            throw new DataError(file + ": permission denied", e);
        } catch (ZipException e) {
            throw error(file, "corrupt gzip data (" + e.getMessage() + ")", remedy);
        } catch (IOException e) {
            throw new DataError(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Writes an unsigned-byte IDX file, gzip-compressed if its name ends in {@code .gz}. */
    public static void write(Path file, int[] dims, byte[] data) {
        final Data checked = new Data(dims, data);
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), BUFFER);
                OutputStream out = file.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(raw, BUFFER) : raw) {
            out.write(new byte[] {0, 0, UNSIGNED_BYTE, (byte) dims.length});
            for (int d : checked.dims()) {
                out.write(new byte[] {(byte) (d >>> 24), (byte) (d >>> 16), (byte) (d >>> 8), (byte) d});
            }
            out.write(checked.data());
        } catch (IOException e) {
            throw new DataError(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** Opens the file, decompressing it if it starts with the gzip magic bytes. */
    private static InputStream open(Path file) throws IOException {
        if (Files.isDirectory(file)) throw new DataError(file + ": is a directory, not an IDX file");
        final BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        in.mark(2);
        final boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzip ? new GZIPInputStream(in, BUFFER) : in;
    }

    private static int[] readHeader(Path file, InputStream in, String remedy) throws IOException {
        final byte[] magic = readExactly(in, 4, file, remedy);
        if (magic[0] != 0 || magic[1] != 0) {
            throw error(file, String.format("not an IDX file: it starts with bytes %02x %02x %02x %02x, but an IDX file starts with "
                    + "00 00 (magic number 0x00000801 for labels, 0x00000803 for images)", magic[0], magic[1], magic[2], magic[3]), remedy);
        }
        if (magic[2] != UNSIGNED_BYTE) {
            throw error(file, String.format("IDX element type 0x%02x (%s) is not supported; sau reads unsigned-byte IDX files "
                    + "(magic number 0x00000801 or 0x00000803)", magic[2], typeName(magic[2])), remedy);
        }
        final int ndim = magic[3] & 0xff;
        if (ndim == 0) throw error(file, "IDX header announces 0 dimensions (magic number 0x00000800)", remedy);
        final byte[] sizes = readExactly(in, 4 * ndim, file, remedy);
        final int[] dims = new int[ndim];
        for (int i = 0; i < ndim; i++) {
            final long d = ((sizes[4 * i] & 0xffL) << 24) | ((sizes[4 * i + 1] & 0xff) << 16) | ((sizes[4 * i + 2] & 0xff) << 8) | (sizes[4 * i + 3] & 0xff);
            if (d > Integer.MAX_VALUE) throw error(file, "IDX header announces a dimension of " + d + ", too large to be real", remedy);
            dims[i] = (int) d;
        }
        return dims;
    }

    private static byte[] readExactly(InputStream in, int n, Path file, String remedy) throws IOException {
        final byte[] b;
        try {
            b = in.readNBytes(n);
        } catch (EOFException e) {
            throw error(file, "truncated: the file ends inside its IDX header", remedy);
        }
        if (b.length < n) throw error(file, "truncated: the file ends inside its IDX header (" + b.length + " of " + n + " bytes)", remedy);
        return b;
    }

    private static String typeName(int code) {
        return switch (code) {
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> "unknown";
        };
    }

    private static DataError error(Path file, String problem, String remedy) {
        return new DataError(file + ": " + problem + (remedy == null ? "" : "; " + remedy));
    }

    private static long numel(int[] dims) {
        long n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    /** {@code 60000x28x28}, the way people write the shape of MNIST. */
    static String describe(int[] dims) {
        final StringBuilder s = new StringBuilder();
        for (int i = 0; i < dims.length; i++) s.append(i == 0 ? "" : "x").append(dims[i]);
        return s.toString();
    }
}
