package sau.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import sau.data.DetectionSample;
import sau.detection.Detection;

/**
 * The picture {@code bin/sau detect} writes. A class of its own so that the command line needs
 * Java's desktop module (AWT, ImageIO) only when a picture is drawn: the GPU bundle leaves that
 * module out.
 */
final class DetectionPicture {

    private DetectionPicture() {}

    /** Draws the detections on the image and writes it as a PNG. */
    static void write(DetectionSample.Image image, List<Detection> detections, List<String> classes, Path file) throws IOException {
        ImageIO.write(draw(image, detections, classes), "png", file.toFile());
    }

    /** The picture with a coloured rectangle per detection and a label "class 0.93" on a filled tab above it. */
    static BufferedImage draw(DetectionSample.Image image, List<Detection> detections, List<String> classes) {
        final int w = image.width(), h = image.height(), plane = w * h;
        final BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        final float[] p = image.pixels();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                final int i = y * w + x;
                out.setRGB(x, y, (byte255(p[i]) << 16) | (byte255(p[plane + i]) << 8) | byte255(p[2 * plane + i]));
            }
        }
        final Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setStroke(new BasicStroke(Math.max(1f, Math.min(w, h) / 200f)));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(w, h) / 30)));
        final FontMetrics fm = g.getFontMetrics();
        for (Detection d : detections) {
            final Color colour = Color.getHSBColor((d.label() * 0.618034f) % 1f, 0.85f, 1f);
            final int x1 = Math.round(d.x1() * w), y1 = Math.round(d.y1() * h), x2 = Math.round(d.x2() * w), y2 = Math.round(d.y2() * h);
            g.setColor(colour);
            g.drawRect(x1, y1, Math.max(1, x2 - x1), Math.max(1, y2 - y1));
            final String label = String.format(Locale.ROOT, "%s %.2f", classes.get(d.label()), d.score());
            final int tw = fm.stringWidth(label) + 4, th = fm.getHeight();
            final int ty = y1 - th >= 0 ? y1 - th : y1;
            g.fillRect(x1, ty, tw, th);
            g.setColor(Color.BLACK);
            g.drawString(label, x1 + 2, ty + fm.getAscent());
        }
        g.dispose();
        return out;
    }

    private static int byte255(float v) {
        return Math.round(Math.min(255f, Math.max(0f, v)));
    }
}
