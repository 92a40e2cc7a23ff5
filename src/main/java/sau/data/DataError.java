package sau.data;

/**
 * A problem with a user's data: a missing file, a file that is not what it claims to be, a
 * dataset that does not fit the configuration.
 *
 * <p>Its message is written for the person running {@code bin/sau}, not for a programmer: it
 * names the file and says how to fix the problem, and the command-line tool prints it alone,
 * without a stack trace.
 */
public final class DataError extends RuntimeException {

    public DataError(String message) {
        super(message);
    }

    public DataError(String message, Throwable cause) {
        super(message, cause);
    }
}
