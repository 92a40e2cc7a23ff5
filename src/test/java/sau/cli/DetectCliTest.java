package sau.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sau.data.DetectionSample;
import sau.data.TinyVoc;
import sau.detection.Detection;

/** Detection through the command line: train, eval (mAP) and detect (a PNG with the boxes). */
class DetectCliTest {

    @Test
    void trainEvaluateAndDrawDetections(@TempDir Path dir) throws Exception {
        TinyVoc.write(dir.resolve("voc"), 4);
        final Path config = Files.writeString(dir.resolve("c.json"), """
            {"name": "det", "model": {"name": "ssd300", "options": {"backbone": "vgg16_bn", "width": 0.0625}},
             "dataset": {"name": "voc", "path": "%s", "image_size": 48}, "batch_size": 2, "epochs": 1}
            """.formatted(dir.resolve("voc").toString().replace("\\", "/")));
        final CliTest.Result train = CliTest.run("train", config.toString(), "--set", "logging.runs_dir=" + dir.resolve("runs"), "--progress", "none");
        assertEquals(0, train.status(), train.err());
        assertTrue(train.out().contains("final test mAP@0.5"), train.out());
        final Path runDir = dir.resolve("runs/det");
        assertEquals(List.of("circle", "square"), Files.readAllLines(runDir.resolve("classes.txt")));

        final CliTest.Result eval = CliTest.run("eval", runDir.toString());
        assertEquals(0, eval.status(), eval.err());
        assertTrue(eval.out().contains("mAP@0.5") && eval.out().contains("square"), eval.out());

        final Path png = dir.resolve("out.png");
        final CliTest.Result detect = CliTest.run("detect", runDir.toString(), dir.resolve("voc/JPEGImages/img0.jpg").toString(), "--out", png.toString(), "--threshold", "0");
        assertEquals(0, detect.status(), detect.err());
        final BufferedImage drawn = ImageIO.read(png.toFile());
        assertEquals(40, drawn.getWidth());
        assertEquals(30, drawn.getHeight());
        assertTrue(detect.out().contains("wrote " + png), detect.out());

        assertEquals(2, CliTest.run("detect", runDir.toString(), dir.resolve("missing.jpg").toString()).status());
        assertEquals(2, CliTest.run("detect", runDir.toString(), png.toString(), "--threshold", "2").status());
    }

    /** A box from (0.25, 0.5) to (0.75, 1) of an 80×40 grey image is outlined in its class colour, its label above it, the inside left alone. */
    @Test
    void drawsTheBoxWhereTheDetectionIs() {
        final float[] grey = new float[3 * 40 * 80];
        java.util.Arrays.fill(grey, 128f);
        final BufferedImage img = DetectionPicture.draw(new DetectionSample.Image(grey, 40, 80),
                List.of(new Detection(0, 0.9f, 0.25f, 0.5f, 0.75f, 1f)), List.of("thing"));
        final int edge = img.getRGB(20, 30) & 0xffffff;
        assertTrue(edge != 0x808080, "the left edge at x=20 is drawn");
        assertEquals(edge, img.getRGB(60, 30) & 0xffffff, "the right edge at x=60 is drawn");
        assertEquals(0x808080, img.getRGB(40, 32) & 0xffffff);
        assertEquals(0x808080, img.getRGB(2, 2) & 0xffffff);
        assertEquals(0x808080, img.getRGB(10, 30) & 0xffffff);
        assertTrue((img.getRGB(22, 14) & 0xffffff) != 0x808080, "the label tab sits above the box");
    }
}
