package sau.bench;

import java.util.SplittableRandom;

/** Benchmark inputs: uniform in [−1, 1) from a seeded generator, so every run times the same data. */
final class RandomInputs {

    private RandomInputs() {}

    static float[] uniform(SplittableRandom rng, int size) {
        final float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }
}
