package sau.nn.activation;

import sau.backend.cpu.Activation;
import sau.nn.Module;
import sau.ops.Activations;
import sau.tensor.Tensor;

/** x for x > 0, {@code negativeSlope}·x otherwise. */
public final class LeakyReLU extends Module implements PointwiseActivation {

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
    public Activation function() {
        return Activation.LEAKY_RELU;
    }

    @Override
    public float p() {
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
