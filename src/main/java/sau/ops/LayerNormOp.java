package sau.ops;

import sau.autograd.Node;
import sau.backend.Devices;
import sau.backend.cpu.LayerNormKernel;
import sau.backend.cuda.CudaNorm;
import sau.tensor.Arena;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Layer normalisation over the last dimension, as PyTorch's {@code F.layer_norm(x, (n,), γ, β, eps)}:
 * every vector {@code x[..., :]} is normalised to mean 0 and variance 1 on its own, then scaled
 * by γ and shifted by β. Unlike batch norm it needs no batch statistics, so it behaves the same
 * in training and evaluation and for a batch of one sentence.
 *
 * <p>The formulas of the forward pass and of the gradients dL/dx, dL/dγ, dL/dβ are in
 * {@link LayerNormKernel}, which computes each in one fused pass (on a GPU, {@link CudaNorm}: a
 * warp or block per row).
 */
public final class LayerNormOp {

    private LayerNormOp() {}

    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        final int n = x.dim() == 0 ? 0 : x.size(-1);
        if (weight.dim() != 1 || weight.size(0) != n || bias.dim() != 1 || bias.size(0) != n) {
            throw new IllegalArgumentException("layerNorm: weight " + Shape.str(weight.shape()) + " and bias " + Shape.str(bias.shape())
                    + " must both be [" + n + "], the last dimension of the input " + Shape.str(x.shape()));
        }
        final Tensor xc = x.contiguousData();
        if (Devices.common("LayerNorm", x, weight, bias).isCuda()) {
            final Tensor gamma = weight.contiguousData(), beta = bias.contiguousData();
            final int rows = xc.numel() / Math.max(1, n);
            final CudaNorm.LayerNormResult fwd = CudaNorm.layerNorm(xc, gamma, beta, rows, n, eps);
            return Node.record("LayerNorm", fwd.y(), g -> CudaNorm.layerNormBackward(g.contiguousData(), xc, gamma, fwd, rows, n), x, weight, bias);
        }
        final float[] gamma = weight.contiguousData().toArray(), beta = bias.contiguousData().toArray();
        final int rows = xc.numel() / Math.max(1, n);
        final float[] y = Arena.uninitialized(xc.numel()), mean = Arena.uninitialized(rows), rstd = Arena.uninitialized(rows);
        LayerNormKernel.forward(xc.data(), xc.offset(), gamma, beta, y, mean, rstd, rows, n, eps);
        return Node.record("LayerNorm", new Tensor(y, x.shape()), g -> {
            final Tensor gc = g.contiguousData();
            final float[] dx = Arena.uninitialized(xc.numel()), dgamma = Arena.uninitialized(n), dbeta = Arena.uninitialized(n);
            LayerNormKernel.backward(gc.data(), gc.offset(), xc.data(), xc.offset(), gamma, mean, rstd, dx, dgamma, dbeta, rows, n);
            return new Tensor[] {new Tensor(dx, x.shape()), new Tensor(dgamma, n), new Tensor(dbeta, n)};
        }, x, weight, bias);
    }
}
