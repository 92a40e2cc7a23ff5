package sau.data;

import java.util.List;

/** The first {@code size} samples of another dataset, for quick runs on part of the data. */
public final class Subset implements Dataset {

    private final Dataset inner;
    private final int size;

    public Subset(Dataset inner, int size) {
        if (size < 1 || size > inner.size()) {
            throw new DataError(inner + " has " + inner.size() + " samples; cannot take the first " + size);
        }
        this.inner = inner;
        this.size = size;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int[] sampleShape() {
        return inner.sampleShape();
    }

    @Override
    public int numClasses() {
        return inner.numClasses();
    }

    @Override
    public List<String> classNames() {
        return inner.classNames();
    }

    @Override
    public void sample(int index, float[] dst, int dstOffset) {
        inner.sample(index, dst, dstOffset);
    }

    @Override
    public int label(int index) {
        return inner.label(index);
    }

    @Override
    public String toString() {
        return "first " + size + " of " + inner;
    }
}
