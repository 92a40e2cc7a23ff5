package sau.nn.activation;

import sau.nn.Module;
import sau.ops.Activations;
import sau.tensor.Tensor;

/** x·tanh(softplus(x)). */
public final class Mish extends Module {

    @Override
    public Tensor forward(Tensor x) {
        return Activations.mish(x);
    }
}
