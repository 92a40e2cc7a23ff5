package sau.nn.activation;

import sau.backend.cpu.Activation;

/**
 * An activation that is one of the elementwise kernels ({@link Activation}) with its two
 * parameters. Another layer's kernel can then apply it in its own pass over the data instead of
 * a second pass of its own: {@code Sequential} hands it to the batch norm or convolution before
 * it (see {@code FusesActivation}). On the CPU that layer's kernel runs
 * {@code ActivationKernels.forwardBody} on what it has just written, or the activation runs in
 * place on that layer's output; on a GPU it applies
 * {@code CudaActivation.forward(function(), y, y, p(), q())}, in place on its output.
 */
public interface PointwiseActivation {

    /** The kernel. */
    Activation function();

    /** Its first parameter (the negative slope, ELU's alpha, Softplus's beta), 0 if none. */
    default float p() {
        return 0f;
    }

    /** Its second parameter (Softplus's threshold), 0 if none. */
    default float q() {
        return 0f;
    }
}
