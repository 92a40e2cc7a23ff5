package sau.backend.cuda;

import sau.backend.cpu.Activation;
import sau.tensor.Arena;
import sau.tensor.Tensor;

/**
 * The activation functions on the GPU ({@code activation.cu}), with the contracts of
 * {@link sau.backend.cpu.ActivationKernels}, and PReLU (in {@code sau.cu}, which it shares with
 * SAU) with those of {@link sau.backend.cpu.PReluKernel}. All tensors are contiguous and on one GPU.
 */
public final class CudaActivation {

    private CudaActivation() {}

    /** {@code y = f(x)} as a new tensor. */
    public static Tensor forward(Activation f, Tensor x, float p, float q) {
        final Tensor y = Arena.empty(x.device(), x.shape());
        forward(f, x, y, p, q);
        return y;
    }

    /**
     * Writes {@code f(x)} into {@code y} (of x's size); {@code y} may be {@code x} itself, for a
     * kernel that applies an activation to what it has just written (batch norm in evaluation).
     */
    public static void forward(Activation f, Tensor x, Tensor y, float p, float q) {
        CudaDevice.of(x);
        final long n = x.numel();
        launch("activation_forward", n, f.ordinal(), CudaMemory.of(x), CudaMemory.of(y), n, p, q);
    }

    /** {@code gradX = gradY·f'(x)}; {@code y} is the forward output. */
    public static Tensor backward(Activation f, Tensor x, Tensor y, Tensor gradY, float p, float q) {
        CudaDevice.of(x);
        final Tensor gx = Arena.empty(x.device(), x.shape());
        final long n = x.numel();
        launch("activation_backward", n, f.ordinal(), CudaMemory.of(x), CudaMemory.of(y), CudaMemory.of(gradY), CudaMemory.of(gx), n, p, q);
        return gx;
    }

    /** One thread per float4: the kernels loop over the rest. */
    private static void launch(String kernel, long n, Object... args) {
        if (n == 0) return;
        Kernels.function("activation", kernel).launch(CudaElementwise.blocks((n + 3) / 4), 1, 1, CudaElementwise.BLOCK, 1, 1, 0, args);
    }

    /** PReLU's forward: {@code x} for x > 0, {@code w_c·x} otherwise, over {@code [outer, channels, inner]}. */
    public static Tensor preluForward(Tensor x, Tensor weight, int outer, int channels, int inner) {
        CudaDevice.of(x);
        final Tensor y = Arena.empty(x.device(), x.shape());
        if (x.numel() == 0) return y;
        final CudaSau.Layout l = CudaSau.Layout.of(outer, channels, inner);
        Kernels.function("sau", "prelu_forward" + l.suffix()).launch(l.blocks(), 1, 1, CudaSau.BLOCK, 1, 1, 0,
            CudaMemory.of(x), CudaMemory.of(y), CudaMemory.of(weight), l.struct());
        return y;
    }

    /**
     * PReLU's backward: returns {@code {gradX, gradWeight}}, gradX = gradY for x > 0 and
     * {@code w_c·gradY} otherwise, and, when {@code wantWeight}, {@code ∂L/∂w_c = Σ gradY·x} over
     * the elements of channel c with x &lt; 0, shaped like the weight (else null).
     */
    public static Tensor[] preluBackward(Tensor x, Tensor weight, Tensor gradY, int outer, int channels, int inner, boolean wantWeight) {
        CudaDevice.of(x);
        final Tensor gx = Arena.empty(x.device(), x.shape());
        if (x.numel() == 0) return new Tensor[] {gx, wantWeight ? Arena.zeros(x.device(), weight.shape()) : null};
        final CudaSau.Layout l = CudaSau.Layout.of(outer, channels, inner);
        final Tensor partial = Arena.empty(x.device(), l.alphaPartials());
        Kernels.function("sau", "prelu_backward" + l.suffix()).launch(l.blocks(), 1, 1, CudaSau.BLOCK, 1, 1, 0,
            CudaMemory.of(x), CudaMemory.of(gradY), CudaMemory.of(gx), CudaMemory.of(weight), CudaMemory.of(partial), l.struct());
        return new Tensor[] {gx, wantWeight ? l.channelSums(partial, weight.shape(), 1f) : null};
    }
}
