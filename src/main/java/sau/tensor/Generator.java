package sau.tensor;

/**
 * A seeded, reproducible source of random numbers (SplitMix64).
 *
 * <p>Its whole state is one {@code long} counter, so a checkpoint can save it and a resumed run
 * draws exactly the numbers an uninterrupted run would have drawn. {@link java.util.Random} and
 * {@link java.util.SplittableRandom} do not expose their state, which is why sau has its own.
 */
public final class Generator {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;
    /** Box–Muller makes normals in pairs; the second one waits here. */
    private double spareNormal = Double.NaN;

    public Generator(long seed) {
        this.state = seed;
    }

    /** The state to save in a checkpoint. */
    public State state() {
        return new State(state, spareNormal);
    }

    public void restore(State s) {
        state = s.counter();
        spareNormal = s.spareNormal();
    }

    /** Everything needed to continue the sequence exactly. */
    public record State(long counter, double spareNormal) {}

    public long nextLong() {
        return mix(state += GOLDEN_GAMMA);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Moves past the next {@code n} draws at once and returns where they start, for
     * {@link #floatAt}. The counter only ever adds a constant, so draw i is known without drawing
     * the ones before it: several threads can fill one array with the same numbers, in the same
     * places, as a loop of {@link #nextFloat} would.
     */
    public long skip(long n) {
        final long start = state;
        state += n * GOLDEN_GAMMA;
        return start;
    }

    /** What {@link #nextFloat} returns as draw {@code i} (from 0) after the counter {@code start} that {@link #skip} returned. */
    public static float floatAt(long start, long i) {
        return unitFloat(mix(start + (i + 1) * GOLDEN_GAMMA));
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        return (int) ((nextLong() >>> 33) % bound);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, 1) with 24 random bits, so every value is exactly a float. */
    public float nextFloat() {
        return unitFloat(nextLong());
    }

    /** The top 24 bits of a draw as a float in [0, 1). */
    private static float unitFloat(long draw) {
        return (draw >>> 40) * 0x1.0p-24f;
    }

    /** Standard normal, by the Box–Muller transform. */
    public double nextGaussian() {
        if (!Double.isNaN(spareNormal)) {
            final double s = spareNormal;
            spareNormal = Double.NaN;
            return s;
        }
        final double u1 = 1.0 - nextDouble(); // in (0, 1], so log is finite
        final double u2 = nextDouble();
        final double r = Math.sqrt(-2.0 * Math.log(u1));
        spareNormal = r * Math.sin(2 * Math.PI * u2);
        return r * Math.cos(2 * Math.PI * u2);
    }

    /** Shuffles {@code 0 .. n-1} (Fisher–Yates). */
    public int[] permutation(int n) {
        final int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            final int j = nextInt(i + 1);
            final int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
