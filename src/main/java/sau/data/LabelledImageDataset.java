package sau.data;

import java.util.List;

/**
 * What every image-classification reader shares once its files are read: the images (held as
 * bytes or decoded on demand), one label per image, the class names, and the normalisation that
 * turns a byte into a float through one table per channel. A reader's constructor only reads and
 * checks its format, then hands a {@link Contents} to this class.
 */
abstract class LabelledImageDataset implements Dataset {

    /** Writes image {@code index}'s pixels through the normalisation {@code tables} into {@code dst}. */
    @FunctionalInterface
    interface Pixels {
        void decode(int index, float[][] tables, float[] dst, int dstOffset);
    }

    /** A read dataset: its image shape, pixels, labels, class names, normalisation and storage. */
    record Contents(ImageShape shape, Pixels pixels, int[] labels, List<String> classNames, Normalization normalization, ImageStorage storage) {}

    /** Pixels kept as bytes, image after image, each in CHW order. */
    static Pixels inMemory(byte[] bytes, ImageShape shape) {
        return (index, tables, dst, dstOffset) -> Normalization.decode(tables, bytes, index * shape.numel(), shape.plane(), dst, dstOffset);
    }

    private final Contents contents;
    private final float[][] tables;

    protected LabelledImageDataset(Contents contents) {
        this.contents = contents;
        this.tables = contents.normalization().byteTables();
    }

    public final Normalization normalization() {
        return contents.normalization();
    }

    /** Whether the images are held decoded in memory or decoded on demand. */
    public final ImageStorage storage() {
        return contents.storage();
    }

    @Override
    public final int size() {
        return contents.labels().length;
    }

    @Override
    public final int[] sampleShape() {
        return contents.shape().toArray();
    }

    @Override
    public final int numClasses() {
        return contents.classNames().size();
    }

    @Override
    public final List<String> classNames() {
        return contents.classNames();
    }

    @Override
    public final void sample(int index, float[] dst, int dstOffset) {
        contents.pixels().decode(checkIndex(index), tables, dst, dstOffset);
    }

    @Override
    public final int label(int index) {
        return contents.labels()[checkIndex(index)];
    }

    private int checkIndex(int index) {
        if (index < 0 || index >= size()) throw new IndexOutOfBoundsException("sample " + index + " of a dataset of " + size());
        return index;
    }
}
