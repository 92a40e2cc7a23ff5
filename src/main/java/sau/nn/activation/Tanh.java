package sau.nn.activation;

import sau.backend.cpu.Activation;
import sau.nn.Module;
import sau.ops.Activations;
import sau.tensor.Tensor;

/** The hyperbolic tangent. */
public final class Tanh extends Module implements PointwiseActivation {

    @Override
    public Activation function() {
        return Activation.TANH;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.tanh(x);
    }
}
