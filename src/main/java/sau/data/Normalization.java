package sau.data;

import java.util.Arrays;

/**
 * Per-channel normalisation of image pixels: a pixel of channel {@code c}, scaled to [0, 1],
 * becomes {@code (x - mean[c]) / std[c]}. Centred, unit-variance inputs make the first layer's
 * gradients well scaled, which is why nearly every image recipe normalises.
 *
 * <p>The image datasets store pixels as bytes and apply this while turning a sample into floats,
 * through one 256-entry table per channel, so normalising costs nothing. The constants of each
 * dataset (its training set's mean and standard deviation per channel) are kept next to it, for
 * example {@link CifarDataset.Kind#normalization()}.
 */
public record Normalization(float[] mean, float[] std) {

    /** The statistics of ImageNet's training set, which torchvision's pretrained models expect. */
    public static final Normalization IMAGENET = new Normalization(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    public Normalization {
        if (mean.length == 0 || mean.length != std.length) {
            throw new DataError("normalisation needs one mean and one std per channel, got " + mean.length + " means and " + std.length + " stds");
        }
        for (float s : std) {
            if (!(s > 0)) throw new DataError("normalisation std must be positive, got " + Arrays.toString(std));
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Leaves pixels in [0, 1]: mean 0 and std 1 for every channel. */
    public static Normalization none(int channels) {
        final float[] zeros = new float[channels];
        final float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        return new Normalization(zeros, ones);
    }

    public int channels() {
        return mean.length;
    }

    /** {@code table[c][b]} is the float for byte {@code b} in channel {@code c}. */
    public float[][] byteTables() {
        final float[][] table = new float[mean.length][256];
        for (int c = 0; c < mean.length; c++) {
            for (int b = 0; b < 256; b++) table[c][b] = (b / 255f - mean[c]) / std[c];
        }
        return table;
    }

    /** Fails with a message naming the dataset unless there is one mean and std per channel. */
    public Normalization requireChannels(int channels, Object dataset) {
        if (mean.length != channels) {
            throw new DataError(dataset + " has " + channels + " channels but its normalisation has " + mean.length + " means and stds");
        }
        return this;
    }

    /**
     * Converts the CHW byte image at {@code src[srcOffset ..]} to floats at {@code dst[dstOffset ..]}
     * through {@code tables} (from {@link #byteTables()}); {@code plane} is height x width.
     */
    public static void decode(float[][] tables, byte[] src, int srcOffset, int plane, float[] dst, int dstOffset) {
        for (int c = 0; c < tables.length; c++) {
            final float[] t = tables[c];
            final int s = srcOffset + c * plane;
            final int d = dstOffset + c * plane;
            for (int i = 0; i < plane; i++) dst[d + i] = t[src[s + i] & 0xff];
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std);
    }
}
