package sau.nn.activation;

import sau.backend.cpu.Activation;
import sau.nn.Module;
import sau.ops.Activations;
import sau.tensor.Tensor;

/** x·tanh(softplus(x)). */
public final class Mish extends Module implements PointwiseActivation {

    @Override
    public Activation function() {
        return Activation.MISH;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.mish(x);
    }
}
