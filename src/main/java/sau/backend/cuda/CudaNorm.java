package sau.backend.cuda;

import jcuda.driver.CUdeviceptr;
import sau.tensor.Arena;
import sau.tensor.Tensor;

/**
 * The normalisation kernels of {@code norm.cu} for GPU tensors: batch norm, layer norm and L2
 * normalisation across channels, with the contracts of {@link sau.backend.cpu.BatchNormKernel},
 * {@link sau.backend.cpu.LayerNormKernel} and {@code sau.ops.L2Normalize}. Inputs are contiguous
 * GPU tensors; results are new contiguous GPU tensors.
 */
public final class CudaNorm {

    /** Threads of a batch-norm reduction block ({@code BN_BLOCK} in norm.cu). */
    private static final int BN_BLOCK = 256;
    /** Elements per thread that make one more block of a channel's reduction worth it. */
    private static final int BN_PER_THREAD = 16;
    private static final int BN_MAX_PARTS = 64;

    private CudaNorm() {}

    /** A channel's statistics as the batch-norm kernels read them: μ and 1/√(σ² + ε), each [C]. */
    public record BatchStats(Tensor mean, Tensor invStd) {}

    /**
     * Training statistics of the contiguous block {@code x = [n, channels, inner]}, and, for the
     * running tensors that are not null, {@code running ← (1 − momentum)·running + momentum·batch}
     * in place (the variance unbiased), all on the GPU.
     */
    public static BatchStats batchStatistics(Tensor x, int n, int channels, int inner, float eps, Tensor runningMean, Tensor runningVar, float momentum) {
        CudaDevice.of(x);
        final int parts = parts(n, inner);
        final Tensor partial = partialSums(channels, parts, x);
        Kernels.function("norm", "bn_partial_stats").launch(parts, channels, 1, BN_BLOCK, 1, 1, 0, CudaMemory.of(x), CudaMemory.of(partial), n, channels, inner);
        final Tensor mean = Arena.empty(x.device(), channels), invStd = Arena.empty(x.device(), channels);
        Kernels.function("norm", "bn_finish_stats").launch1d(channels, CudaElementwise.BLOCK, CudaMemory.of(partial), parts, CudaMemory.of(x), channels, inner,
            (long) n * inner, eps, CudaMemory.of(mean), CudaMemory.of(invStd),
            runningPointer(runningMean, mean), runningMean == null ? 0 : 1, runningPointer(runningVar, mean), runningVar == null ? 0 : 1, momentum);
        return new BatchStats(mean, invStd);
    }

    /** Evaluation statistics: a copy of the running mean and {@code 1/√(running_var + ε)}. */
    public static BatchStats runningStatistics(Tensor runningMean, Tensor runningVar, float eps) {
        CudaDevice.of(runningMean);
        final int channels = runningMean.numel();
        final Tensor mean = Arena.empty(runningMean.device(), channels), invStd = Arena.empty(runningMean.device(), channels);
        Kernels.function("norm", "bn_eval_stats").launch1d(channels, CudaElementwise.BLOCK,
            CudaMemory.of(runningMean.contiguousData()), CudaMemory.of(runningVar.contiguousData()), eps, CudaMemory.of(mean), CudaMemory.of(invStd), channels);
        return new BatchStats(mean, invStd);
    }

    /** {@code y = (x − μ)·γ·invStd + β} per channel; {@code weight} and {@code bias} may be null. */
    public static Tensor normalize(Tensor x, int n, int channels, int inner, BatchStats stats, Tensor weight, Tensor bias) {
        CudaDevice.of(x);
        final Tensor y = Arena.empty(x.device(), x.shape());
        final long total = (long) n * channels * inner;
        Kernels.function("norm", "bn_normalize").launch(CudaElementwise.blocks(total), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
            CudaMemory.of(x), CudaMemory.of(y), total, channels, inner, CudaMemory.of(stats.mean), CudaMemory.of(stats.invStd),
            optional(weight, stats.mean), weight == null ? 0 : 1, optional(bias, stats.mean), bias == null ? 0 : 1);
        return y;
    }

    /** {@code {Σg, Σg·x̂}} per channel, each [C]: dL/dβ and dL/dγ. */
    public static Tensor[] gradSums(Tensor x, Tensor g, int n, int channels, int inner, BatchStats stats) {
        CudaDevice.of(x);
        final int parts = parts(n, inner);
        final Tensor partial = partialSums(channels, parts, x);
        Kernels.function("norm", "bn_partial_grad").launch(parts, channels, 1, BN_BLOCK, 1, 1, 0,
            CudaMemory.of(x), CudaMemory.of(g), CudaMemory.of(stats.mean), CudaMemory.of(partial), n, channels, inner);
        final Tensor sumG = Arena.empty(x.device(), channels), sumGXhat = Arena.empty(x.device(), channels);
        Kernels.function("norm", "bn_finish_grad").launch1d(channels, CudaElementwise.BLOCK,
            CudaMemory.of(partial), parts, CudaMemory.of(stats.invStd), channels, CudaMemory.of(sumG), CudaMemory.of(sumGXhat));
        return new Tensor[] {sumG, sumGXhat};
    }

    /** dL/dx, with the training formula (statistics depend on x) or the evaluation one (constants). */
    public static Tensor inputGrad(Tensor x, Tensor g, int n, int channels, int inner, BatchStats stats, Tensor weight,
                                   Tensor sumG, Tensor sumGXhat, boolean training) {
        CudaDevice.of(x);
        final Tensor dx = Arena.empty(x.device(), x.shape());
        final long total = (long) n * channels * inner;
        Kernels.function("norm", "bn_input_grad").launch(CudaElementwise.blocks(total), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
            CudaMemory.of(x), CudaMemory.of(g), CudaMemory.of(dx), total, channels, inner, CudaMemory.of(stats.mean), CudaMemory.of(stats.invStd),
            optional(weight, stats.mean), weight == null ? 0 : 1, CudaMemory.of(sumG), CudaMemory.of(sumGXhat), (long) n * inner, training ? 1 : 0);
        return dx;
    }

    /** Blocks per channel: about BN_PER_THREAD elements per thread, at most BN_MAX_PARTS; set by the shape alone. */
    private static int parts(int n, int inner) {
        final long m = (long) n * inner;
        return (int) Math.max(1, Math.min(BN_MAX_PARTS, m / ((long) BN_BLOCK * BN_PER_THREAD)));
    }

    /** Room for two doubles per (channel, part): two floats each (fresh GPU memory is 256-byte aligned). */
    private static Tensor partialSums(int channels, int parts, Tensor like) {
        return Arena.empty(like.device(), 4 * channels * parts);
    }

    /** A running-statistics tensor to update in place; the kernel ignores {@code unused} when it is null. */
    private static CUdeviceptr runningPointer(Tensor running, Tensor unused) {
        if (running == null) return CudaMemory.of(unused);
        if (!running.isContiguous()) throw new IllegalArgumentException("batch norm updates its running statistics in place: they must be contiguous");
        return CudaMemory.of(running);
    }

    /** An optional per-channel tensor (γ or β); the kernel ignores {@code unused} when it is null. */
    private static CUdeviceptr optional(Tensor t, Tensor unused) {
        return CudaMemory.of(t == null ? unused : t.contiguousData());
    }

    // ---- layer norm ----------------------------------------------------------------------

    /** The output of a layer-norm forward and the per-row μ and 1/σ its backward reads. */
    public record LayerNormResult(Tensor y, Tensor mean, Tensor rstd) {}

    /** Layer norm over the rows of {@code x = [rows, n]} (any shape whose last dimension is n). */
    public static LayerNormResult layerNorm(Tensor x, Tensor gamma, Tensor beta, int rows, int n, float eps) {
        CudaDevice.of(x);
        final Tensor y = Arena.empty(x.device(), x.shape());
        final Tensor mean = Arena.empty(x.device(), rows), rstd = Arena.empty(x.device(), rows);
        CudaSoftmax.launchRows("norm", "ln_forward", rows, n,
            CudaMemory.of(x), CudaMemory.of(gamma), CudaMemory.of(beta), CudaMemory.of(y), CudaMemory.of(mean), CudaMemory.of(rstd), (long) rows, n, eps);
        return new LayerNormResult(y, mean, rstd);
    }

    /** Rows of the γ and β gradients one block sums before the second level adds the blocks' sums. */
    private static final int LN_ROWS_PER_PART = 32;
    private static final int LN_MAX_PARTS = 256;

    /** {@code {dL/dx, dL/dγ, dL/dβ}} of layer norm, from the forward's saved values. */
    public static Tensor[] layerNormBackward(Tensor g, Tensor x, Tensor gamma, LayerNormResult saved, int rows, int n) {
        CudaDevice.of(x);
        final Tensor dx = Arena.empty(x.device(), x.shape());
        CudaSoftmax.launchRows("norm", "ln_backward_input", rows, n, CudaMemory.of(g), CudaMemory.of(x), CudaMemory.of(gamma),
            CudaMemory.of(saved.mean), CudaMemory.of(saved.rstd), CudaMemory.of(dx), (long) rows, n);
        final Tensor dgamma = Arena.zeros(x.device(), n), dbeta = Arena.zeros(x.device(), n);
        if (rows > 0) {
            final int parts = Math.min(LN_MAX_PARTS, (rows + LN_ROWS_PER_PART - 1) / LN_ROWS_PER_PART);
            final int chunk = (rows + parts - 1) / parts;
            final Tensor partial = Arena.empty(x.device(), 2 * parts * n);
            Kernels.function("norm", "ln_partial_param_grad").launch((n + CudaElementwise.BLOCK - 1) / CudaElementwise.BLOCK, parts, 1,
                CudaElementwise.BLOCK, 1, 1, 0, CudaMemory.of(g), CudaMemory.of(x), CudaMemory.of(saved.mean), CudaMemory.of(saved.rstd),
                CudaMemory.of(partial), (long) rows, n, chunk);
            Kernels.function("norm", "ln_finish_param_grad").launch1d(n, CudaElementwise.BLOCK,
                CudaMemory.of(partial), parts, n, CudaMemory.of(dgamma), CudaMemory.of(dbeta));
        }
        return new Tensor[] {dx, dgamma, dbeta};
    }

    // ---- L2 normalisation across channels -----------------------------------------------------

    /** {@code {y, divisor}} for {@code x = [n, c, plane]}: y = x / max(‖x‖, ε), the divisor per position [n·plane]. */
    public static Tensor[] l2Channels(Tensor x, int n, int c, int plane, float eps) {
        CudaDevice.of(x);
        final Tensor y = Arena.empty(x.device(), x.shape()), divisor = Arena.empty(x.device(), n * plane);
        Kernels.function("norm", "l2_forward").launch(CudaElementwise.blocks((long) n * plane), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
            CudaMemory.of(x), CudaMemory.of(y), CudaMemory.of(divisor), n, c, plane, eps);
        return new Tensor[] {y, divisor};
    }

    /** dL/dx of {@link #l2Channels} from dL/dy {@code g} (contiguous) and its saved {@code y} and divisor. */
    public static Tensor l2ChannelsBackward(Tensor g, Tensor y, Tensor divisor, int n, int c, int plane, float eps) {
        CudaDevice.of(g);
        final Tensor dx = Arena.empty(g.device(), y.shape());
        Kernels.function("norm", "l2_backward").launch(CudaElementwise.blocks((long) n * plane), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
            CudaMemory.of(g), CudaMemory.of(y), CudaMemory.of(divisor), CudaMemory.of(dx), n, c, plane, eps);
        return dx;
    }
}
