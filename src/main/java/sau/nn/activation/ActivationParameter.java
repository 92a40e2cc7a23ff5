package sau.nn.activation;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One parameter that an activation accepts in a spec string such as {@code elu(alpha=1.0)}: its
 * name, its type, its default (as it would be written in a spec) and, for a string, the values
 * it may take (empty: any).
 */
public record ActivationParameter(String name, Type type, String defaultValue, List<String> allowed) {

    /** What a value must look like. */
    public enum Type {
        FLOAT("a number"), INT("an integer"), BOOL("true or false"), STRING("a word");

        private final String description;

        Type(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    public ActivationParameter {
        allowed = List.copyOf(allowed);
    }

    public static ActivationParameter ofFloat(String name, float defaultValue) {
        return new ActivationParameter(name, Type.FLOAT, Float.toString(defaultValue), List.of());
    }

    public static ActivationParameter ofInt(String name, int defaultValue) {
        return new ActivationParameter(name, Type.INT, Integer.toString(defaultValue), List.of());
    }

    public static ActivationParameter ofBool(String name, boolean defaultValue) {
        return new ActivationParameter(name, Type.BOOL, Boolean.toString(defaultValue), List.of());
    }

    /** A string parameter that must be one of {@code allowed}; the first is the default. */
    public static ActivationParameter ofChoice(String name, String... allowed) {
        return new ActivationParameter(name, Type.STRING, allowed[0], List.of(allowed));
    }

    /**
     * The value written as {@code text}, as a Float, Integer, Boolean or (lower-case) String;
     * a malformed one is an error naming the activation, the parameter and what was expected.
     */
    public Object parse(String activation, String text) {
        final String t = text.trim();
        try {
            return switch (type) {
                case FLOAT -> {
                    // Float.parseFloat alone would also take "NaN", "Infinity", "1f" and hex
                    if (!DECIMAL.matcher(t).matches()) throw new NumberFormatException();
                    final float v = Float.parseFloat(t);
                    if (!Float.isFinite(v)) throw new NumberFormatException();
                    yield v;
                }
                case INT -> Integer.parseInt(t);
                case BOOL -> switch (t.toLowerCase(Locale.ROOT)) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    default -> throw new NumberFormatException();
                };
                case STRING -> {
                    final String v = t.toLowerCase(Locale.ROOT);
                    if (!allowed.isEmpty() && !allowed.contains(v)) throw new NumberFormatException();
                    yield v;
                }
            };
        } catch (NumberFormatException e) {
            final String expected = type == Type.STRING && !allowed.isEmpty() ? "one of " + String.join(", ", allowed) : type.description();
            throw new IllegalArgumentException(activation + ": parameter " + name + " must be " + expected + ", got '" + t + "'");
        }
    }

    /** {@code name=default}, as the activation list shows it. */
    @Override
    public String toString() {
        return name + "=" + defaultValue;
    }
}
