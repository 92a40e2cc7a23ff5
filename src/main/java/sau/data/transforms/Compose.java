package sau.data.transforms;

import java.util.List;
import sau.data.SampleTransform;
import sau.tensor.Generator;

/**
 * Several transforms applied one after the other to the same sample, each drawing its random
 * numbers from the same generator in turn: {@code new Compose(crop, flip, normalize)} is the
 * usual CIFAR recipe.
 */
public final class Compose implements SampleTransform {

    private final List<SampleTransform> steps;

    public Compose(SampleTransform... steps) {
        this(List.of(steps));
    }

    public Compose(List<SampleTransform> steps) {
        this.steps = List.copyOf(steps);
    }

    public List<SampleTransform> steps() {
        return steps;
    }

    @Override
    public void apply(float[] sample, int offset, Generator rng) {
        for (SampleTransform t : steps) t.apply(sample, offset, rng);
    }

    @Override
    public String toString() {
        return "Compose" + steps;
    }
}
