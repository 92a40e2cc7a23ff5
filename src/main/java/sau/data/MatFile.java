package sau.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Reads the numeric arrays of a MATLAB level-5 MAT-file (what MATLAB's {@code save} wrote before
 * version 7.3 switched to HDF5), enough for SVHN's {@code *_32x32.mat}.
 *
 * <p>The format, from MathWorks' "MAT-File Format" document:
 * <ul>
 *   <li>a 128-byte header: 116 bytes of text, 8 bytes of subsystem offset, a 2-byte version and
 *       the characters {@code IM} (little-endian file) or {@code MI} (big-endian), which tell the
 *       byte order of every number that follows;
 *   <li>then data elements, each an 8-byte tag (32-bit type, 32-bit byte count) and its data,
 *       padded to a multiple of 8 bytes. A tag whose upper 16 bits are not zero is a "small"
 *       element: type and count share the first 4 bytes and the data sits in the other 4;
 *   <li>a variable is an element of type miMATRIX (14) holding sub-elements: the array flags
 *       (class and complex bit), the dimensions, the name, and the real part. The real part may
 *       be stored in a smaller type than the array's class: MATLAB writes a {@code double} array
 *       of small whole numbers as bytes, for instance;
 *   <li>an element of type miCOMPRESSED (15) is a zlib stream that inflates to one miMATRIX
 *       element; compressed elements are not padded.
 * </ul>
 * Cell arrays, structures, sparse and complex arrays are refused with a message.
 */
public final class MatFile {

    static final int MI_INT8 = 1, MI_UINT8 = 2, MI_INT16 = 3, MI_UINT16 = 4, MI_INT32 = 5, MI_UINT32 = 6,
            MI_SINGLE = 7, MI_DOUBLE = 9, MI_INT64 = 12, MI_UINT64 = 13, MI_MATRIX = 14, MI_COMPRESSED = 15;

    /** The array classes (mxCLASS) that hold plain numbers: double 6 through uint64 15. */
    private static final int MX_DOUBLE = 6, MX_UINT64 = 15;
    private static final int COMPLEX_FLAG = 0x0800;
    private static final int HEADER_BYTES = 128;

    private MatFile() {}

    /**
     * One numeric variable: its name, its dimensions in MATLAB's order, and its elements in
     * MATLAB's column-major order (the first index varies fastest), still in their stored type.
     */
    public record Array(String name, int[] dims, int storedType, ByteOrder order, byte[] data) {

        public long numel() {
            long n = 1;
            for (int d : dims) n *= d;
            return n;
        }

        /** Element {@code i} as a number, whatever type it is stored in. */
        public double get(int i) {
            final ByteBuffer b = ByteBuffer.wrap(data).order(order);
            return switch (storedType) {
                case MI_INT8 -> data[i];
                case MI_UINT8 -> data[i] & 0xff;
                case MI_INT16 -> b.getShort(2 * i);
                case MI_UINT16 -> b.getShort(2 * i) & 0xffff;
                case MI_INT32 -> b.getInt(4 * i);
                case MI_UINT32 -> b.getInt(4 * i) & 0xffffffffL;
                case MI_SINGLE -> b.getFloat(4 * i);
                case MI_DOUBLE -> b.getDouble(8 * i);
                case MI_INT64, MI_UINT64 -> b.getLong(8 * i);
                default -> throw new IllegalStateException("type " + storedType + " was accepted by the reader but is not numeric");
            };
        }

        @Override
        public String toString() {
            return name + " " + Idx.describe(dims);
        }
    }

    /**
     * The variables named in {@code wanted} (all numeric ones if it is null). Others are skipped
     * without being kept in memory.
     *
     * @param remedy how to get a good copy of the file, appended to every error (may be null)
     */
    public static Map<String, Array> read(Path file, Set<String> wanted, String remedy) {
        final Map<String, Array> arrays = new LinkedHashMap<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            final byte[] header = in.readNBytes(HEADER_BYTES);
            if (header.length < HEADER_BYTES) throw error(file, "truncated: shorter than a MAT-file's 128-byte header", remedy);
            final ByteOrder order = byteOrder(file, header, remedy);
            final Reader top = new Reader(in, order, file, remedy);
            while (true) {
                final Tag tag = top.tagOrEnd();
                if (tag == null) break;
                final Array a = switch (tag.type) {
                    case MI_MATRIX -> top.matrix(tag, wanted);
                    case MI_COMPRESSED -> {
                        final Bounded region = new Bounded(in, tag.bytes);
                        final Inflater inflater = new Inflater();
                        try {
                            final Reader inner = new Reader(new InflaterInputStream(region, inflater), order, file, remedy);
                            final Tag matrix = inner.tag();
                            if (matrix.type != MI_MATRIX) throw error(file, "a compressed element holds type " + matrix.type + ", not a matrix", remedy);
                            final Array read = inner.matrix(matrix, wanted);
                            // The zlib stream's checksum, which the inflater may not have asked for yet.
                            region.skipRest();
                            yield read;
                        } finally {
                            // Closing the inflating stream would close the file too, so free the inflater's native memory here.
                            inflater.end();
                        }
                    }
                    default -> {
                        top.skip(tag.padded());
                        yield null;
                    }
                };
                if (a != null) arrays.put(a.name(), a);
            }
        } catch (NoSuchFileException e) {
            throw error(file, "no such file", remedy);
        } catch (AccessDeniedException e) {
            throw new DataError(file + ": permission denied", e);
        } catch (EOFException e) {
            throw error(file, "truncated: the file ends inside a data element", remedy);
        } catch (ZipException e) {
            throw error(file, "corrupt compressed data (" + e.getMessage() + ")", remedy);
        } catch (IOException e) {
            throw new DataError(file + ": cannot read: " + e.getMessage(), e);
        }
        return arrays;
    }

    private static ByteOrder byteOrder(Path file, byte[] header, String remedy) {
        if (header[126] == 'I' && header[127] == 'M') return ByteOrder.LITTLE_ENDIAN;
        if (header[126] == 'M' && header[127] == 'I') return ByteOrder.BIG_ENDIAN;
        final String text = new String(header, 0, 116, StandardCharsets.ISO_8859_1).strip();
        if (text.startsWith("MATLAB 7.3") || Arrays.equals(Arrays.copyOf(header, 8), new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'})) {
            throw error(file, "a MATLAB 7.3 (HDF5) file; sau reads level-5 MAT-files (save it with -v7 or -v6)", remedy);
        }
        throw error(file, "not a MATLAB level-5 MAT-file (no IM/MI byte-order mark at bytes 126-127)", remedy);
    }

    private static DataError error(Path file, String problem, String remedy) {
        return new DataError(file + ": " + problem + (remedy == null ? "" : "; " + remedy));
    }

    private record Tag(int type, int bytes, boolean small) {
        /** The bytes the data takes in the file: small elements live inside their tag, others are padded to 8. */
        int padded() {
            return small ? 0 : (bytes + 7) & ~7;
        }
    }

    /** Reads tags and elements from a stream in the file's byte order. */
    private static final class Reader {
        private final InputStream in;
        private final ByteOrder order;
        private final Path file;
        private final String remedy;

        Reader(InputStream in, ByteOrder order, Path file, String remedy) {
            this.in = in;
            this.order = order;
            this.file = file;
            this.remedy = remedy;
        }

        /** The next tag, or null at a clean end of the file. */
        Tag tagOrEnd() throws IOException {
            final byte[] b = in.readNBytes(8);
            if (b.length == 0) return null;
            if (b.length < 8) throw error(file, "truncated: the file ends inside a data element's tag", remedy);
            return decodeTag(b);
        }

        Tag tag() throws IOException {
            final Tag t = tagOrEnd();
            if (t == null) throw new EOFException();
            return t;
        }

        private Tag decodeTag(byte[] b) {
            final ByteBuffer buf = ByteBuffer.wrap(b).order(order);
            final int first = buf.getInt(0);
            if ((first >>> 16) != 0) return new Tag(first & 0xffff, first >>> 16, true);
            final int bytes = buf.getInt(4);
            if (bytes < 0) throw error(file, "a data element claims " + (bytes & 0xffffffffL) + " bytes, more than sau can hold", remedy);
            return new Tag(first, bytes, false);
        }

        /** A sub-element: its tag, its data, and the bytes it took in the stream. */
        private record Element(Tag tag, byte[] data) {
            int streamBytes() {
                return 8 + tag.padded();
            }
        }

        Element element() throws IOException {
            final byte[] b = exactly(8);
            final Tag t = decodeTag(b);
            if (t.small) return new Element(t, Arrays.copyOfRange(b, 4, 4 + Math.min(t.bytes, 4)));
            final byte[] d = exactly(t.bytes);
            skip(t.padded() - t.bytes);
            return new Element(t, d);
        }

        /**
         * Reads the sub-elements of a matrix element whose tag was just read, up to its end.
         * Returns null for an array that is not wanted or not numeric.
         */
        Array matrix(Tag matrix, Set<String> wanted) throws IOException {
            final Element flags = element();
            if (flags.tag.type != MI_UINT32 || flags.data.length < 8) throw error(file, "a matrix without its array-flags sub-element", remedy);
            final int flagWord = ByteBuffer.wrap(flags.data).order(order).getInt(0);
            final int mxClass = flagWord & 0xff;
            final Element dimsElement = element();
            final ByteBuffer db = ByteBuffer.wrap(dimsElement.data).order(order);
            final int[] dims = new int[dimsElement.data.length / 4];
            for (int i = 0; i < dims.length; i++) dims[i] = db.getInt(4 * i);
            final Element nameElement = element();
            final String name = new String(nameElement.data, StandardCharsets.US_ASCII);
            long consumed = flags.streamBytes() + dimsElement.streamBytes() + nameElement.streamBytes();
            final boolean numeric = mxClass >= MX_DOUBLE && mxClass <= MX_UINT64;
            if (!numeric || (wanted != null && !wanted.contains(name))) {
                skip(matrix.bytes - consumed);
                return null;
            }
            if ((flagWord & COMPLEX_FLAG) != 0) throw error(file, "variable " + name + " is complex; sau reads real arrays only", remedy);
            final Element real = element();
            skip(matrix.bytes - consumed - real.streamBytes());
            final Array a = new Array(name, dims, real.tag.type, order, real.data);
            final int width = switch (a.storedType()) {
                case MI_INT8, MI_UINT8 -> 1;
                case MI_INT16, MI_UINT16 -> 2;
                case MI_INT32, MI_UINT32, MI_SINGLE -> 4;
                case MI_DOUBLE, MI_INT64, MI_UINT64 -> 8;
                default -> throw error(file, "variable " + name + " stores its numbers as type " + a.storedType() + ", which sau does not read", remedy);
            };
            if (real.data.length != a.numel() * width) {
                throw error(file, "variable " + name + " of size " + Idx.describe(dims) + " needs " + a.numel() * width + " bytes but holds "
                        + real.data.length, remedy);
            }
            return a;
        }

        byte[] exactly(int n) throws IOException {
            final byte[] b = in.readNBytes(n);
            if (b.length < n) throw new EOFException();
            return b;
        }

        void skip(long n) throws IOException {
            if (n > 0) in.skipNBytes(n);
        }
    }

    /** The next {@code n} bytes of a stream, seen as a stream of their own: one compressed element. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long n) {
            this.in = in;
            this.left = n;
        }

        @Override
        public int read() throws IOException {
            if (left == 0) return -1;
            final int b = in.read();
            if (b < 0) throw new EOFException();
            left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) return -1;
            final int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) throw new EOFException();
            left -= n;
            return n;
        }

        void skipRest() throws IOException {
            in.skipNBytes(left);
            left = 0;
        }
    }
}
