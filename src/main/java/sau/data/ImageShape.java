package sau.data;

/**
 * The shape of one image sample, {@code channels x height x width}, stored channel by channel
 * (CHW): all of channel 0 row by row, then channel 1, and so on. Transforms and dataset wrappers
 * take it so that they know how to read the flat float array a {@link SampleTransform} receives.
 */
public record ImageShape(int channels, int height, int width) {

    public ImageShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("an image needs positive channels, height and width, got " + channels + "x" + height + "x" + width);
        }
    }

    /** The shape of a dataset's samples, which must be {@code {channels, height, width}}. */
    public static ImageShape of(Dataset dataset) {
        final int[] s = dataset.sampleShape();
        if (s.length != 3) {
            throw new DataError(dataset + " has samples of " + s.length + " dimensions, but an image needs 3 (channels, height, width)");
        }
        return new ImageShape(s[0], s[1], s[2]);
    }

    /** The number of pixels in one channel. */
    public int plane() {
        return height * width;
    }

    /** The number of floats in one sample. */
    public int numel() {
        return channels * height * width;
    }

    public int[] toArray() {
        return new int[] {channels, height, width};
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
