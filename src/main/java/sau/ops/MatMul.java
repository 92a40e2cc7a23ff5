package sau.ops;

import static sau.ops.Reductions.sumTo;

import sau.autograd.Node;
import jcuda.driver.CUdeviceptr;
import sau.backend.Devices;
import sau.backend.cpu.Gemm;
import sau.backend.cpu.Parallel;
import sau.backend.cuda.CudaDevice;
import sau.backend.cuda.CudaGemm;
import sau.backend.cuda.CudaMemory;
import sau.tensor.Arena;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Matrix product with PyTorch's {@code matmul} rules: 1-D operands are treated as a row or
 * column vector, and the dimensions before the last two are batch dimensions that broadcast.
 *
 * <p>For C = A·B: dL/dA = dL/dC·Bᵀ and dL/dB = Aᵀ·dL/dC, each summed over the batch
 * dimensions its operand was broadcast along. Transposes are free: GEMM reads a matrix stored
 * either way, so {@code transpose} views go straight to it without a copy.
 */
public final class MatMul {

    private MatMul() {}

    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() == 0 || b.dim() == 0) throw new IllegalArgumentException("matmul of a scalar; use mul");
        if (a.dim() == 1 && b.dim() == 1) return Views.reshape(matmul(Views.unsqueeze(a, 0), b), new int[0]);
        if (a.dim() == 1) return Views.squeeze(matmul(Views.unsqueeze(a, 0), b), -2);
        if (b.dim() == 1) return Views.squeeze(matmul(a, Views.unsqueeze(b, 1)), -1);
        final int m = a.size(-2), k = a.size(-1), n = b.size(-1);
        if (b.size(-2) != k) {
            throw new IllegalArgumentException("matmul: shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()) + " do not fit (" + k + " vs " + b.size(-2) + ")");
        }
        final int[] batch = Shape.broadcast(leading(a.shape()), leading(b.shape()));
        final int[] outShape = append(batch, m, n);
        final Tensor ae = Views.expand(a.detach(), append(batch, m, k));
        final Tensor be = Views.expand(b.detach(), append(batch, k, n));
        final Tensor out = Arena.zeros(Devices.common("matmul", a, b), outShape);
        product(ae, be, out, m, n, k);
        return Node.record("MatMul", out, g -> new Tensor[] {
            a.requiresGrad() ? sumTo(matmul(g, Views.transpose(b, -1, -2)), a.shape()) : null,
            b.requiresGrad() ? sumTo(matmul(Views.transpose(a, -1, -2), g), b.shape()) : null}, a, b);
    }

    /** How GEMM should read one operand: stored as is or transposed, with its leading dimension. */
    private record Operand(Tensor t, boolean trans, int ld) {

        static Operand of(Tensor t) {
            final int rows = t.size(-2), cols = t.size(-1);
            final int rs = t.stride(-2), cs = t.stride(-1);
            if ((cs == 1 || cols == 1) && (rs >= cols || rows == 1)) return new Operand(t, false, rows == 1 ? cols : rs);
            if ((rs == 1 || rows == 1) && (cs >= rows || cols == 1)) return new Operand(t, true, cols == 1 ? rows : cs);
            // Neither layout: batch strides of 0 (broadcast) are fine, the matrix itself is copied.
            return of(Views.contiguous(t));
        }
    }

    private static void product(Tensor a, Tensor b, Tensor out, int m, int n, int k) {
        final Operand oa = Operand.of(a), ob = Operand.of(b);
        final int batches = out.numel() / Math.max(1, m * n);
        final int[] batchShape = leading(out.shape());
        final int[] as = oa.t().strides(), bs = ob.t().strides();
        if (out.isCuda()) {
            cudaProduct(oa, ob, out, m, n, k, batches, batchShape);
            return;
        }
        final float[] c = out.data();
        final Parallel.RangeBody body = (start, end) -> {
            for (int i = start; i < end; i++) {
                final int ai = oa.t().offset() + batchOffset(i, batchShape, as), bi = ob.t().offset() + batchOffset(i, batchShape, bs);
                Gemm.gemm(oa.trans(), ob.trans(), m, n, k, oa.t().data(), ai, oa.ld(), ob.t().data(), bi, ob.ld(), 0f, c, i * m * n, n);
            }
        };
        // Many small products (attention heads) are spread over threads one product each;
        // a few big ones let GEMM split each product itself.
        if (batches >= Parallel.threads() && (long) m * n * k < 64L * 64 * 64) Parallel.forRange(batches, 1, body);
        else body.run(0, batches);
    }

    /** Where product {@code i} of the batch starts in an operand with these (batch) strides. */
    private static int batchOffset(int i, int[] batchShape, int[] strides) {
        int offset = 0;
        for (int d = batchShape.length - 1; d >= 0; d--) {
            offset += i % batchShape[d] * strides[d];
            i /= batchShape[d];
        }
        return offset;
    }

    /**
     * The batch on the GPU: one batched GEMM when the products are evenly spaced in both
     * operands (contiguous or broadcast batches), else one GEMM per product.
     */
    private static void cudaProduct(Operand oa, Operand ob, Tensor out, int m, int n, int k, int batches, int[] batchShape) {
        CudaDevice.of(out);
        final int[] as = oa.t().strides(), bs = ob.t().strides();
        final int strideA = batches > 1 ? batchOffset(1, batchShape, as) : 0, strideB = batches > 1 ? batchOffset(1, batchShape, bs) : 0;
        boolean even = true;
        for (int i = 2; i < batches && even; i++) {
            even = batchOffset(i, batchShape, as) == (long) i * strideA && batchOffset(i, batchShape, bs) == (long) i * strideB;
        }
        final CUdeviceptr a = CudaMemory.of(oa.t()), b = CudaMemory.of(ob.t()), c = CudaMemory.of(out);
        if (even) {
            CudaGemm.gemmBatched(oa.trans(), ob.trans(), m, n, k, a, oa.ld(), strideA, b, ob.ld(), strideB, 0f, c, n, (long) m * n, batches);
            return;
        }
        for (int i = 0; i < batches; i++) {
            CudaGemm.gemm(oa.trans(), ob.trans(), m, n, k, a.withByteOffset(4L * batchOffset(i, batchShape, as)), oa.ld(),
                b.withByteOffset(4L * batchOffset(i, batchShape, bs)), ob.ld(), 0f, c.withByteOffset(4L * i * m * n), n);
        }
    }

    private static int[] leading(int[] shape) {
        return java.util.Arrays.copyOf(shape, shape.length - 2);
    }

    private static int[] append(int[] batch, int r, int c) {
        final int[] s = java.util.Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }
}
