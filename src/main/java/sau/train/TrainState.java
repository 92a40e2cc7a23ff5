package sau.train;

import sau.tensor.Generator;

/**
 * Where a run is, beyond the model and optimizer: what a checkpoint needs so that a resumed
 * run continues with exactly the numbers the uninterrupted one would have produced.
 *
 * @param epoch         the epoch in progress (0-based)
 * @param nextBatch     the first batch of that epoch not yet trained on
 * @param globalStep    optimizer steps taken so far (the schedule's clock)
 * @param rngCounter    the model generator's state (dropout masks), see {@link Generator.State}
 * @param rngSpareBits  its cached normal, as raw double bits (NaN when none)
 * @param lossSum       the epoch's running Σ loss·batch size, so far
 * @param correct1      the epoch's top-1 hits so far
 * @param correct5      the epoch's top-5 hits so far
 * @param seen          the epoch's training images so far
 * @param trainSeconds  the epoch's training time so far
 */
public record TrainState(int epoch, int nextBatch, long globalStep, long rngCounter, long rngSpareBits,
                         double lossSum, long correct1, long correct5, long seen, double trainSeconds) {

    public static TrainState start(Generator rng) {
        return at(0, 0, 0, rng, 0, 0, 0, 0, 0);
    }

    /** The state at a place in training, with the generator's state read from {@code rng}. */
    public static TrainState at(int epoch, int nextBatch, long globalStep, Generator rng, double lossSum, long correct1, long correct5, long seen, double trainSeconds) {
        return new TrainState(epoch, nextBatch, globalStep, rng.state().counter(), Double.doubleToRawLongBits(rng.state().spareNormal()),
                lossSum, correct1, correct5, seen, trainSeconds);
    }

    /** The start of epoch {@code epoch}, after {@code globalStep} steps. */
    public static TrainState epochStart(int epoch, long globalStep, Generator rng) {
        return at(epoch, 0, globalStep, rng, 0, 0, 0, 0, 0);
    }

    public Generator.State rngState() {
        return new Generator.State(rngCounter, Double.longBitsToDouble(rngSpareBits));
    }
}
