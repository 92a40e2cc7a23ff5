package sau.nn.activation;

import sau.backend.cpu.Activation;
import sau.nn.Module;
import sau.ops.Activations;
import sau.tensor.Tensor;

/** max(x, 0). */
public final class ReLU extends Module implements PointwiseActivation {

    @Override
    public Activation function() {
        return Activation.RELU;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.relu(x);
    }
}
