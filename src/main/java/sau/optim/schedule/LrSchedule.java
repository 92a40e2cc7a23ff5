package sau.optim.schedule;

import sau.optim.Optimizer;

/**
 * A learning rate as a function of the step (or epoch) index.
 *
 * <p>Schedules are pure functions of the index: they hold no counter and no memory of past
 * calls. Resuming a run from a checkpoint therefore needs only the index at which it stopped,
 * and asking for the rate of any step, in any order, always gives the same answer. Whether the
 * index counts optimizer steps or epochs is the caller's choice; the training loop calls
 * {@link #apply} before each optimizer step (or at the start of each epoch).
 */
@FunctionalInterface
public interface LrSchedule {

    /** The learning rate at index {@code step} (0 for the first step or epoch). */
    double lr(int step);

    /** Sets the optimizer's learning rate to this schedule's value at {@code step}. */
    default void apply(Optimizer optimizer, int step) {
        optimizer.setLr(lr(step));
    }
}
