package sau.backend.cuda;

import jcuda.driver.CUdeviceptr;
import sau.backend.cpu.BinaryOp;
import sau.backend.cpu.Elementwise;
import sau.backend.cpu.UnaryOp;
import sau.tensor.Arena;
import sau.tensor.DeviceMemory;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * The elementwise kernels of {@code elementwise.cu} for GPU tensors, with the same contracts as
 * {@link sau.backend.cpu.Elementwise}: broadcasting, any strides in, contiguous results out.
 */
public final class CudaElementwise {

    static final int BLOCK = 256;

    private CudaElementwise() {}

    /** Enough blocks to fill the GPU; the kernels loop over the rest (grid-stride loops). */
    static int blocks(long n) {
        return (int) Math.max(1, Math.min((n + BLOCK - 1) / BLOCK, 132L * 16));
    }

    static void launch(String kernel, long n, Object... args) {
        Kernels.function("elementwise", kernel).launch(blocks(n), 1, 1, BLOCK, 1, 1, 0, args);
    }

    public static void fill(DeviceMemory memory, float value) {
        final CudaMemory m = (CudaMemory) memory;
        m.device.makeCurrent();
        launch("fill_f32", m.length(), m.at(0), (long) m.length(), value);
    }

    /** A contiguous copy of a strided GPU tensor. */
    public static Tensor contiguous(Tensor x) {
        CudaDevice.of(x);
        final Tensor out = Arena.empty(x.device(), x.shape());
        copyInto(out, x);
        return out;
    }

    /** Writes {@code src}, broadcast to {@code dst}'s shape, into {@code dst}'s elements (any strides). */
    public static void copyInto(Tensor dst, Tensor src) {
        CudaDevice.of(dst);
        final int[] shape = dst.shape();
        final long n = dst.numel();
        if (n == 0) return;
        if (src.isContiguous() && dst.isContiguous() && java.util.Arrays.equals(src.shape(), shape)) {
            CudaDevice.copy(src, dst); // the copy engine, at memory speed
            return;
        }
        launch("copy_f32", n, CudaMemory.of(src), CudaMemory.of(dst), n, Layout3.of(shape, Elementwise.broadcastStrides(src, shape), dst.strides()));
    }

    /** {@code dst += src}: dst contiguous, src of dst's shape. */
    public static void addInto(Tensor dst, Tensor src) {
        if (!dst.isContiguous()) throw new IllegalArgumentException("addInto needs a contiguous destination");
        CudaDevice.of(dst);
        final Tensor s = src.contiguousData();
        launch("add_into_f32", dst.numel(), CudaMemory.of(dst), CudaMemory.of(s), (long) dst.numel());
    }

    public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        CudaDevice.of(a);
        final int[] shape = Shape.broadcast(a.shape(), b.shape());
        final Tensor out = Arena.empty(a.device(), shape);
        final long n = out.numel();
        if (n == 0) return out;
        final CUdeviceptr pa = CudaMemory.of(a), pb = CudaMemory.of(b), po = CudaMemory.of(out);
        final int code = op.ordinal();
        if (a.isContiguous() && b.isContiguous() && java.util.Arrays.equals(a.shape(), shape) && java.util.Arrays.equals(b.shape(), shape)) {
            launch("binary_dense_f32", n, code, pa, pb, po, n);
        } else {
            launch("binary_f32", n, code, pa, pb, po, n, Layout3.of(shape, Elementwise.broadcastStrides(a, shape), Elementwise.broadcastStrides(b, shape)));
        }
        return out;
    }

    /**
     * {@code a op s}, or {@code s op a} when {@code scalarFirst}: one operand a number (a CPU
     * scalar such as the 2 of {@code x * 2}), passed to the kernel by value rather than copied to
     * the GPU.
     */
    public static Tensor binaryScalar(BinaryOp op, Tensor a, float s, boolean scalarFirst) {
        CudaDevice.of(a);
        final Tensor in = a.contiguousData();
        final Tensor out = Arena.empty(a.device(), a.shape());
        launch("binary_scalar_f32", out.numel(), op.ordinal(), CudaMemory.of(in), s, CudaMemory.of(out), (long) out.numel(), scalarFirst ? 1 : 0);
        return out;
    }

    public static Tensor unary(UnaryOp op, Tensor x, float p, float q) {
        CudaDevice.of(x);
        final Tensor in = x.contiguousData();
        final Tensor out = Arena.empty(x.device(), x.shape());
        launch("unary_f32", out.numel(), op.ordinal(), CudaMemory.of(in), CudaMemory.of(out), (long) out.numel(), p, q);
        return out;
    }

    /** {@code cond != 0 ? a : b}, with broadcasting of all three. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        CudaDevice.of(a);
        final int[] shape = Shape.broadcast(cond.shape(), Shape.broadcast(a.shape(), b.shape()));
        final Tensor out = Arena.empty(a.device(), shape);
        final long n = out.numel();
        if (n == 0) return out;
        launch("where_f32", n, CudaMemory.of(cond), CudaMemory.of(a), CudaMemory.of(b), CudaMemory.of(out), n,
            Layout3.of(shape, Elementwise.broadcastStrides(cond, shape), Elementwise.broadcastStrides(a, shape), Elementwise.broadcastStrides(b, shape)));
        return out;
    }
}
