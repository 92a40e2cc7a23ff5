package sau.ops;

import sau.autograd.Node;
import sau.backend.Devices;
import sau.backend.cpu.SauKernel;
import sau.backend.cpu.SauVariant;
import sau.backend.cuda.CudaSau;
import sau.tensor.Shape;
import sau.tensor.Tensor;
import sau.tensor.Arena;

/**
 * The SAU activation as a differentiable op: G(x, α, n), the paper's equation (3) or one of its
 * variants, with α one number or one per channel (dimension 1 of x, as PReLU) and n one number.
 *
 * <p>Gradients (paper variant; A = (1/2n)·√(2/π)·e^(−n²x²/2), the kernel's comments derive the others):
 * <pre>
 *   ∂G/∂x = (1+α)/2 + (1−α)/2·erf(nx/√2) + (1−α)/2·√(2/π)·nx·e^(−n²x²/2) − n²x·A     (the paper's (4))
 *   ∂G/∂α = x/2 − x/2·erf(nx/√2)                                                       (the paper's (5))
 *   ∂G/∂n = −A/n − n·x²·A + (1−α)/2·√(2/π)·x²·e^(−n²x²/2)
 * </pre>
 * dL/dα and dL/dn are the sums of gradY·∂G/∂α and gradY·∂G/∂n over the elements that share
 * them, reduced in a fixed order so that they do not depend on the number of threads.
 */
public final class SauOp {

    private SauOp() {}

    public static Tensor sau(Tensor x, Tensor alpha, Tensor n, SauVariant variant) {
        Devices.common("SAU", x, alpha, n);
        if (n.numel() != 1) throw new IllegalArgumentException("SAU: n must be one number, got shape " + Shape.str(n.shape()));
        final int channels = alpha.numel();
        if (channels != 1 && (x.dim() < 2 || x.size(1) != channels)) {
            throw new IllegalArgumentException("SAU with " + channels + " per-channel α needs an input with " + channels + " channels in dimension 1, got shape " + Shape.str(x.shape()));
        }
        final Tensor in = x.contiguousData();
        final int outer = channels == 1 ? 1 : x.size(0);
        final int inner = channels == 1 ? in.numel() : in.numel() / (outer * channels);
        if (x.isCuda()) return sauCuda(x, in, alpha, n, variant, outer, channels, inner);
        final float[] a = alpha.contiguousData().toArray();
        final float nv = n.item();
        final float[] y = Arena.uninitialized(in.numel());
        SauKernel.forward(in.data(), in.offset(), y, 0, outer, channels, inner, a, nv, variant);
        return Node.record("Sau", new Tensor(y, x.shape()), g -> {
            final Tensor gc = g.contiguousData();
            final float[] gx = Arena.uninitialized(y.length);
            final float[] ga = alpha.requiresGrad() ? new float[channels] : null;
            final float[] gn = n.requiresGrad() ? new float[1] : null;
            SauKernel.backward(in.data(), in.offset(), gc.data(), gc.offset(), gx, 0, outer, channels, inner, a, nv, variant, ga, gn);
            return new Tensor[] {
                new Tensor(gx, x.shape()),
                ga == null ? null : new Tensor(ga, alpha.shape()),
                gn == null ? null : new Tensor(gn, n.shape())};
        }, x, alpha, n);
    }

    /**
     * The same on the GPU: α and n stay there and are read by the kernels, so that the op never
     * waits for the GPU to copy a number back.
     */
    private static Tensor sauCuda(Tensor x, Tensor in, Tensor alpha, Tensor n, SauVariant variant, int outer, int channels, int inner) {
        final Tensor y = CudaSau.forward(in, alpha, n, variant, outer, channels, inner);
        return Node.record("Sau", y, g -> {
            final CudaSau.Gradients grads = CudaSau.backward(in, g.contiguousData(), alpha, n, variant, outer, channels, inner,
                alpha.requiresGrad(), n.requiresGrad());
            return new Tensor[] {grads.x(), grads.alpha(), grads.n()};
        }, x, alpha, n);
    }
}
