package sau.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes small MATLAB level-5 MAT-files for the tests, laid out as MATLAB itself writes them:
 * the 128-byte header, then one miMATRIX element per variable (flags, dimensions, a name in the
 * small-element form when it fits in 4 bytes, the real part), optionally zlib-compressed into an
 * miCOMPRESSED element as MATLAB's default {@code save} does.
 */
final class MatWriter {

    static final int MX_DOUBLE = 6, MX_UINT8 = 9;

    /** A variable: its class, dimensions, and real part already encoded in {@code storedType}. */
    record Variable(String name, int mxClass, int[] dims, int storedType, byte[] data) {}

    private MatWriter() {}

    static Variable uint8(String name, int[] dims, byte[] data) {
        return new Variable(name, MX_UINT8, dims, MatFile.MI_UINT8, data);
    }

    /** A double array, stored as doubles. */
    static Variable doubles(String name, int[] dims, double[] values, ByteOrder order) {
        final ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(order);
        for (double v : values) b.putDouble(v);
        return new Variable(name, MX_DOUBLE, dims, MatFile.MI_DOUBLE, b.array());
    }

    /** A double array of small whole numbers stored as bytes, which MATLAB does to save space. */
    static Variable doublesAsBytes(String name, int[] dims, byte[] values) {
        return new Variable(name, MX_DOUBLE, dims, MatFile.MI_UINT8, values);
    }

    static void write(Path file, ByteOrder order, boolean compress, Variable... vars) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            final byte[] header = new byte[128];
            Arrays.fill(header, 0, 116, (byte) ' ');
            final byte[] text = "MATLAB 5.0 MAT-file, written by sau's tests".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(text, 0, header, 0, text.length);
            ByteBuffer.wrap(header, 124, 2).order(order).putShort((short) 0x0100);
            ByteBuffer.wrap(header, 126, 2).order(order).putShort((short) (('M' << 8) | 'I'));
            out.write(header);
            for (Variable v : vars) {
                final byte[] matrix = matrix(v, order);
                if (compress) {
                    final ByteArrayOutputStream zipped = new ByteArrayOutputStream();
                    try (DeflaterOutputStream z = new DeflaterOutputStream(zipped)) {
                        z.write(matrix);
                    }
                    out.write(tag(MatFile.MI_COMPRESSED, zipped.size(), order));
                    out.write(zipped.toByteArray());
                } else {
                    out.write(matrix);
                }
            }
        }
    }

    private static byte[] matrix(Variable v, ByteOrder order) throws IOException {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(element(MatFile.MI_UINT32, ByteBuffer.allocate(8).order(order).putInt(v.mxClass()).putInt(0).array(), order));
        final ByteBuffer dims = ByteBuffer.allocate(4 * v.dims().length).order(order);
        for (int d : v.dims()) dims.putInt(d);
        body.write(element(MatFile.MI_INT32, dims.array(), order));
        body.write(element(MatFile.MI_INT8, v.name().getBytes(StandardCharsets.US_ASCII), order));
        body.write(element(v.storedType(), v.data(), order));
        final ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.write(tag(MatFile.MI_MATRIX, body.size(), order));
        m.write(body.toByteArray());
        return m.toByteArray();
    }

    /** A data element, in the small form when its data fits in 4 bytes, else padded to 8 bytes. */
    private static byte[] element(int type, byte[] data, ByteOrder order) {
        if (data.length <= 4 && data.length > 0) {
            final ByteBuffer b = ByteBuffer.allocate(8).order(order).putInt((data.length << 16) | type);
            b.put(data);
            return b.array();
        }
        final ByteBuffer b = ByteBuffer.allocate(8 + ((data.length + 7) & ~7)).order(order);
        b.putInt(type).putInt(data.length).put(data);
        return b.array();
    }

    private static byte[] tag(int type, int bytes, ByteOrder order) {
        return ByteBuffer.allocate(8).order(order).putInt(type).putInt(bytes).array();
    }
}
