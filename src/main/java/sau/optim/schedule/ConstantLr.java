package sau.optim.schedule;

/** The same learning rate at every step. */
public record ConstantLr(double baseLr) implements LrSchedule {

    @Override
    public double lr(int step) {
        return baseLr;
    }
}
