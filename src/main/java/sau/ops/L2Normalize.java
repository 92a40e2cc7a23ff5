package sau.ops;

import sau.autograd.Node;
import sau.backend.cuda.CudaNorm;
import sau.tensor.Arena;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Normalises every position of an {@code [N, C, H, W]} map to unit length across its channels,
 * as PyTorch's {@code F.normalize(x, dim=1)}: {@code y = x / max(‖x‖, ε)} with
 * {@code ‖x‖ = √(Σ_c x_c²)} at each (n, h, w). SSD applies it to VGG's conv4_3 features, whose
 * values are much larger than those of the deeper maps, before a learned per-channel scale.
 */
public final class L2Normalize {

    private L2Normalize() {}

    /** PyTorch's default ε. */
    public static final float EPS = 1e-12f;

    /**
     * Backward, with n = max(‖x‖, ε) per position:
     * where ‖x‖ &gt; ε, dL/dx = (g − y·Σ_c g_c·y_c) / n (the part of g along y is removed, since
     * scaling x does not change y); where ‖x‖ ≤ ε the divisor is the constant ε and dL/dx = g / ε.
     */
    public static Tensor channels(Tensor x) {
        if (x.dim() != 4) throw new IllegalArgumentException("L2 normalisation over channels needs [N, C, H, W], got " + Shape.str(x.shape()));
        final int n = x.size(0), c = x.size(1), plane = x.size(2) * x.size(3);
        final Tensor in = x.contiguousData();
        if (in.isCuda()) {
            final Tensor[] yAndDivisor = CudaNorm.l2Channels(in, n, c, plane, EPS);
            return Node.record("L2Normalize", yAndDivisor[0], g ->
                new Tensor[] {CudaNorm.l2ChannelsBackward(g.contiguousData(), yAndDivisor[0], yAndDivisor[1], n, c, plane, EPS)}, x);
        }
        final float[] v = in.data();
        final int off = in.offset();
        final float[] y = Arena.uninitialized(x.numel());
        final float[] norm = Arena.uninitialized(n * plane);
        final boolean[] clamped = new boolean[n * plane];
        for (int b = 0; b < n; b++) {
            final int base = b * c * plane;
            for (int p = 0; p < plane; p++) {
                double ss = 0;
                for (int k = 0; k < c; k++) {
                    final float e = v[off + base + k * plane + p];
                    ss += (double) e * e;
                }
                final float length = (float) Math.sqrt(ss);
                clamped[b * plane + p] = length <= EPS;
                final float divisor = Math.max(length, EPS);
                norm[b * plane + p] = divisor;
                for (int k = 0; k < c; k++) y[base + k * plane + p] = v[off + base + k * plane + p] / divisor;
            }
        }
        return Node.record("L2Normalize", new Tensor(y, x.shape()), g -> {
            final Tensor gc = g.contiguousData();
            final float[] gv = gc.data();
            final int go = gc.offset();
            final float[] dx = Arena.uninitialized(y.length);
            for (int b = 0; b < n; b++) {
                final int base = b * c * plane;
                for (int p = 0; p < plane; p++) {
                    final float divisor = norm[b * plane + p];
                    double along = 0;
                    if (!clamped[b * plane + p]) {
                        for (int k = 0; k < c; k++) along += (double) gv[go + base + k * plane + p] * y[base + k * plane + p];
                    }
                    for (int k = 0; k < c; k++) {
                        final int i = base + k * plane + p;
                        dx[i] = (float) ((gv[go + i] - along * y[i]) / divisor);
                    }
                }
            }
            return new Tensor[] {new Tensor(dx, x.shape())};
        }, x);
    }
}
