package sau.nn;

import sau.ops.LinearOp;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * A fully connected layer: {@code y = x·Wᵀ + b}, applied to the last dimension of {@code x},
 * so any leading dimensions (batch, sequence position, ...) pass through unchanged.
 *
 * <p>The weight is stored {@code [out_features, in_features]}, as in PyTorch, so checkpoints
 * are interchangeable; {@link LinearOp} reads it transposed in place, without a copy. Initialisation is PyTorch's default: {@code kaiming_uniform(a=√5)} for the weight,
 * which works out to U(−1/√in, 1/√in), and the same range for the bias.
 */
public final class Linear extends Module {

    private final int inFeatures;
    private final int outFeatures;
    private final Tensor weight;
    private final Tensor bias;

    public Linear(int inFeatures, int outFeatures, boolean bias, Generator g) {
        if (inFeatures <= 0 || outFeatures <= 0) {
            throw new IllegalArgumentException("Linear needs positive sizes, got in_features=" + inFeatures + ", out_features=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", Tensor.zeros(outFeatures, inFeatures));
        Init.kaimingUniform(weight, Math.sqrt(5), Init.FanMode.FAN_IN, Init.Nonlinearity.LEAKY_RELU, g);
        if (bias) {
            final double bound = 1 / Math.sqrt(inFeatures);
            this.bias = registerParameter("bias", Init.uniform(Tensor.zeros(outFeatures), -bound, bound, g));
        } else {
            this.bias = null;
        }
    }

    public Linear(int inFeatures, int outFeatures, Generator g) {
        this(inFeatures, outFeatures, true, g);
    }

    @Override
    public Tensor forward(Tensor x) {
        return LinearOp.linear(x, weight, bias);
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Tensor bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias != null ? "True" : "False");
    }
}
