package sau.nn.activation;

import sau.backend.cpu.Activation;
import sau.nn.Module;
import sau.ops.Activations;
import sau.tensor.Tensor;

/** x·σ(x), also called Swish (with β = 1). */
public final class SiLU extends Module implements PointwiseActivation {

    @Override
    public Activation function() {
        return Activation.SILU;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.silu(x);
    }
}
