package sau.data;

import sau.tensor.Generator;

/**
 * Changes one sample in place, on the {@link DataLoader}'s background thread: the hook for data
 * augmentation (random crops, flips, noise) and any other per-sample preprocessing.
 *
 * <p>The sample is {@code sample[offset .. offset + n)}, where {@code n} is the product of the
 * dataset's {@link Dataset#sampleShape()}, laid out in that shape in row-major order. A transform
 * must draw all its randomness from {@code rng}: the loader derives that generator from the seed,
 * the epoch and the sample's position in the epoch, so a resumed run augments every sample
 * exactly as the uninterrupted run would have.
 */
@FunctionalInterface
public interface SampleTransform {

    void apply(float[] sample, int offset, Generator rng);
}
