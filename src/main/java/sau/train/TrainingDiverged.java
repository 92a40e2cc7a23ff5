package sau.train;

/** The loss became NaN or infinite: training stops, and the message says where and what to try. */
public final class TrainingDiverged extends RuntimeException {

    public TrainingDiverged(String message) {
        super(message);
    }
}
