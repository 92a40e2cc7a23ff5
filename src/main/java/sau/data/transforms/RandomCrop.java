package sau.data.transforms;

import sau.data.DataError;
import sau.data.ImageShape;
import sau.data.SampleTransform;
import sau.tensor.Generator;

/**
 * Pads the image with {@code padding} pixels of value {@code fill} on every side, then cuts a
 * window of the original size out of it at a random place, as torchvision's
 * {@code RandomCrop(32, padding=4)} in the standard CIFAR recipe. The effect is a random shift by
 * up to {@code padding} pixels in each direction, with the uncovered border filled; the network
 * learns that an object a few pixels off-centre is the same object.
 *
 * <p>The window's top-left corner in the padded image is drawn as {@code top = nextInt(2p + 1)}
 * then {@code left = nextInt(2p + 1)}, so output pixel {@code (y, x)} is input pixel
 * {@code (y + top - p, x + left - p)}.
 */
public final class RandomCrop implements SampleTransform {

    private final ImageShape shape;
    private final int padding;
    private final float fill;

    public RandomCrop(ImageShape shape, int padding, float fill) {
        if (padding < 0) throw new DataError("RandomCrop: padding must be >= 0, got " + padding);
        this.shape = shape;
        this.padding = padding;
        this.fill = fill;
    }

    @Override
    public void apply(float[] sample, int offset, Generator rng) {
        final int top = rng.nextInt(2 * padding + 1);
        final int left = rng.nextInt(2 * padding + 1);
        crop(sample, offset, top, left);
    }

    /** The crop whose window starts at {@code (top, left)} of the padded image. */
    public void crop(float[] sample, int offset, int top, int left) {
        final int h = shape.height();
        final int w = shape.width();
        final int dy = top - padding;
        final int dx = left - padding;
        final float[] src = new float[shape.numel()];
        System.arraycopy(sample, offset, src, 0, src.length);
        for (int c = 0; c < shape.channels(); c++) {
            final int plane = c * h * w;
            for (int y = 0; y < h; y++) {
                final int sy = y + dy;
                for (int x = 0; x < w; x++) {
                    final int sx = x + dx;
                    sample[offset + plane + y * w + x] = sy < 0 || sy >= h || sx < 0 || sx >= w ? fill : src[plane + sy * w + sx];
                }
            }
        }
    }

    @Override
    public String toString() {
        return "RandomCrop(padding " + padding + ", fill " + fill + ")";
    }
}
