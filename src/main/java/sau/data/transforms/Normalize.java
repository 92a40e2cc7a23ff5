package sau.data.transforms;

import java.util.Arrays;
import sau.data.DataError;
import sau.data.ImageShape;
import sau.data.SampleTransform;
import sau.tensor.Generator;

/**
 * Per-channel normalisation, {@code x -> (x - mean[c]) / std[c]}, as a transform: for the end of
 * an augmentation pipeline, so that crops and rotations fill their borders with a true black
 * before it is shifted. The image datasets can also normalise as they decode (see
 * {@link sau.data.Normalization}), which is cheaper when no augmentation needs raw pixels.
 */
public final class Normalize implements SampleTransform {

    private final ImageShape shape;
    private final float[] mean;
    private final float[] std;

    public Normalize(ImageShape shape, float[] mean, float[] std) {
        if (mean.length != shape.channels() || std.length != shape.channels()) {
            throw new DataError("Normalize needs one mean and one std per channel (" + shape.channels() + "), got " + mean.length + " and " + std.length);
        }
        for (float s : std) {
            if (!(s > 0)) throw new DataError("Normalize: std must be positive, got " + Arrays.toString(std));
        }
        this.shape = shape;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    public void apply(float[] sample, int offset, Generator rng) {
        final int plane = shape.plane();
        for (int c = 0; c < shape.channels(); c++) {
            final float m = mean[c];
            // One division per channel instead of one per pixel.
            final float inv = 1f / std[c];
            final int from = offset + c * plane;
            for (int i = from; i < from + plane; i++) sample[i] = (sample[i] - m) * inv;
        }
    }

    @Override
    public String toString() {
        return "Normalize(mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + ")";
    }
}
