package sau.nn.activation;

import sau.backend.cpu.Activation;

/**
 * An activation that is one of the elementwise CPU kernels ({@link Activation}) with its two
 * parameters. Another layer's kernel can then apply it in its own pass over the data instead of
 * a second pass of its own: {@code Sequential} does so for batch norm followed by an activation
 * in evaluation (see {@code BatchNorm#forwardThen}).
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
