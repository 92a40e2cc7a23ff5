package sau.nn.activation;

import sau.backend.cpu.Activation;
import sau.nn.Module;
import sau.ops.Activations;
import sau.tensor.Tensor;

/** min(max(x, 0), 6), the activation of MobileNet. */
public final class ReLU6 extends Module implements PointwiseActivation {

    @Override
    public Activation function() {
        return Activation.RELU6;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.relu6(x);
    }
}
