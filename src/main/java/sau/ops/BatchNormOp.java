package sau.ops;

import sau.autograd.Node;
import sau.autograd.NoGrad;
import sau.backend.cpu.Activation;
import sau.backend.Devices;
import sau.backend.cpu.BatchNormKernel;
import sau.backend.cuda.CudaNorm;
import sau.tensor.Shape;
import sau.tensor.Tensor;
import sau.tensor.Arena;

/**
 * Batch normalisation as an op, PyTorch's {@code F.batch_norm}: for an input {@code [N, C, *]},
 * every channel is normalised with a mean and variance over the batch and the spatial positions,
 * then scaled and shifted: {@code y = (x − μ_c)/√(σ²_c + ε)·γ_c + β_c}.
 *
 * <p>With {@code training} the statistics are the batch's own (the biased variance, divided by
 * {@code m = N·∏*}), and the running statistics, when given, move towards them:
 * {@code running ← (1 − momentum)·running + momentum·batch}, where the running variance takes
 * the UNBIASED batch variance ({@code ·m/(m−1)}), as PyTorch does. Without {@code training}
 * the running statistics are used and left alone. The module {@code sau.nn.BatchNorm2d} decides
 * which mode applies.
 */
public final class BatchNormOp {

    private BatchNormOp() {}

    /**
     * {@code weight}, {@code bias} (γ, β, shape [C]) may be null (no affine transform). In training
     * {@code runningMean} and {@code runningVar} may be null (no running statistics); they are
     * updated in place. In evaluation they are required.
     */
    public static Tensor batchNorm(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                                   boolean training, float momentum, float eps) {
        return batchNorm(x, weight, bias, runningMean, runningVar, training, momentum, eps, false);
    }

    /**
     * {@code relu(batchNorm(...))} as one op, the same values and gradients bit for bit. On the CPU
     * the ReLU costs no pass of its own ({@link BatchNormKernel.ReluAfter}): forward applies it to
     * each row as the batch norm writes it, and backward applies its gradient inside the batch
     * norm's two passes, from x. The batch norm's output is never stored: memory for one tensor,
     * not two. {@code Sequential} uses it for {@code BatchNorm → ReLU}.
     */
    public static Tensor batchNormRelu(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                                       boolean training, float momentum, float eps) {
        return batchNorm(x, weight, bias, runningMean, runningVar, training, momentum, eps, true);
    }

    private static Tensor batchNorm(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                                    boolean training, float momentum, float eps, boolean reluAfter) {
        if (x.dim() < 2) throw new IllegalArgumentException("batch norm needs an input [N, C, *], got shape " + Shape.str(x.shape()));
        final int n = x.size(0), channels = x.size(1);
        final int inner = n * channels == 0 ? 0 : x.numel() / (n * channels);
        checkPerChannel(channels, weight, bias, runningMean, runningVar);
        final long m = (long) n * inner;
        if (training && m <= 1) {
            throw new IllegalArgumentException("batch norm in training needs more than 1 value per channel, got input shape " + Shape.str(x.shape()));
        }
        if (Devices.common("BatchNorm", x, weight, bias, runningMean, runningVar).isCuda()) {
            final Tensor y = batchNormCuda(x, weight, bias, runningMean, runningVar, training, momentum, eps, n, channels, inner);
            return reluAfter ? Activations.apply(Activation.RELU, y, 0f, 0f) : y;
        }
        final float[] w = weight == null ? null : weight.toArray();
        final float[] b = bias == null ? null : bias.toArray();
        final float[] mean, invStd;
        final Tensor in = x.contiguousData();
        if (training) {
            mean = new float[channels];
            final float[] var = new float[channels];
            BatchNormKernel.statistics(in.data(), in.offset(), n, channels, inner, mean, var);
            invStd = new float[channels];
            for (int c = 0; c < channels; c++) invStd[c] = (float) (1 / Math.sqrt(var[c] + (double) eps));
            if (runningMean != null) blend(runningMean, mean, momentum, 1);
            if (runningVar != null) blend(runningVar, var, momentum, (double) m / (m - 1));
        } else {
            mean = runningMean(runningMean, runningVar);
            invStd = inverseStd(runningVar, eps);
        }
        final float[] y = Arena.uninitialized(x.numel());
        if (y.length > 0) {
            BatchNormKernel.normalizeThen(in.data(), in.offset(), y, 0, n, channels, inner, mean, invStd, w, b, reluAfter ? Activation.RELU : null, 0f, 0f);
        }
        final Tensor out = new Tensor(y, x.shape());
        final BatchNormKernel.ReluAfter relu = reluAfter ? new BatchNormKernel.ReluAfter(w, b) : null;

        // With x̂ = (x − μ)·σ⁻¹ and m values per channel (g taken through ReLU's gradient first when fused):
        //   dL/dβ = Σ g,   dL/dγ = Σ g·x̂,
        //   dL/dx = γσ⁻¹·(g − Σg/m − x̂·Σ(g·x̂)/m)   in training, where μ and σ depend on x,
        //   dL/dx = γσ⁻¹·g                          in evaluation, where they are constants.
        return Node.record(reluAfter ? "BatchNormReLU" : "BatchNorm", out, g -> {
            final Tensor gc = g.contiguousData();
            final float[] sumG = new float[channels], sumGXhat = new float[channels];
            BatchNormKernel.gradSums(in.data(), in.offset(), gc.data(), gc.offset(), n, channels, inner, mean, invStd, relu, sumG, sumGXhat);
            Tensor dx = null;
            if (x.requiresGrad()) {
                final float[] d = Arena.uninitialized(x.numel());
                BatchNormKernel.inputGrad(in.data(), in.offset(), gc.data(), gc.offset(), d, 0, n, channels, inner, mean, invStd, w, relu, sumG, sumGXhat, training);
                dx = new Tensor(d, x.shape());
            }
            final Tensor dw = weight == null ? null : new Tensor(sumGXhat, weight.shape());
            final Tensor db = bias == null ? null : new Tensor(sumG, bias.shape());
            return new Tensor[] {dx, dw, db};
        }, x, weight, bias);
    }

    /** {@link #batchNorm} on a GPU: the same statistics, formulas and gradients, in the kernels of {@link CudaNorm}. */
    private static Tensor batchNormCuda(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                                        boolean training, float momentum, float eps, int n, int channels, int inner) {
        final Tensor in = x.contiguousData();
        final CudaNorm.BatchStats stats = training
            ? CudaNorm.batchStatistics(in, n, channels, inner, eps, runningMean, runningVar, momentum)
            : CudaNorm.runningStatistics(requireRunning(runningMean, runningVar), runningVar, eps);
        final Tensor out = CudaNorm.normalize(in, n, channels, inner, stats, weight, bias);

        // The gradient formulas of batchNorm above.
        return Node.record("BatchNorm", out, g -> {
            final Tensor gc = g.contiguousData();
            final Tensor[] sums = CudaNorm.gradSums(in, gc, n, channels, inner, stats);
            final Tensor dx = x.requiresGrad() ? CudaNorm.inputGrad(in, gc, n, channels, inner, stats, weight, sums[0], sums[1], training) : null;
            final Tensor dw = weight == null ? null : sums[1].view(weight.shape(), Shape.contiguousStrides(weight.shape()), sums[1].offset());
            final Tensor db = bias == null ? null : sums[0].view(bias.shape(), Shape.contiguousStrides(bias.shape()), sums[0].offset());
            return new Tensor[] {dx, dw, db};
        }, x, weight, bias);
    }

    /**
     * Batch norm with the running statistics followed by a pointwise activation, in one pass over
     * memory ({@link BatchNormKernel#normalizeThen}): what a network in evaluation computes for
     * {@code BatchNorm → ReLU}. It records no graph, so it serves inference only; the same values
     * as {@code batchNorm} in evaluation and then the activation, bit for bit.
     */
    public static Tensor inferenceThen(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar, float eps,
                                       Activation then, float p, float q) {
        if (NoGrad.gradEnabled() && (x.requiresGrad() || (weight != null && weight.requiresGrad()) || (bias != null && bias.requiresGrad()))) {
            throw new IllegalStateException("batch norm fused with an activation records no gradient; use it under NoGrad");
        }
        if (x.dim() < 2) throw new IllegalArgumentException("batch norm needs an input [N, C, *], got shape " + Shape.str(x.shape()));
        final int n = x.size(0), channels = x.size(1);
        final int inner = n * channels == 0 ? 0 : x.numel() / (n * channels);
        checkPerChannel(channels, weight, bias, runningMean, runningVar);
        final Tensor in = x.contiguousData();
        if (Devices.common("BatchNorm", x, weight, bias, runningMean, runningVar).isCuda()) {
            // on a GPU: normalisation, then the activation's own kernel (a second pass over memory)
            final CudaNorm.BatchStats stats = CudaNorm.runningStatistics(requireRunning(runningMean, runningVar), runningVar, eps);
            return Activations.apply(then, CudaNorm.normalize(in, n, channels, inner, stats, weight, bias), p, q);
        }
        final float[] y = Arena.uninitialized(x.numel());
        if (y.length > 0) {
            BatchNormKernel.normalizeThen(in.data(), in.offset(), y, 0, n, channels, inner, runningMean(runningMean, runningVar), inverseStd(runningVar, eps),
                    weight == null ? null : weight.toArray(), bias == null ? null : bias.toArray(), then, p, q);
        }
        return new Tensor(y, x.shape());
    }

    private static void checkPerChannel(int channels, Tensor... perChannel) {
        for (Tensor t : perChannel) {
            if (t != null && t.numel() != channels) {
                throw new IllegalArgumentException("batch norm of " + channels + " channels got a per-channel tensor of shape " + Shape.str(t.shape()));
            }
        }
    }

    private static float[] runningMean(Tensor runningMean, Tensor runningVar) {
        return requireRunning(runningMean, runningVar).toArray();
    }

    /** The running mean, after checking that both running statistics are there. */
    private static Tensor requireRunning(Tensor runningMean, Tensor runningVar) {
        if (runningMean == null || runningVar == null) throw new IllegalArgumentException("batch norm in evaluation needs the running mean and variance");
        return runningMean;
    }

    /** {@code 1/√(running_var + ε)} per channel. */
    private static float[] inverseStd(Tensor runningVar, float eps) {
        final float[] invStd = runningVar.toArray();
        for (int c = 0; c < invStd.length; c++) invStd[c] = (float) (1 / Math.sqrt(invStd[c] + (double) eps));
        return invStd;
    }

    /** {@code running ← (1 − momentum)·running + momentum·factor·batch}, in place. */
    private static void blend(Tensor running, float[] batch, float momentum, double factor) {
        final float[] r = running.toArray();
        for (int c = 0; c < r.length; c++) r[c] = (float) ((1 - momentum) * (double) r[c] + momentum * factor * batch[c]);
        running.copyFrom(new Tensor(r, running.shape()));
    }
}
