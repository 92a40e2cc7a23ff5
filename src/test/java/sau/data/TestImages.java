package sau.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes small image files with {@code javax.imageio}, for the tests of the image readers. */
final class TestImages {

    private TestImages() {}

    /** A {@code width x height} image of one RGB colour, in the format named by the file's extension. */
    static void solid(Path file, int width, int height, int rgb) throws IOException {
        final BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) image.setRGB(x, y, rgb);
        }
        write(image, file);
    }

    /** A grey-scale image (one 8-bit band) of one grey level. */
    static void grey(Path file, int width, int height, int level) throws IOException {
        final BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) image.getRaster().setSample(x, y, 0, level);
        }
        write(image, file);
    }

    static void write(BufferedImage image, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        final String name = file.getFileName().toString();
        final String format = name.substring(name.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        if (!ImageIO.write(image, format.equals("jpg") ? "jpeg" : format, file.toFile())) {
            throw new IOException("no ImageIO writer for " + format);
        }
    }
}
