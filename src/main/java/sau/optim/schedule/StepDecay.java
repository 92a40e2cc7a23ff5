package sau.optim.schedule;

/**
 * Multiplies the rate by {@code gamma} every {@code stepSize} epochs (or steps), as PyTorch's
 * {@code StepLR}: {@code lr(t) = baseLr·gamma^⌊t / stepSize⌋}. The classic recipe for ImageNet
 * ResNets is {@code stepSize = 30, gamma = 0.1}.
 */
public record StepDecay(double baseLr, int stepSize, double gamma) implements LrSchedule {

    public StepDecay {
        if (stepSize <= 0) throw new IllegalArgumentException("stepSize must be positive, got " + stepSize);
    }

    @Override
    public double lr(int step) {
        return baseLr * Math.pow(gamma, Math.floorDiv(step, stepSize));
    }
}
