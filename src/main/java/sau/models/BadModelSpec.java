package sau.models;

/** A model that cannot be built as configured; {@link #field()} says which part of {@code model} is wrong. */
public final class BadModelSpec extends IllegalArgumentException {

    private final String field;

    public BadModelSpec(String field, String message) {
        super(message);
        this.field = field;
    }

    /** {@code name}, {@code activation} or {@code options.<key>}. */
    public String field() {
        return field;
    }
}
