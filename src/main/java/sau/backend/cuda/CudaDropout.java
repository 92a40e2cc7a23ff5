package sau.backend.cuda;

import sau.tensor.Arena;
import sau.tensor.Device;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * Dropout masks drawn on the GPU ({@code dropout.cu}): each element is kept with probability
 * {@code 1 − p} and then holds {@code 1/(1 − p)}, else 0, as {@link sau.backend.cpu.DropoutMask}.
 * The kernel hashes (seed, element index), and the seed is one draw from the op's
 * {@link Generator}, so a seeded run reproduces its masks (they differ from the CPU's).
 */
public final class CudaDropout {

    private CudaDropout() {}

    /** A mask of {@code shape} on {@code device}; {@code p = 1} drops everything. */
    public static Tensor mask(Device device, int[] shape, float p, Generator g) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        if (p == 1) return Arena.zeros(device, shape);
        final Tensor mask = Arena.empty(device, shape);
        CudaDevice.of(mask);
        final long n = mask.numel();
        Kernels.function("dropout", "dropout_mask").launch(CudaElementwise.blocks(n), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
            CudaMemory.of(mask), n, g.nextLong(), p, 1 / (1 - p));
        return mask;
    }
}
