package sau.nn.activation;

import sau.nn.Module;
import sau.ops.Activations;
import sau.tensor.Tensor;

/** The hyperbolic tangent. */
public final class Tanh extends Module {

    @Override
    public Tensor forward(Tensor x) {
        return Activations.tanh(x);
    }
}
