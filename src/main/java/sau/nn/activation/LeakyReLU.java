package sau.nn.activation;

import sau.nn.Module;
import sau.ops.Activations;
import sau.tensor.Tensor;

/** x for x > 0, {@code negativeSlope}·x otherwise. */
public final class LeakyReLU extends Module {

    public static final float DEFAULT_NEGATIVE_SLOPE = 0.01f;

    private final float negativeSlope;

    public LeakyReLU() {
        this(DEFAULT_NEGATIVE_SLOPE);
    }

    public LeakyReLU(float negativeSlope) {
        this.negativeSlope = negativeSlope;
    }

    public float negativeSlope() {
        return negativeSlope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.leakyRelu(x, negativeSlope);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + negativeSlope;
    }
}
