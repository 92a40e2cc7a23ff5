package sau.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import sau.tensor.Tensor;

/**
 * The safetensors format, which PyTorch, JAX and the Hugging Face tools all read: an 8-byte
 * little-endian header length N, N bytes of JSON naming each tensor's dtype, shape and byte
 * range, then the raw little-endian data. sau writes F32 and reads F32, F64 and I64 (as float32),
 * which covers PyTorch's checkpoints of sau's models; the header's {@code __metadata__} holds
 * string key/values.
 *
 * <p>Files are written to a temporary name beside the target, flushed to disk and renamed over
 * it: the rename is atomic, so a crash leaves either the old file or the new one, never half of one.
 */
public final class Safetensors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {}

    /** What a file holds: tensors by name (in file order) and the string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        final ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            final ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            final ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            final var shape = t.putArray("shape");
            for (int d : e.getValue().shape()) shape.add(d);
            final long bytes = 4L * e.getValue().numel();
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        // pad the header with spaces so that the data starts 8-byte aligned, as the reference writer does
        final int padded = (json.length + 7) / 8 * 8;
        final byte[] headerBytes = java.util.Arrays.copyOf(json, padded);
        java.util.Arrays.fill(headerBytes, json.length, padded, (byte) ' ');

        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
             OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
            final ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(headerBytes);
            final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                for (float v : t.toArray()) {
                    if (!buf.hasRemaining()) flush(buf, out);
                    buf.putFloat(v);
                }
            }
            flush(buf, out);
            out.flush();
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void flush(ByteBuffer buf, OutputStream out) throws IOException {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
    }

    /** Reads a file; a malformed or truncated one is an {@link IOException} that says what is wrong. */
    public static Contents read(Path file) throws IOException {
        final byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file");
        }
        if (all.length < 8) throw new IOException(file + ": not a safetensors file (shorter than its 8-byte header length)");
        final long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n <= 0 || 8 + n > all.length) throw new IOException(file + ": not a safetensors file, or truncated (header length " + n + ", file " + all.length + " bytes)");
        final JsonNode header;
        try {
            header = JSON.readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(file + ": the safetensors header is not valid JSON");
        }
        final int dataStart = 8 + (int) n;
        final Map<String, Tensor> tensors = new LinkedHashMap<>();
        final Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            if (e.getKey().equals("__metadata__")) {
                e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            final JsonNode t = e.getValue();
            final String dtype = t.path("dtype").asText();
            final int width = switch (dtype) {
                case "F32" -> 4;
                case "F64", "I64" -> 8;
                default -> throw new IOException(file + ": tensor \"" + e.getKey() + "\" has dtype " + dtype + "; sau reads F32, F64 and I64 (converted to float32)");
            };
            final int[] shape = new int[t.path("shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = t.path("shape").get(i).asInt();
            final long begin = t.path("data_offsets").path(0).asLong(-1), end = t.path("data_offsets").path(1).asLong(-1);
            final long count = sau.tensor.Shape.numel(shape);
            if (begin < 0 || end - begin != width * count || dataStart + end > all.length) {
                throw new IOException(file + ": tensor \"" + e.getKey() + "\" has data offsets [" + begin + ", " + end + "] that do not fit its shape or the file (truncated?)");
            }
            final ByteBuffer bytes = ByteBuffer.wrap(all, dataStart + (int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
            final float[] values = new float[(int) count];
            // PyTorch stores batch norm's num_batches_tracked as int64; sau keeps every tensor in float32
            switch (dtype) {
                case "F32" -> bytes.asFloatBuffer().get(values);
                case "F64" -> { for (int i = 0; i < values.length; i++) values[i] = (float) bytes.getDouble(); }
                default -> { for (int i = 0; i < values.length; i++) values[i] = bytes.getLong(); }
            }
            tensors.put(e.getKey(), new Tensor(values, shape));
        }
        return new Contents(tensors, metadata);
    }
}
