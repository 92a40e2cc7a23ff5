package sau.study;

/** A study that cannot go on as asked (a name clash, a bad list, no launcher for child processes); the message says how to fix it. */
public final class StudyError extends RuntimeException {

    public StudyError(String message) {
        super(message);
    }
}
