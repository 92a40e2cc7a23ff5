package sau.nn;

import sau.ops.Dropout2dOp;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * Channel dropout: in training every feature map of {@code [N, C, H, W]} is zeroed as a whole
 * with probability {@code p} and the kept ones are scaled by {@code 1/(1−p)}; in evaluation
 * the layer is the identity. The masks come from the layer's own seeded {@link Generator}.
 */
public final class Dropout2d extends DropoutLayer {

    public Dropout2d(float p, Generator generator) {
        super(p, generator);
    }

    @Override
    protected Tensor drop(Tensor x) {
        return Dropout2dOp.dropout2d(x, p, generator);
    }
}
