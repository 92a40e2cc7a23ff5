package sau.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/sau compare} and {@code bin/sau plot} end to end, in this JVM, on a minute MLP. */
class CompareCommandTest {

    @TempDir
    Path tmp;

    @Test
    void oneCommandTrainsReportsAndPlots() throws IOException {
        final Path config = tmp.resolve("tiny.json");
        Files.writeString(config, """
                {"name": "tiny", "model": {"name": "mlp", "options": {"hidden": [8]}},
                 "dataset": {"name": "fashion-mnist", "path": "datasets/fashion-mnist-small", "train_limit": 200, "test_limit": 100},
                 "batch_size": 50, "epochs": 1, "optimizer": {"name": "sgd", "lr": 0.05},
                 "logging": {"runs_dir": "%s"}}
                """.formatted(tmp.resolve("runs").toString().replace("\\", "/")));
        assertEquals(0, Main.run(new String[] {"compare", config.toString(), "--activations", "relu,sau(n=1, alpha=0.2)", "--seeds", "2", "--progress", "none"}));
        final Path study = tmp.resolve("runs/tiny-study");
        for (String f : List.of("study.json", "base-config.json", "report.md", "results.csv", "winloss.md", "winloss.csv", "plots/accuracy.png", "plots/accuracy.svg",
                "plots/loss.png", "plots/lr.png", "plots/activations.png", "relu/seed-0/metrics.jsonl", "sau-n-1-alpha-0.2/seed-1/checkpoints/latest")) {
            assertTrue(Files.size(study.resolve(f)) > 0, f);
        }
        final List<String> csv = Files.readAllLines(study.resolve("results.csv"));
        assertEquals(3, csv.size());
        assertTrue(csv.get(2).startsWith("\"sau(n=1, alpha=0.2)\",2,"), csv.get(2));
        assertTrue(Files.readString(study.resolve("winloss.md")).contains("| sau(n=1, alpha=0.2) | relu |"));

        assertEquals(0, Main.run(new String[] {"compare", "--resume", study.toString()}));
        assertEquals(0, Main.run(new String[] {"plot", study.toString(), "--out", tmp.resolve("replot").toString()}));
        assertTrue(Files.size(tmp.resolve("replot/accuracy.png")) > 0);
        assertEquals(0, Main.run(new String[] {"plot", study.resolve("relu/seed-0").toString()}));
        assertTrue(Files.size(study.resolve("relu/seed-0/plots/loss.svg")) > 0);
        assertEquals(0, Main.run(new String[] {"plot", "activation", "sau(n=1)", "leaky_relu(0.15)", "--out", tmp.resolve("shapes").toString()}));
        assertTrue(Files.size(tmp.resolve("shapes.png")) > 0);
    }

    @Test
    void mistakesAreOneLineErrors() {
        assertEquals(2, Main.run(new String[] {"compare", "configs/default.json", "--activations", "relu,sau(n=1"}));
        assertEquals(2, Main.run(new String[] {"compare", "configs/default.json", "--seeds", "0"}));
        assertEquals(2, Main.run(new String[] {"compare", "--resume", tmp.toString()}));
        assertEquals(2, Main.run(new String[] {"plot", tmp.toString()}));
        assertEquals(2, Main.run(new String[] {"plot", "activation", "nope"}));
    }
}
