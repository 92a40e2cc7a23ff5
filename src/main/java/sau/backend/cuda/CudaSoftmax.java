package sau.backend.cuda;

import sau.tensor.Arena;
import sau.tensor.Tensor;

/**
 * The kernels of {@code softmax.cu} for GPU tensors: softmax and log-softmax over the rows of a
 * contiguous {@code [rows, n]} block (as {@link sau.backend.cpu.SoftmaxKernel}), and the
 * per-row pieces of cross entropy and the negative log-likelihood ({@code sau.ops.Losses}).
 * Targets are class indices stored as floats in a contiguous GPU tensor, already checked.
 */
public final class CudaSoftmax {

    /** Rows up to this long get a warp each (8 rows to a block), longer ones a block of ROW_BLOCK threads. */
    private static final int WARP_ROW_MAX = 512;
    private static final int ROWS_PER_WARP_BLOCK = 8;
    private static final int ROW_BLOCK = 256;

    private CudaSoftmax() {}

    /**
     * Launches a row kernel of {@code rows.cuh}: a warp per row for short rows, a block per row
     * for long ones, so that every thread has a few elements of its row to work on.
     */
    static void launchRows(String module, String kernel, int rows, int n, Object... args) {
        if (rows == 0) return;
        if (n <= WARP_ROW_MAX) {
            Kernels.function(module, kernel).launch((rows + ROWS_PER_WARP_BLOCK - 1) / ROWS_PER_WARP_BLOCK, 1, 1, 32, ROWS_PER_WARP_BLOCK, 1, 0, args);
        } else {
            Kernels.function(module, kernel).launch(rows, 1, 1, ROW_BLOCK, 1, 1, 0, args);
        }
    }

    /** Softmax (or log-softmax with {@code log}) of each row of {@code x = [rows, n]}. */
    public static Tensor forward(Tensor x, int rows, int n, boolean log) {
        CudaDevice.of(x);
        final Tensor y = Arena.empty(x.device(), x.shape());
        launchRows("softmax", "softmax_forward", rows, n, CudaMemory.of(x), CudaMemory.of(y), (long) rows, n, log ? 1 : 0);
        return y;
    }

    /** dL/dx from dL/dy {@code g} (contiguous) and the forward's output {@code y}. */
    public static Tensor backward(Tensor y, Tensor g, int rows, int n, boolean log) {
        CudaDevice.of(y);
        final Tensor dx = Arena.empty(y.device(), y.shape());
        launchRows("softmax", "softmax_backward", rows, n, CudaMemory.of(y), CudaMemory.of(g), CudaMemory.of(dx), (long) rows, n, log ? 1 : 0);
        return dx;
    }

    /** The cross entropy of each row of log-probabilities {@code logp = [rows, classes]}, 0 on ignored rows: [rows]. */
    public static Tensor crossEntropyRows(Tensor logp, Tensor target, int rows, int classes, float smoothing, int ignoreIndex) {
        CudaDevice.of(logp);
        final Tensor loss = Arena.empty(logp.device(), rows);
        launchRows("softmax", "cross_entropy_rows", rows, classes,
            CudaMemory.of(logp), CudaMemory.of(target), CudaMemory.of(loss), (long) rows, classes, smoothing, ignoreIndex);
        return loss;
    }

    /**
     * dL/dlogits of cross entropy, [rows, classes]: scale·(p − q), where the scale comes from the
     * output gradient {@code g} as {@code reduction} says (the ordinal of MEAN, SUM, NONE).
     */
    public static Tensor crossEntropyBackward(Tensor logp, Tensor target, Tensor g, int rows, int classes, float smoothing, int ignoreIndex,
                                              int reduction, int counted) {
        CudaDevice.of(logp);
        final Tensor dx = Arena.empty(logp.device(), rows, classes);
        final long n = (long) rows * classes;
        Kernels.function("softmax", "cross_entropy_backward").launch(CudaElementwise.blocks(n), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
            CudaMemory.of(logp), CudaMemory.of(target), CudaMemory.of(g), CudaMemory.of(dx), (long) rows, classes, smoothing, ignoreIndex, reduction, counted);
        return dx;
    }

    /** −logp[row, target] of each row, 0 on ignored rows: [rows]. */
    public static Tensor nllRows(Tensor logp, Tensor target, int rows, int classes, int ignoreIndex) {
        CudaDevice.of(logp);
        final Tensor loss = Arena.empty(logp.device(), rows);
        Kernels.function("softmax", "nll_rows").launch(CudaElementwise.blocks(rows), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
            CudaMemory.of(logp), CudaMemory.of(target), CudaMemory.of(loss), (long) rows, classes, ignoreIndex);
        return loss;
    }

    /** dL/dlogp of the negative log-likelihood, [rows, classes]; {@code reduction} as for cross entropy. */
    public static Tensor nllBackward(Tensor target, Tensor g, int rows, int classes, int ignoreIndex, int reduction, int counted) {
        CudaDevice.of(g);
        final Tensor dx = Arena.empty(g.device(), rows, classes);
        final long n = (long) rows * classes;
        Kernels.function("softmax", "nll_backward").launch(CudaElementwise.blocks(n), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
            CudaMemory.of(target), CudaMemory.of(g), CudaMemory.of(dx), (long) rows, classes, ignoreIndex, reduction, counted);
        return dx;
    }

    /**
     * The sum of the per-row losses (in double), divided by {@code counted} when {@code mean}
     * (NaN when it is 0): a 0-dimensional GPU tensor.
     */
    public static Tensor total(Tensor loss, boolean mean, int counted) {
        CudaDevice.of(loss);
        final Tensor out = Arena.empty(loss.device());
        Kernels.function("softmax", "loss_total").launch(1, 1, 1, ROW_BLOCK, 1, 1, 0,
            CudaMemory.of(loss), (long) loss.numel(), CudaMemory.of(out), mean ? 1 : 0, counted);
        return out;
    }
}
