package sau.backend.cpu;

/**
 * The pointwise activation functions that {@link ActivationKernels} computes. Some take up to
 * two parameters, passed to the kernels as {@code p} and {@code q}:
 * {@code LEAKY_RELU} its negative slope {@code p}, {@code ELU} its α {@code p},
 * {@code SOFTPLUS} its β {@code p} and threshold {@code q}. The others ignore both.
 *
 * <p>PReLU is not here: its slope is a tensor, not a number, and it has a kernel of its own.
 */
public enum Activation {
    RELU("ReLU", false),
    LEAKY_RELU("LeakyReLU", false),
    ELU("ELU", true),
    SOFTPLUS("Softplus", false),
    SILU("SiLU", false),
    GELU("GELU", false),
    GELU_TANH("GELU(tanh)", false),
    RELU6("ReLU6", false),
    MISH("Mish", false),
    TANH("Tanh", true),
    SIGMOID("Sigmoid", true);

    private final String label;
    private final boolean backwardReadsOutput;

    Activation(String label, boolean backwardReadsOutput) {
        this.label = label;
        this.backwardReadsOutput = backwardReadsOutput;
    }

    /** The name an autograd node of this activation carries, e.g. {@code LeakyReLU}. */
    public String label() {
        return label;
    }

    /**
     * True when the backward kernel reads the forward output {@code y} (tanh: 1 − y², sigmoid:
     * y(1 − y), ELU: y + α), which saves recomputing an exponential; the others read only x.
     */
    public boolean backwardReadsOutput() {
        return backwardReadsOutput;
    }
}
