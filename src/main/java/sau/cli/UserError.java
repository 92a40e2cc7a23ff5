package sau.cli;

/**
 * A mistake the user can fix (a bad flag, a missing file, a malformed config). The CLI prints
 * its message alone, without a stack trace, and exits with status 2.
 */
public final class UserError extends RuntimeException {

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
