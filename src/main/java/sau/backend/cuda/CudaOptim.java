package sau.backend.cuda;

import jcuda.driver.CUdeviceptr;
import sau.tensor.Tensor;

/** The update rules of {@link sau.optim.SGD} and {@link sau.optim.Adam} for parameters on the GPU ({@code optim.cu}). */
public final class CudaOptim {

    private CudaOptim() {}

    /** {@code buf} null when there is no momentum. */
    public static void sgd(Tensor p, Tensor g, Tensor buf, float lr, float wd, float mu, float keep, boolean nesterov, boolean first) {
        CudaDevice.of(p);
        final long n = p.numel();
        Kernels.function("optim", "sgd_step").launch(CudaElementwise.blocks(n), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
            CudaMemory.of(p), CudaMemory.of(g), buf == null ? new CUdeviceptr() : CudaMemory.of(buf), n, lr, wd, mu, keep, nesterov ? 1 : 0, first ? 1 : 0);
    }

    /** {@code vMax} null without AMSGrad. */
    public static void adam(Tensor p, Tensor g, Tensor m, Tensor v, Tensor vMax, float decay, float l2, float b1, float b2, float c1, float c2,
                            float stepSize, float bc2Sqrt, float eps) {
        CudaDevice.of(p);
        final long n = p.numel();
        Kernels.function("optim", "adam_step").launch(CudaElementwise.blocks(n), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
            CudaMemory.of(p), CudaMemory.of(g), CudaMemory.of(m), CudaMemory.of(v), vMax == null ? new CUdeviceptr() : CudaMemory.of(vMax),
            n, decay, l2, b1, b2, c1, c2, stepSize, bc2Sqrt, eps);
    }
}
