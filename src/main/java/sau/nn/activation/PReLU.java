package sau.nn.activation;

import sau.nn.Module;
import sau.ops.Activations;
import sau.tensor.Tensor;

/**
 * LeakyReLU with a trained slope: x for x > 0, w·x otherwise. {@code weight} holds one slope
 * for the whole layer, or one per channel (dimension 1 of the input), as in PyTorch.
 */
public final class PReLU extends Module {

    public static final int DEFAULT_NUM_PARAMETERS = 1;
    public static final float DEFAULT_INIT = 0.25f;

    private final Tensor weight;

    public PReLU() {
        this(DEFAULT_NUM_PARAMETERS, DEFAULT_INIT);
    }

    public PReLU(int numParameters, float init) {
        if (numParameters < 1) throw new IllegalArgumentException("PReLU: num_parameters must be at least 1, got " + numParameters);
        weight = registerParameter("weight", Tensor.full(init, numParameters));
    }

    public Tensor weight() {
        return weight;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.prelu(x, weight);
    }

    @Override
    protected String extraRepr() {
        return "num_parameters=" + weight.numel();
    }
}
