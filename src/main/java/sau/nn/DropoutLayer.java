package sau.nn;

import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * What every dropout layer shares: the probability {@code p}, the layer's own seeded
 * {@link Generator} for its masks, and being the identity in evaluation mode (or with p = 0).
 * Subclasses say what one dropped unit is: an element ({@link Dropout}) or a channel ({@link Dropout2d}).
 */
abstract class DropoutLayer extends Module {

    protected final float p;
    protected final Generator generator;

    protected DropoutLayer(float p, Generator generator) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        this.p = p;
        this.generator = generator;
    }

    /** Drops units of {@code x} with probability p and scales the kept ones by 1/(1−p). */
    protected abstract Tensor drop(Tensor x);

    @Override
    public final Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) return x;
        return drop(x);
    }

    public final float p() {
        return p;
    }

    @Override
    protected String extraRepr() {
        return "p=" + PythonRepr.of(p) + ", inplace=False";
    }
}
