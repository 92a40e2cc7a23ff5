package sau.nn.activation;

import sau.backend.cpu.Activation;
import sau.nn.Module;
import sau.ops.Activations;
import sau.tensor.Tensor;

/** The logistic function 1/(1 + e^(−x)). */
public final class Sigmoid extends Module implements PointwiseActivation {

    @Override
    public Activation function() {
        return Activation.SIGMOID;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.sigmoid(x);
    }
}
