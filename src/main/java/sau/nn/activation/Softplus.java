package sau.nn.activation;

import sau.backend.cpu.Activation;
import sau.nn.Module;
import sau.ops.Activations;
import sau.tensor.Tensor;

/**
 * (1/β)·ln(1 + e^(βx)), a smooth ReLU. Where βx exceeds {@code threshold} it returns x itself,
 * which is then equal in float and avoids the exponential, as PyTorch does.
 */
public final class Softplus extends Module implements PointwiseActivation {

    public static final float DEFAULT_BETA = 1f;
    public static final float DEFAULT_THRESHOLD = 20f;

    private final float beta;
    private final float threshold;

    public Softplus() {
        this(DEFAULT_BETA, DEFAULT_THRESHOLD);
    }

    public Softplus(float beta, float threshold) {
        if (!(beta > 0)) throw new IllegalArgumentException("Softplus: beta must be positive, got " + beta);
        this.beta = beta;
        this.threshold = threshold;
    }

    public float beta() {
        return beta;
    }

    public float threshold() {
        return threshold;
    }

    @Override
    public Activation function() {
        return Activation.SOFTPLUS;
    }

    @Override
    public float p() {
        return beta;
    }

    @Override
    public float q() {
        return threshold;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.softplus(x, beta, threshold);
    }

    @Override
    protected String extraRepr() {
        return "beta=" + beta + ", threshold=" + threshold;
    }
}
