package sau.backend;

import sau.backend.cpu.BinaryOp;
import sau.backend.cpu.Elementwise;
import sau.backend.cpu.Reduce;
import sau.backend.cpu.UnaryOp;
import sau.backend.cuda.CudaElementwise;
import sau.backend.cuda.CudaReduce;
import sau.tensor.Tensor;

/**
 * The tensor-level kernels that many ops share, sent to the backend of the device their
 * operands live on: the CPU's {@code sau.backend.cpu} or the GPU's {@code sau.backend.cuda}.
 * The kernels of one op (a convolution, batch norm, SAU) are chosen in that op's class.
 */
public final class Backend {

    private Backend() {}

    /**
     * {@code a op b} with broadcasting. As in PyTorch, a one-element CPU tensor (a number such as
     * the 2 of {@code x * 2}) goes with a GPU tensor; any other mix of devices is an error.
     */
    public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        if (a.isCuda() != b.isCuda()) {
            if (!b.isCuda() && b.numel() == 1 && b.dim() <= a.dim()) return CudaElementwise.binaryScalar(op, a, b.item(), false);
            if (!a.isCuda() && a.numel() == 1 && a.dim() <= b.dim()) return CudaElementwise.binaryScalar(op, b, a.item(), true);
        }
        return Devices.common(op.name(), a, b).isCuda() ? CudaElementwise.binary(op, a, b) : Elementwise.binary(op, a, b);
    }

    public static Tensor unary(UnaryOp op, Tensor x, float p, float q) {
        return x.isCuda() ? CudaElementwise.unary(op, x, p, q) : Elementwise.unary(op, x, p, q);
    }

    /** {@code cond != 0 ? a : b}, with broadcasting. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Devices.common("where", cond, a, b).isCuda() ? CudaElementwise.where(cond, a, b) : Elementwise.where(cond, a, b);
    }

    /** {@code dst += src}: gradient accumulation. */
    public static void addInto(Tensor dst, Tensor src) {
        if (Devices.common("addInto", dst, src).isCuda()) CudaElementwise.addInto(dst, src);
        else Elementwise.addInto(dst, src);
    }

    /** {@code a + b} for two tensors of one shape, in new memory: the sum of two gradients of one tensor. */
    public static Tensor add(Tensor a, Tensor b) {
        return Devices.common("add", a, b).isCuda() ? CudaElementwise.binary(BinaryOp.ADD, a, b) : Elementwise.add(a, b);
    }

    /** Writes {@code src}, broadcast to {@code dst}'s shape, into {@code dst}'s elements. */
    public static void copyInto(Tensor dst, Tensor src) {
        if (Devices.common("copyInto", dst, src).isCuda()) CudaElementwise.copyInto(dst, src);
        else Elementwise.copyInto(dst, src);
    }

    /** The sum along {@code dim}, which is removed. */
    public static Tensor sum(Tensor x, int dim) {
        return x.isCuda() ? CudaReduce.sum(x, dim) : Reduce.sum(x, dim);
    }

    /** The maximum along {@code dim} and its index. */
    public static Reduce.MaxResult max(Tensor x, int dim) {
        return x.isCuda() ? CudaReduce.max(x, dim) : Reduce.max(x, dim);
    }
}
