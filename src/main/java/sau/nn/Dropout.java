package sau.nn;

import sau.ops.DropoutOp;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * Dropout (Srivastava et al., 2014), in its "inverted" form: during training each element is
 * zeroed with probability {@code p} and the survivors are scaled by {@code 1/(1−p)}; in
 * evaluation mode the layer is the identity. Scaling at training time rather than at test
 * time keeps the evaluation path free of any dropout arithmetic.
 *
 * <p>The masks come from the layer's own {@link Generator}, so a seeded run drops the same
 * units every time.
 */
public final class Dropout extends Module {

    private final float p;
    private final Generator generator;

    public Dropout(float p, Generator generator) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        this.p = p;
        this.generator = generator;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) return x;
        return DropoutOp.dropout(x, p, generator);
    }

    public float p() {
        return p;
    }

    @Override
    protected String extraRepr() {
        return "p=" + p + ", inplace=False";
    }
}
