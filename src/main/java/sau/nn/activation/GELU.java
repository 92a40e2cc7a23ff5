package sau.nn.activation;

import sau.backend.cpu.Activation;
import sau.nn.Module;
import sau.ops.Activations;
import sau.tensor.Tensor;

/**
 * x·Φ(x), with Φ the standard normal distribution function: exactly through erf
 * ({@code approximate = "none"}) or through PyTorch's tanh approximation ({@code "tanh"}).
 */
public final class GELU extends Module implements PointwiseActivation {

    private final String approximate;

    public GELU() {
        this("none");
    }

    public GELU(String approximate) {
        if (!approximate.equals("none") && !approximate.equals("tanh")) {
            throw new IllegalArgumentException("GELU: approximate must be \"none\" or \"tanh\", got \"" + approximate + "\"");
        }
        this.approximate = approximate;
    }

    public String approximate() {
        return approximate;
    }

    @Override
    public Activation function() {
        return approximate.equals("tanh") ? Activation.GELU_TANH : Activation.GELU;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.gelu(x, approximate);
    }

    @Override
    protected String extraRepr() {
        return "approximate='" + approximate + "'";
    }
}
