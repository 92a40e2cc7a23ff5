package sau.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The figures exist, are images of the intended size, and the curves under them hold the right numbers. */
class PlotsTest {

    @TempDir
    Path tmp;

    private static void assertFigure(Path file, int panels) throws IOException {
        final Path png = file.resolveSibling(file.getFileName() + ".png"), svg = file.resolveSibling(file.getFileName() + ".svg");
        final BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(panels * Plots.WIDTH, image.getWidth());
        assertEquals(Plots.HEIGHT, image.getHeight());
        assertTrue(Files.readString(svg).contains("<svg"), svg + " is not SVG");
    }

    @Test
    void studyFigures() throws IOException {
        final Path dir = FabricatedStudy.write(tmp.resolve("study"));
        Plots.study(StudyResults.read(dir), dir.resolve("plots"));
        assertFigure(dir.resolve("plots/accuracy"), 2);
        assertFigure(dir.resolve("plots/loss"), 2);
        assertFigure(dir.resolve("plots/lr"), 1);
        assertFigure(dir.resolve("plots/activations"), 2);
    }

    @Test
    void runFigures() throws IOException {
        final Path dir = FabricatedStudy.write(tmp.resolve("study"));
        Plots.run(RunLog.read(Study.runDir(dir, "relu", 0)), "relu", tmp.resolve("run-plots"));
        assertFigure(tmp.resolve("run-plots/accuracy"), 2);
        assertFigure(tmp.resolve("run-plots/lr"), 1);
    }

    /** A detector's metrics (mAP on some epochs, no accuracy) give map, loss and lr figures and no accuracy. */
    @Test
    void detectionRunFigures() throws IOException {
        final Path run = Files.createDirectories(tmp.resolve("det"));
        Files.writeString(run.resolve("metrics.jsonl"), """
            {"epoch":1,"train_loss":20.5,"lr":0.001}
            {"epoch":2,"train_loss":9.1,"test_map":0.31,"test_map_11point":0.33,"lr":0.001}
            {"epoch":3,"train_loss":6.2,"test_map":0.58,"test_map_11point":0.57,"lr":0.0005}
            """);
        final RunLog log = RunLog.read(run);
        assertTrue(log.isDetection());
        assertEquals(0.58, log.last().testMap());
        assertTrue(Double.isNaN(log.epochs().get(0).testMap()));
        Plots.run(log, "relu", run.resolve("plots"));
        assertFigure(run.resolve("plots/map"), 1);
        assertFigure(run.resolve("plots/loss"), 1);
        assertFigure(run.resolve("plots/lr"), 1);
        assertTrue(Files.notExists(run.resolve("plots/accuracy.png")));
    }

    @Test
    void curvesAreMeanAndStdPerEpoch() throws IOException {
        final Path dir = FabricatedStudy.write(tmp.resolve("study"));
        final StudyResults r = StudyResults.read(dir);
        final Plots.Curve c = Plots.curve("relu", List.copyOf(r.complete().get("relu").values()), RunLog.Epoch::testAcc);
        assertArrayEquals(new double[] {1, 2}, c.x());
        assertArrayEquals(new double[] {(0.91 + 0.90 + 0.93) / 3, 0.91}, c.mean(), 1e-12);
        assertEquals(0.01, c.std()[1], 1e-12);
        assertNull(Plots.curve("one", List.of(r.complete().get("relu").get(0L)), RunLog.Epoch::testAcc).std());
    }

    @Test
    void activationShapesAndDerivatives() throws IOException {
        Plots.activations(List.of("sau(n=1)", "leaky_relu(0.15)"), -3, 3, tmp.resolve("shapes"));
        assertFigure(tmp.resolve("shapes"), 2);
        // Leaky ReLU(0.15): f(-2) = -0.3, f'(-2) = 0.15, f'(2) = 1
        final ActivationCurves leaky = ActivationCurves.of("leaky_relu(0.15)", -2, 2, 5);
        assertArrayEquals(new double[] {-0.3, -0.15, 0, 1, 2}, leaky.y(), 1e-6);
        assertEquals(0.15, leaky.dy()[0], 1e-6);
        assertEquals(1.0, leaky.dy()[4], 1e-6);
        // SAU with n = 1, α = 0.15 at 0: G(0) = (1/2)·√(2/π) and G'(0) = (1 + α)/2
        final ActivationCurves sau = ActivationCurves.of("sau(alpha=0.15, n=1)", -1, 1, 3);
        assertEquals(0.5 * Math.sqrt(2 / Math.PI), sau.y()[1], 1e-6);
        assertEquals(0.575, sau.dy()[1], 1e-6);
    }
}
