package sau.optim.schedule;

/**
 * The Transformer's schedule (Vaswani et al., 2017, section 5.3):
 * <pre>
 *   lr(t) = scale·d_model^−0.5·min(t^−0.5, t·warmup^−1.5)
 * </pre>
 * a linear rise for {@code warmupSteps} steps, peaking at {@code scale/√(d_model·warmup)}, then
 * a decay proportional to 1/√t. The paper counts steps from 1 and uses {@code scale = 1}; here
 * {@code lr(0) = 0}, so call it with the 1-based step number (or accept one step at rate 0).
 */
public record InverseSqrtWarmup(int dModel, int warmupSteps, double scale) implements LrSchedule {

    public InverseSqrtWarmup {
        if (dModel <= 0 || warmupSteps <= 0) throw new IllegalArgumentException("dModel and warmupSteps must be positive, got " + dModel + " and " + warmupSteps);
    }

    @Override
    public double lr(int step) {
        if (step <= 0) return 0.0;
        return scale / Math.sqrt(dModel) * Math.min(1 / Math.sqrt(step), step * Math.pow(warmupSteps, -1.5));
    }
}
