package sau.backend.cpu;

import sau.tensor.Generator;
import sau.tensor.Arena;

/**
 * The random mask of inverted dropout: each element is kept with probability {@code 1 − p} and
 * then holds {@code 1/(1 − p)}, or is dropped and holds 0. Multiplying by the mask therefore
 * leaves the expected value of every element unchanged, which is why evaluation (no dropout)
 * needs no rescaling.
 *
 * <p>Element i gets the i-th of the next {@link Generator#nextFloat()} draws, so a seeded
 * generator reproduces the same masks run after run (and after a checkpoint restore), whatever
 * the number of threads that fill them ({@link Generator#floatAt}).
 */
public final class DropoutMask {

    private DropoutMask() {}

    /** A mask of {@code n} elements; {@code p = 1} drops everything. */
    public static float[] sample(int n, float p, Generator g) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        if (p == 1) return Arena.floats(n);
        final float[] mask = Arena.uninitialized(n);
        final float keep = 1 / (1 - p);
        final long start = g.skip(n);
        // u is uniform in [0, 1), so u >= p happens with probability exactly 1 − p
        Parallel.forRange(n, Elementwise.GRAIN, (first, last) -> {
            for (int i = first; i < last; i++) mask[i] = Generator.floatAt(start, i) >= p ? keep : 0f;
        });
        return mask;
    }
}
