package sau.backend.cuda;

import sau.tensor.Arena;
import sau.tensor.Tensor;

/**
 * {@code y = x·Wᵀ + b} and its gradients on the GPU, as {@link sau.backend.cpu.LinearKernel}:
 * three GEMMs over the rows of x ({@code [rows, in]}) and the weight ({@code [out, in]}).
 */
public final class CudaLinear {

    private CudaLinear() {}

    /** x and w contiguous; bias contiguous or null. Returns y as {@code [rows, out]}. */
    public static Tensor forward(Tensor x, Tensor w, Tensor bias, int rows, int in, int out) {
        CudaDevice.of(x);
        final Tensor y = Arena.empty(x.device(), rows, out);
        CudaGemm.gemm(false, true, rows, out, in, CudaMemory.of(x), in, CudaMemory.of(w), in, 0f, CudaMemory.of(y), out);
        if (bias != null) {
            Kernels.function("elementwise", "add_row_bias_f32").launch(CudaElementwise.blocks((long) rows * out), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
                CudaMemory.of(y), CudaMemory.of(bias), (long) rows, out);
        }
        return y;
    }

    /** dL/dX = G·W, as {@code [rows, in]}. */
    public static Tensor backwardInput(Tensor g, Tensor w, int rows, int in, int out) {
        CudaDevice.of(g);
        final Tensor dx = Arena.empty(g.device(), rows, in);
        CudaGemm.gemm(false, false, rows, in, out, CudaMemory.of(g), out, CudaMemory.of(w), in, 0f, CudaMemory.of(dx), in);
        return dx;
    }

    /** dL/dW = Gᵀ·X, as {@code [out, in]}. */
    public static Tensor backwardWeight(Tensor g, Tensor x, int rows, int in, int out) {
        CudaDevice.of(g);
        final Tensor dw = Arena.empty(g.device(), out, in);
        CudaGemm.gemm(true, false, out, in, rows, CudaMemory.of(g), out, CudaMemory.of(x), in, 0f, CudaMemory.of(dw), in);
        return dw;
    }
}
