package sau.ops;

import sau.autograd.Node;
import sau.backend.Backend;
import sau.backend.cpu.BinaryOp;
import sau.backend.cpu.DropoutMask;
import sau.backend.cuda.CudaDropout;
import sau.tensor.Device;
import sau.tensor.Generator;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Inverted dropout as an op (the module {@code sau.nn.Dropout} decides when to call it).
 *
 * <p>Forward: {@code y = x ⊙ m} with {@code m_i ∈ {0, 1/(1−p)}} drawn once per call.
 * Backward: {@code dL/dx = dL/dy ⊙ m}, the same mask, so a dropped unit gets no gradient and a
 * kept one gets its gradient scaled exactly as its value was.
 */
public final class DropoutOp {

    private DropoutOp() {}

    /** Drops each element of {@code x} with probability {@code p}, with a mask drawn from {@code g}. */
    public static Tensor dropout(Tensor x, float p, Generator g) {
        return applyMask(x, mask(x.shape(), x.device(), p, g));
    }

    /**
     * A mask of {@code shape}, on the CPU one draw from {@code g} per element in order; on a GPU
     * drawn there from one seed that {@code g} gives (other numbers, the same distribution).
     */
    static Tensor mask(int[] shape, Device device, float p, Generator g) {
        return device.isCuda() ? CudaDropout.mask(device, shape, p, g) : new Tensor(DropoutMask.sample(Shape.numel(shape), p, g), shape);
    }

    /** {@code x ⊙ mask} with the mask held constant; public so a test can fix the mask. */
    public static Tensor applyMask(Tensor x, Tensor mask) {
        final Tensor out = Backend.binary(BinaryOp.MUL, x, mask);
        return Node.record("Dropout", out, g -> new Tensor[] {Arithmetic.mul(g, mask)}, x);
    }
}
