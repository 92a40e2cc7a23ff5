package sau.ops;

import sau.autograd.Node;
import sau.backend.cpu.SoftmaxKernel;
import sau.backend.cuda.CudaSoftmax;
import sau.tensor.Shape;
import sau.tensor.Tensor;
import sau.tensor.Arena;

/**
 * softmax(x)_i = e^(x_i) / Σ_j e^(x_j) and its logarithm, over one dimension. The dimension is
 * moved last so that the kernel works on contiguous rows, then moved back.
 */
public final class Softmax {

    private Softmax() {}

    public static Tensor softmax(Tensor x, int dim) {
        return apply(x, dim, false);
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        return apply(x, dim, true);
    }

    private static Tensor apply(Tensor x, int dim, boolean log) {
        final int d = Shape.dim(dim, x.dim());
        final int last = x.dim() - 1;
        final Tensor rows = (d == last ? x.detach() : Views.transpose(x.detach(), d, last)).contiguousData();
        final int n = x.dim() == 0 ? 1 : rows.size(-1);
        final int count = rows.numel() / Math.max(1, n);
        final Tensor yRows;
        if (rows.isCuda()) {
            yRows = CudaSoftmax.forward(rows, count, n, log);
        } else {
            final float[] y = Arena.uninitialized(rows.numel());
            SoftmaxKernel.forward(rows.data(), rows.offset(), y, count, n, log);
            yRows = new Tensor(y, rows.shape());
        }
        final Tensor out = d == last ? yRows : Views.transpose(yRows, d, last);
        return Node.record(log ? "LogSoftmax" : "Softmax", out, g -> {
            final Tensor gRows = (d == last ? g : Views.transpose(g, d, last)).contiguousData();
            final Tensor dxRows;
            if (gRows.isCuda()) {
                dxRows = CudaSoftmax.backward(yRows, gRows, count, n, log);
            } else {
                final float[] dx = Arena.uninitialized(rows.numel());
                SoftmaxKernel.backward(yRows.data(), gRows.data(), gRows.offset(), dx, count, n, log);
                dxRows = new Tensor(dx, rows.shape());
            }
            return new Tensor[] {d == last ? dxRows : Views.transpose(dxRows, d, last)};
        }, x);
    }
}
