package sau.nn.activation;

import sau.nn.Module;
import sau.ops.Activations;
import sau.tensor.Tensor;

/** max(x, 0). */
public final class ReLU extends Module {

    @Override
    public Tensor forward(Tensor x) {
        return Activations.relu(x);
    }
}
