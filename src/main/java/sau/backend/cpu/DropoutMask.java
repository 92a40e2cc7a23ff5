package sau.backend.cpu;

import sau.tensor.Generator;
import sau.tensor.Arena;

/**
 * The random mask of inverted dropout: each element is kept with probability {@code 1 − p} and
 * then holds {@code 1/(1 − p)}, or is dropped and holds 0. Multiplying by the mask therefore
 * leaves the expected value of every element unchanged, which is why evaluation (no dropout)
 * needs no rescaling.
 *
 * <p>The draws are sequential, one {@link Generator#nextFloat()} per element in order, so a
 * seeded generator reproduces the same masks run after run (and after a checkpoint restore).
 */
public final class DropoutMask {

    private DropoutMask() {}

    /** A mask of {@code n} elements; {@code p = 1} drops everything. */
    public static float[] sample(int n, float p, Generator g) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        final float[] mask = Arena.floats(n);
        if (p == 1) return mask;
        final float keep = 1 / (1 - p);
        // u is uniform in [0, 1), so u >= p happens with probability exactly 1 − p
        for (int i = 0; i < n; i++) mask[i] = g.nextFloat() >= p ? keep : 0f;
        return mask;
    }
}
