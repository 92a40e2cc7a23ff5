package sau.nn.activation;

import sau.backend.cpu.Activation;
import sau.nn.Module;
import sau.ops.Activations;
import sau.tensor.Tensor;

/** x for x > 0, α(eˣ − 1) otherwise: smooth, and saturating at −α for very negative x. */
public final class ELU extends Module implements PointwiseActivation {

    public static final float DEFAULT_ALPHA = 1f;

    private final float alpha;

    public ELU() {
        this(DEFAULT_ALPHA);
    }

    public ELU(float alpha) {
        this.alpha = alpha;
    }

    public float alpha() {
        return alpha;
    }

    @Override
    public Activation function() {
        return Activation.ELU;
    }

    @Override
    public float p() {
        return alpha;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.elu(x, alpha);
    }

    @Override
    protected String extraRepr() {
        return "alpha=" + alpha;
    }
}
