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
public final class Dropout extends DropoutLayer {

    public Dropout(float p, Generator generator) {
        super(p, generator);
    }

    @Override
    protected Tensor drop(Tensor x) {
        return DropoutOp.dropout(x, p, generator);
    }
}
