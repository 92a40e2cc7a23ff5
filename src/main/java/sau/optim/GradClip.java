package sau.optim;

import java.util.List;
import sau.backend.Backend;
import sau.backend.cpu.BinaryOp;
import sau.tensor.Tensor;

/**
 * Gradient clipping by global norm, as PyTorch's {@code clip_grad_norm_}: when the L2 norm of
 * all gradients together, ‖g‖ = √(Σ g²), exceeds {@code maxNorm}, every gradient is scaled by
 * maxNorm/(‖g‖ + 1e-6). The direction of the update is kept; only a rare huge step (a spike in
 * the loss) is shortened.
 */
public final class GradClip {

    private GradClip() {}

    /** Clips in place; returns the norm before clipping. */
    public static double clipGradNorm(List<Tensor> params, double maxNorm) {
        double sumSquares = 0;
        for (Tensor p : params) {
            if (p.grad() == null) continue;
            if (p.grad().isCuda()) {
                final Tensor g = p.grad().contiguousData();
                final Tensor flat = g.view(new int[] {g.numel()}, new int[] {1}, g.offset());
                sumSquares += Backend.sum(Backend.binary(BinaryOp.MUL, flat, flat), 0).item();
            } else {
                for (float v : p.grad().contiguousData().toArray()) sumSquares += (double) v * v;
            }
        }
        final double norm = Math.sqrt(sumSquares);
        final double scale = maxNorm / (norm + 1e-6);
        if (scale < 1) {
            for (Tensor p : params) {
                if (p.grad() == null) continue;
                final Tensor g = p.grad().contiguousData();
                if (g.isCuda()) {
                    p.setGrad(Backend.binary(BinaryOp.MUL, g, Tensor.scalar((float) scale)));
                    continue;
                }
                final float[] d = g.toArray();
                for (int i = 0; i < d.length; i++) d[i] *= (float) scale;
                p.setGrad(new Tensor(d, g.shape()));
            }
        }
        return norm;
    }
}
