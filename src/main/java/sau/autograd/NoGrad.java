package sau.autograd;

/**
 * A scope in which ops record no graph, for evaluation and for optimizer updates:
 * {@code try (var scope = NoGrad.enter()) { ... }}. Scopes nest; the setting is per thread.
 */
public final class NoGrad implements AutoCloseable {

    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private boolean closed;

    private NoGrad() {
        DEPTH.get()[0]++;
    }

    public static NoGrad enter() {
        return new NoGrad();
    }

    /** False inside a no-grad scope. */
    public static boolean gradEnabled() {
        return DEPTH.get()[0] == 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DEPTH.get()[0]--;
        }
    }
}
