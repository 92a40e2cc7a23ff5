package sau.ops;

import sau.autograd.Node;
import sau.backend.Backend;
import sau.backend.cpu.BinaryOp;
import sau.tensor.Generator;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Channel dropout (Tompson et al., 2015; PyTorch's {@code Dropout2d}): each whole channel of an
 * input {@code [N, C, H, W]} (or {@code [C, H, W]}) is zeroed with probability {@code p}, and the
 * kept ones are scaled by {@code 1/(1−p)}. Neighbouring pixels of a feature map are strongly
 * correlated, so dropping single pixels hardly regularises a convolutional layer; dropping the
 * map does.
 *
 * <p>Forward: {@code y = x ⊙ m} with one mask value {@code m_{n,c} ∈ {0, 1/(1−p)}} per channel,
 * broadcast over H and W. Backward: {@code dL/dx = dL/dy ⊙ m}, with the same mask.
 */
public final class Dropout2dOp {

    private Dropout2dOp() {}

    /** Drops channels of {@code x} with probability {@code p}; one draw from {@code g} per channel, in order. */
    public static Tensor dropout2d(Tensor x, float p, Generator g) {
        if (x.dim() != 3 && x.dim() != 4) throw new IllegalArgumentException("Dropout2d needs an input [N, C, H, W] or [C, H, W], got shape " + Shape.str(x.shape()));
        final int[] maskShape = x.shape();
        maskShape[maskShape.length - 2] = 1;
        maskShape[maskShape.length - 1] = 1;
        final Tensor mask = DropoutOp.mask(maskShape, x.device(), p, g);
        final Tensor out = Backend.binary(BinaryOp.MUL, x, mask);
        return Node.record("Dropout2d", out, grad -> new Tensor[] {Arithmetic.mul(grad, mask)}, x);
    }
}
