package sau.ops;

import java.util.Arrays;
import sau.autograd.Node;
import sau.backend.Devices;
import sau.backend.cpu.Activation;
import sau.backend.cpu.ActivationKernels;
import sau.backend.cpu.PReluKernel;
import sau.backend.cuda.CudaActivation;
import sau.tensor.Shape;
import sau.tensor.Tensor;
import sau.tensor.Arena;

/**
 * The activation functions as ops: each computes its output with one fused forward kernel and
 * records a node whose backward is one fused backward kernel (the formulas are written above
 * each kernel in {@link ActivationKernels} and {@link PReluKernel}). The backward kernels are not
 * themselves differentiable: these ops support first derivatives, which is what training needs.
 */
public final class Activations {

    private Activations() {}

    public static Tensor relu(Tensor x) {
        return apply(Activation.RELU, x, 0, 0);
    }

    /** x for x > 0, {@code negativeSlope}·x otherwise. */
    public static Tensor leakyRelu(Tensor x, float negativeSlope) {
        return apply(Activation.LEAKY_RELU, x, negativeSlope, 0);
    }

    /** x for x > 0, α(eˣ − 1) otherwise. */
    public static Tensor elu(Tensor x, float alpha) {
        return apply(Activation.ELU, x, alpha, 0);
    }

    /** (1/β)·ln(1 + e^(βx)), and x itself where βx > threshold (PyTorch's semantics). */
    public static Tensor softplus(Tensor x, float beta, float threshold) {
        if (!(beta > 0)) throw new IllegalArgumentException("softplus: beta must be positive, got " + beta);
        return apply(Activation.SOFTPLUS, x, beta, threshold);
    }

    /** x·σ(x), also called Swish. */
    public static Tensor silu(Tensor x) {
        return apply(Activation.SILU, x, 0, 0);
    }

    /** The exact GELU, x·Φ(x) = ½·x·(1 + erf(x/√2)). */
    public static Tensor gelu(Tensor x) {
        return apply(Activation.GELU, x, 0, 0);
    }

    /** GELU with {@code approximate} "none" (exact) or "tanh" (½·x·(1 + tanh(√(2/π)(x + 0.044715x³)))). */
    public static Tensor gelu(Tensor x, String approximate) {
        return switch (approximate) {
            case "none" -> gelu(x);
            case "tanh" -> apply(Activation.GELU_TANH, x, 0, 0);
            default -> throw new IllegalArgumentException("gelu: approximate must be \"none\" or \"tanh\", got \"" + approximate + "\"");
        };
    }

    /** min(max(x, 0), 6). */
    public static Tensor relu6(Tensor x) {
        return apply(Activation.RELU6, x, 0, 0);
    }

    /** x·tanh(softplus(x)). */
    public static Tensor mish(Tensor x) {
        return apply(Activation.MISH, x, 0, 0);
    }

    public static Tensor tanh(Tensor x) {
        return apply(Activation.TANH, x, 0, 0);
    }

    public static Tensor sigmoid(Tensor x) {
        return apply(Activation.SIGMOID, x, 0, 0);
    }

    /** Any of the pointwise activations, with its parameters {@code p} and {@code q} (see {@link Activation}). */
    public static Tensor apply(Activation f, Tensor x, float p, float q) {
        final Tensor in = x.contiguousData();
        final Tensor out;
        if (x.isCuda()) {
            out = CudaActivation.forward(f, in, p, q);
        } else {
            final float[] y = Arena.uninitialized(in.numel());
            ActivationKernels.forward(f, in.data(), in.offset(), y, 0, y.length, p, q);
            out = new Tensor(y, x.shape());
        }
        return Node.record(f.label(), out, g -> new Tensor[] {backward(f, in, out, g, p, q)}, x);
    }

    /** {@code y = f(y)} in place, recording nothing: for an op that applies an activation to its own fresh output. */
    static void applyInPlace(Activation f, Tensor y, float p, float q) {
        if (y.isCuda()) CudaActivation.forward(f, y, y, p, q);
        else ActivationKernels.forward(f, y.data(), y.offset(), y.data(), y.offset(), y.numel(), p, q);
    }

    /** dL/dx of {@code y = f(x)} from dL/dy; x and y contiguous. */
    static Tensor backward(Activation f, Tensor x, Tensor y, Tensor g, float p, float q) {
        final Tensor gc = g.contiguousData();
        if (x.isCuda()) return CudaActivation.backward(f, x, y, gc, p, q);
        final float[] gx = Arena.uninitialized(x.numel());
        ActivationKernels.backward(f, x.data(), x.offset(), y.data(), y.offset(), gc.data(), gc.offset(), gx, 0, gx.length, p, q);
        return new Tensor(gx, x.shape());
    }

    /**
     * PReLU: x for x > 0, w·x otherwise, where {@code weight} holds one slope, or one per channel;
     * the channels are dimension 1 (dimension 0 of a 1-d input), as in PyTorch.
     */
    public static Tensor prelu(Tensor x, Tensor weight) {
        Devices.common("PReLU", x, weight);
        final int channels = weight.numel();
        final int channelDim = x.dim() >= 2 ? 1 : 0;
        final int inner;
        if (channels == 1) {
            inner = Math.max(1, x.numel());
        } else {
            if (x.dim() == 0 || x.size(channelDim) != channels) {
                throw new IllegalArgumentException("prelu: " + channels + " slopes need " + channels + " channels in dimension " + channelDim + " of the input, got shape " + Shape.str(x.shape()));
            }
            inner = Shape.numel(Arrays.copyOfRange(x.shape(), channelDim + 1, x.dim()));
        }
        final Tensor in = x.contiguousData();
        final Tensor w = weight.contiguousData();
        final int n = in.numel();
        if (x.isCuda()) return preluCuda(x, in, weight, w, channels, inner);
        final float[] y = Arena.uninitialized(n);
        if (n > 0) PReluKernel.forward(in.data(), in.offset(), w.data(), w.offset(), y, 0, n, channels, inner);
        final Tensor out = new Tensor(y, x.shape());
        return Node.record("PReLU", out, g -> {
            final Tensor gc = g.contiguousData();
            final float[] gx = Arena.uninitialized(n);
            final float[] gw = weight.requiresGrad() ? new float[channels] : null;
            if (n > 0) PReluKernel.backward(in.data(), in.offset(), w.data(), w.offset(), gc.data(), gc.offset(), gx, 0, gw, 0, n, channels, inner);
            return new Tensor[] {new Tensor(gx, x.shape()), gw == null ? null : new Tensor(gw, weight.shape())};
        }, x, weight);
    }

    /** PReLU on the GPU: the same layout, {@code [outer, channels, inner]}, with the slopes read there. */
    private static Tensor preluCuda(Tensor x, Tensor in, Tensor weight, Tensor w, int channels, int inner) {
        final int outer = in.numel() == 0 ? 0 : in.numel() / (channels * inner);
        final Tensor out = CudaActivation.preluForward(in, w, outer, channels, inner);
        return Node.record("PReLU", out, g -> CudaActivation.preluBackward(in, w, g.contiguousData(), outer, channels, inner, weight.requiresGrad()), x, weight);
    }
}
