package sau.optim.schedule;

/**
 * Cosine annealing (Loshchilov and Hutter, 2017, without restarts), with an optional linear
 * warm-up.
 *
 * <p>During the first {@code warmupSteps} steps the rate rises linearly from
 * {@code warmupStartFactor·baseLr} (0 by default) towards {@code baseLr}, as PyTorch's
 * {@code LinearLR}: {@code lr(t) = baseLr·(f + (1 − f)·t/warmupSteps)}. Large batches and
 * adaptive optimizers often diverge without it, because early gradients are large and noisy.
 * Then the rate follows half a cosine from {@code baseLr} down to {@code etaMin}, reached at
 * step {@code tMax}, and stays there:
 * <pre>
 *   lr(t) = etaMin + (baseLr − etaMin)·(1 + cos(π·(t − w)/(tMax − w)))/2,   w = warmupSteps
 * </pre>
 * {@code tMax} counts the warm-up too, so it is simply the total number of steps (or epochs).
 * With no warm-up this is PyTorch's {@code CosineAnnealingLR} for {@code t ≤ tMax}.
 */
public record CosineAnnealing(double baseLr, int tMax, double etaMin, int warmupSteps, double warmupStartFactor) implements LrSchedule {

    public CosineAnnealing {
        if (warmupSteps < 0 || tMax <= warmupSteps) {
            throw new IllegalArgumentException("need 0 <= warmupSteps < tMax, got warmupSteps=" + warmupSteps + ", tMax=" + tMax);
        }
        if (!(warmupStartFactor >= 0 && warmupStartFactor <= 1)) throw new IllegalArgumentException("warmupStartFactor must be in [0, 1], got " + warmupStartFactor);
    }

    /** Warm-up from 0. */
    public CosineAnnealing(double baseLr, int tMax, double etaMin, int warmupSteps) {
        this(baseLr, tMax, etaMin, warmupSteps, 0.0);
    }

    /** No warm-up. */
    public CosineAnnealing(double baseLr, int tMax, double etaMin) {
        this(baseLr, tMax, etaMin, 0, 0.0);
    }

    @Override
    public double lr(int step) {
        if (step < warmupSteps) return baseLr * (warmupStartFactor + (1 - warmupStartFactor) * step / warmupSteps);
        if (step >= tMax) return etaMin;
        final double progress = (double) (step - warmupSteps) / (tMax - warmupSteps);
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * progress)) / 2;
    }
}
