package sau.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import sau.nn.Module;
import sau.optim.Optimizer;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * A run's checkpoints: {@code checkpoints/step-00001234/} holds {@code model.safetensors} (the
 * model's state dict under PyTorch's names), {@code optimizer.safetensors} (its per-parameter
 * buffers, with the scalar settings as JSON in the metadata) and {@code state.json} (a
 * {@link TrainState}). A checkpoint is written into a temporary folder that is renamed into place
 * when complete, and the file {@code checkpoints/latest} naming the newest is replaced by an
 * atomic rename too: a crash at any moment leaves the previous checkpoint intact and pointed to.
 */
public final class Checkpoints {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How many checkpoints to keep; older ones are deleted once a newer one is in place. */
    private static final int KEEP = 2;

    private Checkpoints() {}

    /** A loaded checkpoint. */
    public record Loaded(Path dir, Map<String, Tensor> model, Map<String, Object> optimizer, TrainState state) {}

    public static Path save(Path runDir, Module model, Optimizer optimizer, TrainState state) throws IOException {
        final Path root = runDir.resolve("checkpoints");
        Files.createDirectories(root);
        final String name = String.format("step-%08d", state.globalStep());
        final Path tmp = root.resolve("." + name + ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        Safetensors.write(tmp.resolve("model.safetensors"), model.stateDict(), Map.of("format", "pt"));
        final Map<String, Tensor> buffers = new LinkedHashMap<>();
        final Map<String, Object> scalars = new LinkedHashMap<>();
        optimizer.stateDict().forEach((k, v) -> {
            if (v instanceof float[] f) buffers.put(k, new Tensor(f, f.length));
            else scalars.put(k, v);
        });
        Safetensors.write(tmp.resolve("optimizer.safetensors"), buffers, Map.of("scalars", JSON.writeValueAsString(scalars)));
        Files.writeString(tmp.resolve("state.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
        final Path dir = root.resolve(name);
        deleteTree(dir);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        final Path latestTmp = root.resolve(".latest.tmp");
        Files.writeString(latestTmp, name + "\n");
        Files.move(latestTmp, root.resolve("latest"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        prune(root, name);
        return dir;
    }

    /** The newest complete checkpoint of a run, or null if it has none. */
    public static Path latest(Path runDir) throws IOException {
        final Path pointer = runDir.resolve("checkpoints").resolve("latest");
        if (!Files.exists(pointer)) return null;
        final Path dir = runDir.resolve("checkpoints").resolve(Files.readString(pointer).trim());
        return Files.isDirectory(dir) ? dir : null;
    }

    public static Loaded load(Path dir) throws IOException {
        final Map<String, Tensor> model = Safetensors.read(dir.resolve("model.safetensors")).tensors();
        final Safetensors.Contents opt = Safetensors.read(dir.resolve("optimizer.safetensors"));
        final Map<String, Object> optimizer = new LinkedHashMap<>(JSON.readValue(opt.metadata().getOrDefault("scalars", "{}"), new TypeReference<Map<String, Object>>() {}));
        opt.tensors().forEach((k, t) -> optimizer.put(k, t.toArray()));
        final TrainState state = JSON.readValue(dir.resolve("state.json").toFile(), TrainState.class);
        return new Loaded(dir, model, optimizer, state);
    }

    private static void prune(Path root, String keep) throws IOException {
        final List<Path> all;
        try (Stream<Path> s = Files.list(root)) {
            all = s.filter(p -> p.getFileName().toString().startsWith("step-")).sorted(Comparator.comparing(Path::toString)).toList();
        }
        for (int i = 0; i < all.size() - KEEP; i++) {
            if (!all.get(i).getFileName().toString().equals(keep)) deleteTree(all.get(i));
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
