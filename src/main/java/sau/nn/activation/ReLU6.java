package sau.nn.activation;

import sau.nn.Module;
import sau.ops.Activations;
import sau.tensor.Tensor;

/** min(max(x, 0), 6), the activation of MobileNet. */
public final class ReLU6 extends Module {

    @Override
    public Tensor forward(Tensor x) {
        return Activations.relu6(x);
    }
}
