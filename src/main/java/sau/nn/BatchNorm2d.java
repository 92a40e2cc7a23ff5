package sau.nn;

import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Batch normalisation of images {@code [N, C, H, W]}: one mean and variance per channel, over
 * the batch and all positions (see {@link BatchNorm}). Defaults as PyTorch's:
 * {@code eps = 1e-5, momentum = 0.1, affine, track_running_stats}.
 */
public final class BatchNorm2d extends BatchNorm {

    public BatchNorm2d(int numFeatures, float eps, Float momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    public BatchNorm2d(int numFeatures) {
        this(numFeatures, 1e-5f, 0.1f, true, true);
    }

    @Override
    protected void checkRank(Tensor x) {
        if (x.dim() != 4) throw new IllegalArgumentException("BatchNorm2d expects a 4-D input [N, C, H, W], got shape " + Shape.str(x.shape()));
    }
}
