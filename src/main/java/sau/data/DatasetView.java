package sau.data;

import java.util.List;

/**
 * A dataset seen through a change: the same labels and classes as the dataset it wraps, with
 * the samples (or how many there are) changed by the subclass. {@link Subset},
 * {@link PaddedDataset} and {@link ResizedDataset} are views.
 */
abstract class DatasetView implements Dataset {

    protected final Dataset inner;

    protected DatasetView(Dataset inner) {
        this.inner = inner;
    }

    @Override
    public int size() {
        return inner.size();
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
}
