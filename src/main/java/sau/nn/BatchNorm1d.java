package sau.nn;

import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Batch normalisation of features {@code [N, C]} or sequences {@code [N, C, L]}: one mean and
 * variance per feature, over the batch (and the positions). See {@link BatchNorm}; defaults as
 * PyTorch's: {@code eps = 1e-5, momentum = 0.1, affine, track_running_stats}.
 */
public final class BatchNorm1d extends BatchNorm {

    public BatchNorm1d(int numFeatures, float eps, Float momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5f, 0.1f, true, true);
    }

    @Override
    protected void checkRank(Tensor x) {
        if (x.dim() != 2 && x.dim() != 3) throw new IllegalArgumentException("BatchNorm1d expects a 2-D or 3-D input [N, C] or [N, C, L], got shape " + Shape.str(x.shape()));
    }
}
