package sau.nn;

import sau.ops.Views;
import sau.tensor.Tensor;

/**
 * Merges dimensions {@code startDim..endDim} (inclusive, negative counts from the end) into one.
 * The default {@code (1, -1)} keeps the batch dimension and turns e.g. {@code [N, C, H, W]}
 * feature maps into {@code [N, C·H·W]} vectors for a {@link Linear} layer.
 */
public final class Flatten extends Module {

    private final int startDim;
    private final int endDim;

    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    public Flatten() {
        this(1, -1);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Views.flatten(x, startDim, endDim);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
