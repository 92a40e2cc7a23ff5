package sau.data;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Decodes an image file (PNG, JPEG, BMP, GIF: whatever {@code javax.imageio} reads) into CHW
 * bytes of a fixed shape: RGB or grey, resized with {@link Bilinear#resize} if its size differs.
 *
 * <p>Colour becomes grey as PIL's {@code convert("L")} does, {@code L = 0.299 R + 0.587 G + 0.114 B};
 * grey becomes colour by repeating it in all three channels; an alpha channel is dropped.
 */
final class ImageDecoder {

    private ImageDecoder() {}

    /** Decodes {@code file} into {@code dst[offset .. offset + shape.numel())}. */
    static void decode(Path file, ImageShape shape, byte[] dst, int offset) {
        final BufferedImage image = read(file);
        final int h = image.getHeight();
        final int w = image.getWidth();
        final float[] pixels = toChannels(image, shape.channels());
        final float[] sized;
        if (h == shape.height() && w == shape.width()) {
            sized = pixels;
        } else {
            sized = new float[shape.numel()];
            Bilinear.resize(pixels, 0, shape.channels(), h, w, sized, 0, shape.height(), shape.width());
        }
        for (int i = 0; i < sized.length; i++) dst[offset + i] = (byte) Math.round(Math.min(Math.max(sized[i], 0f), 255f));
    }

    /** Decodes {@code file} at its own size as RGB, CHW floats in 0..255. */
    static DetectionSample.Image decodeRgb(Path file) {
        final BufferedImage image = read(file);
        return new DetectionSample.Image(toChannels(image, 3), image.getHeight(), image.getWidth());
    }

    private static BufferedImage read(Path file) {
        if (!Files.isRegularFile(file)) throw new DataError(file + ": no such file");
        final BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            // ImageIO reports damaged files with IIOException and, for some formats, runtime exceptions.
            throw new DataError(file + ": cannot decode the image (" + e.getMessage() + "); the file is damaged or truncated", e);
        }
        if (image == null) throw new DataError(file + ": not an image format Java can read (PNG, JPEG, BMP, GIF, WBMP)");
        return image;
    }

    /** The image as CHW floats in 0..255 with the wanted number of channels. */
    private static float[] toChannels(BufferedImage image, int channels) {
        final int h = image.getHeight();
        final int w = image.getWidth();
        final int plane = h * w;
        final float[] out = new float[channels * plane];
        final Raster raster = image.getRaster();
        if (raster.getNumBands() == 1 && !(image.getColorModel() instanceof IndexColorModel)) {
            // A grey image: read its samples directly. getRGB would pass them through a colour-space
            // conversion from linear grey to sRGB, which brightens them.
            final int max = (1 << image.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    final float v = raster.getSample(x, y, 0) * 255f / max;
                    for (int c = 0; c < channels; c++) out[c * plane + y * w + x] = v;
                }
            }
            return out;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                final int rgb = image.getRGB(x, y);
                final int r = (rgb >>> 16) & 0xff, g = (rgb >>> 8) & 0xff, b = rgb & 0xff;
                if (channels == 1) {
                    out[y * w + x] = 0.299f * r + 0.587f * g + 0.114f * b;
                } else {
                    out[y * w + x] = r;
                    out[plane + y * w + x] = g;
                    out[2 * plane + y * w + x] = b;
                }
            }
        }
        return out;
    }
}
