package sau.data.transforms;

import sau.data.DataError;
import sau.data.ImageShape;
import sau.data.SampleTransform;
import sau.tensor.Generator;

/**
 * Mirrors the image left to right with probability {@code p}: a cat facing left is as much a
 * cat as one facing right, so this doubles the variety of the training images for free.
 * (Not for digits or text, where mirroring changes the meaning.)
 */
public final class RandomHorizontalFlip implements SampleTransform {

    private final ImageShape shape;
    private final float p;

    public RandomHorizontalFlip(ImageShape shape, float p) {
        if (!(p >= 0 && p <= 1)) throw new DataError("RandomHorizontalFlip: probability must be in [0, 1], got " + p);
        this.shape = shape;
        this.p = p;
    }

    /** Flips with probability one half, as torchvision's default. */
    public RandomHorizontalFlip(ImageShape shape) {
        this(shape, 0.5f);
    }

    @Override
    public void apply(float[] sample, int offset, Generator rng) {
        if (rng.nextFloat() < p) flip(sample, offset);
    }

    /** Mirrors every row of every channel in place. */
    public void flip(float[] sample, int offset) {
        final int w = shape.width();
        for (int row = 0; row < shape.channels() * shape.height(); row++) {
            for (int i = offset + row * w, j = i + w - 1; i < j; i++, j--) {
                final float t = sample[i];
                sample[i] = sample[j];
                sample[j] = t;
            }
        }
    }

    @Override
    public String toString() {
        return "RandomHorizontalFlip(" + p + ")";
    }
}
