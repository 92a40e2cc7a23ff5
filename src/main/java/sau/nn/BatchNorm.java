package sau.nn;

import sau.autograd.NoGrad;
import sau.backend.cpu.Activation;
import sau.nn.activation.PointwiseActivation;
import sau.ops.BatchNormOp;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share (PyTorch's {@code _BatchNorm}): batch
 * normalisation of the channels of {@code [N, C, *]} (Ioffe and Szegedy, 2015), the subclasses
 * only deciding which input ranks are accepted.
 *
 * <p>In training each channel is normalised with the batch's own mean and variance, and the
 * layer keeps an exponential moving average of them in the buffers {@code running_mean} and
 * {@code running_var}: {@code running ← (1 − momentum)·running + momentum·batch} (with
 * {@code momentum = null}, a plain cumulative average: the factor is 1/number of batches so far).
 * In evaluation those running statistics replace the batch's, so a prediction does not depend
 * on the rest of its batch. The buffer {@code num_batches_tracked} counts the training batches.
 *
 * <p>With {@code affine} the normalised values are scaled and shifted by the trained parameters
 * {@code weight} (γ, initially 1) and {@code bias} (β, initially 0). Without
 * {@code trackRunningStats} there are no buffers and the batch statistics are used in both modes.
 */
public abstract class BatchNorm extends Module implements FusesActivation {

    private final int numFeatures;
    private final float eps;
    private final Float momentum;
    private final boolean affine;
    private final boolean trackRunningStats;
    private final Tensor weight, bias, runningMean, runningVar, numBatchesTracked;

    protected BatchNorm(int numFeatures, float eps, Float momentum, boolean affine, boolean trackRunningStats) {
        if (numFeatures < 1) throw new IllegalArgumentException("batch norm needs at least one feature, got " + numFeatures);
        if (!(eps > 0)) throw new IllegalArgumentException("batch norm eps must be positive, got " + eps);
        if (momentum != null && !(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("batch norm momentum must be in [0, 1], got " + momentum);
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.trackRunningStats = trackRunningStats;
        weight = affine ? registerParameter("weight", Tensor.ones(numFeatures)) : null;
        bias = affine ? registerParameter("bias", Tensor.zeros(numFeatures)) : null;
        runningMean = trackRunningStats ? registerBuffer("running_mean", Tensor.zeros(numFeatures)) : null;
        runningVar = trackRunningStats ? registerBuffer("running_var", Tensor.ones(numFeatures)) : null;
        numBatchesTracked = trackRunningStats ? registerBuffer("num_batches_tracked", Tensor.scalar(0)) : null;
    }

    /** Throws when the input's rank does not suit the layer. */
    protected abstract void checkRank(Tensor x);

    @Override
    public Tensor forward(Tensor x) {
        checkInput(x);
        return BatchNormOp.batchNorm(x, weight, bias, runningMean, runningVar, useBatchStats(), runningFactor(), eps);
    }

    /**
     * {@code then.forward(forward(x))}, in one op when that gives the same values and gradients:
     * a ReLU always ({@code BatchNormOp.batchNormRelu}, whose backward needs no pass of its own),
     * any pointwise activation in evaluation with running statistics and no gradient being
     * recorded. {@code Sequential} calls it for a batch norm followed by a pointwise activation.
     */
    @Override
    public Tensor forwardThen(Tensor x, PointwiseActivation then) {
        if (then.function() == Activation.RELU) {
            checkInput(x);
            return BatchNormOp.batchNormRelu(x, weight, bias, runningMean, runningVar, useBatchStats(), runningFactor(), eps);
        }
        if (isTraining() || !trackRunningStats || NoGrad.gradEnabled()) return ((Module) then).forward(forward(x));
        checkInput(x);
        return BatchNormOp.inferenceThen(x, weight, bias, runningMean, runningVar, eps, then.function(), then.p(), then.q());
    }

    private boolean useBatchStats() {
        return isTraining() || !trackRunningStats;
    }

    /**
     * Counts the batch when training updates the running statistics, and returns how far they move
     * towards it (the momentum, or 1/batches for a cumulative average); 0 when they stay.
     */
    private float runningFactor() {
        if (!isTraining() || !trackRunningStats) return 0;
        // copyFrom rather than set: the buffer may live on a GPU (the statistics are updated there)
        final float tracked = numBatchesTracked.item() + 1;
        numBatchesTracked.copyFrom(Tensor.scalar(tracked));
        return momentum != null ? momentum : 1 / tracked;
    }

    private void checkInput(Tensor x) {
        checkRank(x);
        if (x.size(1) != numFeatures) {
            throw new IllegalArgumentException(getClass().getSimpleName() + "(" + numFeatures + ") got an input with " + x.size(1) + " channels, shape " + Shape.str(x.shape()));
        }
    }

    public int numFeatures() {
        return numFeatures;
    }

    public float eps() {
        return eps;
    }

    /** The momentum, or null for a cumulative average. */
    public Float momentum() {
        return momentum;
    }

    /** γ, or null without {@code affine}. */
    public Tensor weight() {
        return weight;
    }

    /** β, or null without {@code affine}. */
    public Tensor bias() {
        return bias;
    }

    /** Null without {@code trackRunningStats}. */
    public Tensor runningMean() {
        return runningMean;
    }

    /** Null without {@code trackRunningStats}. */
    public Tensor runningVar() {
        return runningVar;
    }

    /** The number of training batches seen, a 1-element tensor; null without {@code trackRunningStats}. */
    public Tensor numBatchesTracked() {
        return numBatchesTracked;
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + PythonRepr.of(eps) + ", momentum=" + (momentum == null ? "None" : PythonRepr.of(momentum))
                + ", affine=" + PythonRepr.of(affine) + ", track_running_stats=" + PythonRepr.of(trackRunningStats);
    }
}
