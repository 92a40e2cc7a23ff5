package sau.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sau.data.DataLoader;
import sau.data.Dataset;
import sau.models.MLP;
import sau.nn.Module;
import sau.nn.activation.ReLU;
import sau.optim.SGD;
import sau.optim.schedule.CosineAnnealing;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/** The training loop on a small synthetic dataset: checkpoints, resume, divergence. */
class TrainerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Three Gaussian blobs in 8 dimensions; dropout in the model makes resume depend on the saved
     * RNG. With {@code crashAfter > 0} the dataset fails once that many samples have been read,
     * which stops the trainer mid-epoch the way a kill would.
     */
    private record Blobs(int size, long seed, int crashAfter, java.util.concurrent.atomic.AtomicInteger reads) implements Dataset {
        Blobs(int size, long seed) {
            this(size, seed, 0, new java.util.concurrent.atomic.AtomicInteger());
        }

        public int[] sampleShape() { return new int[] {8}; }
        public int numClasses() { return 3; }
        public List<String> classNames() { return List.of("a", "b", "c"); }
        public int label(int i) { return i % 3; }
        public void sample(int i, float[] dst, int off) {
            if (crashAfter > 0 && reads.incrementAndGet() > crashAfter) throw new IllegalStateException("simulated crash");
            final Generator g = new Generator(seed * 1_000_003 + i);
            for (int k = 0; k < 8; k++) dst[off + k] = (float) g.nextGaussian() + (k == label(i) ? 2.5f : 0f);
        }
    }

    private static Trainer trainer(Path runDir, float lr, int everySteps, int epochs) {
        return trainer(runDir, lr, everySteps, epochs, new Blobs(300, 1));
    }

    private static Trainer trainer(Path runDir, float lr, int everySteps, int epochs, Dataset trainSet) {
        final Generator g = new Generator(5);
        final Module model = new MLP(8, List.of(16), 3, ReLU::new, 0.2f, g);
        final DataLoader train = new DataLoader(trainSet, 32, true, false, 11, null);
        final DataLoader test = new DataLoader(new Blobs(90, 2), 64, false, false, 11, null);
        final SGD opt = new SGD(model.parameters(), lr, 0.9, 0, 1e-4, false);
        return new Trainer(model, opt, new CosineAnnealing(lr, epochs * train.batchesPerEpoch(), 0), train, test, g, runDir,
                new Trainer.Options(epochs, 0.05f, 1, everySteps, false, false), new PrintStream(new ByteArrayOutputStream()));
    }

    /** The metrics that must not depend on timing. */
    private static List<String> deterministic(Path runDir) throws IOException {
        final List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(runDir.resolve("metrics.jsonl"))) {
            final JsonNode m = JSON.readTree(line);
            out.add(m.get("epoch") + " " + m.get("train_loss") + " " + m.get("train_acc") + " " + m.get("test_loss") + " " + m.get("test_acc") + " " + m.get("lr"));
        }
        return out;
    }

    @Test
    void learnsAndWritesOneMetricsLinePerEpoch(@TempDir Path dir) throws IOException {
        final List<Map<String, Object>> history = trainer(dir, 0.05f, 0, 4).fit(false);
        assertEquals(4, history.size());
        assertTrue(((Number) history.get(3).get("test_acc")).doubleValue() > 0.9, history.get(3).toString());
        assertEquals(4, Files.readAllLines(dir.resolve("metrics.jsonl")).size());
        for (String key : List.of("epoch", "train_loss", "train_acc", "test_loss", "test_acc", "lr", "images_per_s", "epoch_s")) {
            assertTrue(JSON.readTree(Files.readAllLines(dir.resolve("metrics.jsonl")).get(0)).has(key), key);
        }
        assertNotNull(Checkpoints.latest(dir));
    }

    @Test
    void sameSeedSameMetrics(@TempDir Path dir) throws IOException {
        trainer(dir.resolve("a"), 0.05f, 0, 2).fit(false);
        trainer(dir.resolve("b"), 0.05f, 0, 2).fit(false);
        assertEquals(deterministic(dir.resolve("a")), deterministic(dir.resolve("b")));
    }

    @Test
    void resumingMidEpochGivesTheUninterruptedMetrics(@TempDir Path dir) throws IOException {
        trainer(dir.resolve("full"), 0.05f, 0, 3).fit(false);
        // 10 batches per epoch, a checkpoint every 4 steps; the crash comes in batch 9 of epoch 2,
        // after the checkpoint at global step 16 (epoch 2, batch 6)
        final Path cut = dir.resolve("cut");
        final Blobs crashing = new Blobs(300, 1, 300 + 8 * 32, new java.util.concurrent.atomic.AtomicInteger());
        final IllegalStateException crash = assertThrows(IllegalStateException.class, () -> trainer(cut, 0.05f, 4, 3, crashing).fit(false));
        assertEquals("simulated crash", crash.getMessage());
        final Checkpoints.Loaded ck = Checkpoints.load(Checkpoints.latest(cut));
        assertEquals(1, ck.state().epoch());
        assertEquals(6, ck.state().nextBatch());
        assertEquals(1, Files.readAllLines(cut.resolve("metrics.jsonl")).size());
        trainer(cut, 0.05f, 4, 3).fit(true);
        assertEquals(deterministic(dir.resolve("full")), deterministic(cut));
    }

    @Test
    void divergenceStopsWithAMessageNamingTheStep(@TempDir Path dir) {
        final TrainingDiverged e = assertThrows(TrainingDiverged.class, () -> trainer(dir, 1e30f, 0, 2).fit(false));
        assertTrue(e.getMessage().contains("epoch 1, step"), e.getMessage());
        assertTrue(e.getMessage().contains("optimizer.lr"), e.getMessage());
    }

    @Test
    void checkpointRoundTripGivesIdenticalOutputs(@TempDir Path dir) throws IOException {
        final Generator g = new Generator(3);
        final Module a = new MLP(8, List.of(16, 16), 3, ReLU::new, 0f, g);
        final Module b = new MLP(8, List.of(16, 16), 3, ReLU::new, 0f, new Generator(4));
        final Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, a.stateDict(), Map.of("format", "pt"));
        b.loadStateDict(Safetensors.read(file).tensors(), true);
        final Tensor x = Tensor.randn(new Generator(9), 5, 8);
        assertArrayEquals(a.forward(x).toArray(), b.forward(x).toArray(), 0f);
        assertEquals(List.copyOf(a.stateDict().keySet()), List.copyOf(Safetensors.read(file).tensors().keySet()));
    }

    @Test
    void readsPyTorchsInt64AndFloat64Tensors(@TempDir Path dir) throws IOException {
        // the bytes safetensors.torch.save_file writes for {"num_batches_tracked": tensor(7), "x": tensor([1.5, -2.0], dtype=float64)}
        final String header = "{\"num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[8,24]}}";
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + header.length() + 24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length()).put(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putLong(7).putDouble(1.5).putDouble(-2.0);
        final Path file = dir.resolve("torch.safetensors");
        Files.write(file, b.array());
        final Map<String, Tensor> t = Safetensors.read(file).tensors();
        assertEquals(7f, t.get("num_batches_tracked").item());
        assertArrayEquals(new float[] {1.5f, -2f}, t.get("x").toArray());
    }

    @Test
    void corruptSafetensorsIsAClearError(@TempDir Path dir) throws IOException {
        final Path file = dir.resolve("bad.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        final IOException e = assertThrows(IOException.class, () -> Safetensors.read(file));
        assertTrue(e.getMessage().contains("not a safetensors file"), e.getMessage());
        Safetensors.write(file, Map.of("w", Tensor.ones(1000)), Map.of());
        final byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 100));
        final IOException t = assertThrows(IOException.class, () -> Safetensors.read(file));
        assertTrue(t.getMessage().contains("truncated"), t.getMessage());
    }
}
