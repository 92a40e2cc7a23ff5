package sau.nn;

import sau.ops.Dropout2dOp;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * Channel dropout: in training every feature map of {@code [N, C, H, W]} is zeroed as a whole
 * with probability {@code p} and the kept ones are scaled by {@code 1/(1−p)}; in evaluation
 * the layer is the identity. The masks come from the layer's own seeded {@link Generator}.
 */
public final class Dropout2d extends Module {

    private final float p;
    private final Generator generator;

    public Dropout2d(float p, Generator generator) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        this.p = p;
        this.generator = generator;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) return x;
        return Dropout2dOp.dropout2d(x, p, generator);
    }

    public float p() {
        return p;
    }

    @Override
    protected String extraRepr() {
        return "p=" + PythonRepr.of(p) + ", inplace=False";
    }
}
