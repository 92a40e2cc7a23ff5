package sau.nn.activation;

import sau.backend.cpu.Activation;

/**
 * An activation that is one of the elementwise kernels ({@link Activation}) with its two
 * parameters. Another layer's kernel can then apply it in its own pass over the data instead of
 * a second pass of its own: {@code Sequential} does so for batch norm followed by an activation
 * in evaluation, and by a ReLU in training too (see {@code BatchNorm#forwardThen}). On the CPU that layer's kernel runs
 * {@code ActivationKernels.forwardBody} on what it has just written; on a GPU it applies
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
