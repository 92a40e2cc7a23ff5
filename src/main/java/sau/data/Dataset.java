package sau.data;

import java.util.List;

/**
 * A fixed, indexable collection of labelled samples, such as the 60,000 training images of
 * Fashion-MNIST.
 *
 * <p>A dataset only knows how to produce sample {@code i}; the order, batching, augmentation and
 * prefetching are the {@link DataLoader}'s job. The loader calls {@link #sample} and
 * {@link #label} from its background thread, so an implementation must not change its state
 * after construction.
 */
public interface Dataset {

    /** The number of samples; valid indices are {@code 0 .. size()-1}. */
    int size();

    /** The shape of one sample, for images {@code {channels, height, width}}. */
    int[] sampleShape();

    /** The number of floats in one sample: the product of {@link #sampleShape()}. */
    default int sampleNumel() {
        int n = 1;
        for (int d : sampleShape()) n *= d;
        return n;
    }

    int numClasses();

    /** A readable name for every class, indexed by label. */
    List<String> classNames();

    /** Writes sample {@code index} into {@code dst[dstOffset .. dstOffset + sampleNumel())}. */
    void sample(int index, float[] dst, int dstOffset);

    /** The class of sample {@code index}, in {@code 0 .. numClasses()-1}. */
    int label(int index);
}
