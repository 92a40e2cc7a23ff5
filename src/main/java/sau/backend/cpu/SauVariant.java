package sau.backend.cpu;

/**
 * Which form of the SAU activation to compute. All three share the smooth LeakyReLU part
 * {@code (1+α)/2·x + (1−α)/2·x·erf(n·x/√2)}; they differ in the Gaussian first term
 * {@code A = (1/(2n))·sqrt(2/π)·exp(−n²x²/2)}.
 */
public enum SauVariant {
    /** The paper's equation (3): {@code G = A + …}. */
    PAPER,
    /** The true convolution of LeakyReLU[α] with the Gaussian φ_n: {@code G = (1−α)·A + …}. */
    EXACT,
    /** The zero-centred form the paper mentions: {@code G = x·A + …}, so that G(0) = 0. */
    ZERO_CENTRED
}
