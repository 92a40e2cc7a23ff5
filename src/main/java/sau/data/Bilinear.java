package sau.data;

/**
 * Bilinear interpolation over one channel of an image: the value at a point between pixel
 * centres is the average of the four surrounding pixels, each weighted by how close it is.
 * Pixel {@code (y, x)} is taken to sit at coordinates {@code (y, x)}; resizing, rotating and
 * zooming all come down to asking for values at such fractional coordinates.
 */
public final class Bilinear {

    private Bilinear() {}

    /**
     * The value of the {@code height x width} channel at {@code plane[offset ..]} at the point
     * {@code (y, x)}. Neighbours that fall outside the image count as {@code fill}, so a picture
     * rotated or shifted into empty space fades into the fill colour instead of ending in a jagged
     * edge. At integer coordinates inside the image it returns the pixel exactly.
     */
    public static float sample(float[] plane, int offset, int height, int width, double y, double x, float fill) {
        final double fy = Math.floor(y);
        final double fx = Math.floor(x);
        if (fy < -1 || fx < -1 || fy >= height || fx >= width) return fill;
        final int y0 = (int) fy;
        final int x0 = (int) fx;
        final float wy = (float) (y - fy);
        final float wx = (float) (x - fx);
        final float top = lerp(at(plane, offset, height, width, y0, x0, fill), at(plane, offset, height, width, y0, x0 + 1, fill), wx);
        final float bottom = lerp(at(plane, offset, height, width, y0 + 1, x0, fill), at(plane, offset, height, width, y0 + 1, x0 + 1, fill), wx);
        return lerp(top, bottom, wy);
    }

    /**
     * Resizes a CHW image of {@code channels x height x width} at {@code src[srcOffset ..]} to
     * {@code channels x outHeight x outWidth} at {@code dst[dstOffset ..]}.
     *
     * <p>It maps pixel centres as PyTorch's {@code interpolate(mode="bilinear", align_corners=False)}
     * and torchvision's {@code Resize} do: output pixel {@code i} samples the input at
     * {@code (i + 0.5) * in / out - 0.5}, clamped to the image, so the picture neither shifts nor
     * loses its border rows. Like them (without antialiasing) it looks at only four pixels per
     * output pixel, so shrinking an image by more than half skips some detail.
     */
    public static void resize(float[] src, int srcOffset, int channels, int height, int width,
            float[] dst, int dstOffset, int outHeight, int outWidth) {
        final double sy = (double) height / outHeight;
        final double sx = (double) width / outWidth;
        for (int c = 0; c < channels; c++) {
            final int in = srcOffset + c * height * width;
            final int out = dstOffset + c * outHeight * outWidth;
            for (int i = 0; i < outHeight; i++) {
                final double y = Math.min(Math.max((i + 0.5) * sy - 0.5, 0), height - 1);
                for (int j = 0; j < outWidth; j++) {
                    final double x = Math.min(Math.max((j + 0.5) * sx - 0.5, 0), width - 1);
                    dst[out + i * outWidth + j] = sample(src, in, height, width, y, x, 0f);
                }
            }
        }
    }

    /**
     * The pixel at {@code (y, x)}, or {@code fill} outside the image. Resizing clamps its
     * coordinates into the image, so there an outside neighbour always gets weight 0.
     */
    private static float at(float[] plane, int offset, int height, int width, int y, int x, float fill) {
        return y < 0 || x < 0 || y >= height || x >= width ? fill : plane[offset + y * width + x];
    }

    private static float lerp(float a, float b, float t) {
        return a + (b - a) * t;
    }
}
