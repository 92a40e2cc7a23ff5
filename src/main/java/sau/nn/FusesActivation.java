package sau.nn;

import sau.nn.activation.PointwiseActivation;
import sau.tensor.Tensor;

/**
 * A layer that can apply the pointwise activation right after it within its own op, saving a
 * pass over memory or a tensor: {@link Sequential} hands it the activation that follows it.
 */
interface FusesActivation {

    /** {@code then.forward(forward(x))}: fused where that gives the same values and gradients, as two layers elsewhere. */
    Tensor forwardThen(Tensor x, PointwiseActivation then);
}
