package sau.nn.activation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A parsed activation spec: {@code name} or {@code name(arguments)}, where the arguments are
 * {@code key=value} pairs separated by commas, optionally preceded by one value without a key
 * (a positional argument), e.g. {@code leaky_relu(0.1)} or {@code prelu(num_parameters=64, init=0.25)}.
 * Names and keys are case-insensitive; values may be quoted ({@code approximate='tanh'}).
 * This class only reads the syntax; {@link ActivationArguments} checks the arguments against
 * what the activation accepts.
 */
public record ActivationSpec(String name, List<String> positional, Map<String, String> named) {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    public ActivationSpec {
        positional = List.copyOf(positional);
        named = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(named));
    }

    public static ActivationSpec parse(String spec) {
        final String s = spec.trim();
        final int open = s.indexOf('(');
        final String name = (open < 0 ? s : s.substring(0, open)).trim().toLowerCase(Locale.ROOT);
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("activation spec '" + spec + "': expected a name such as relu or leaky_relu(0.1)");
        }
        final List<String> positional = new ArrayList<>();
        final Map<String, String> named = new LinkedHashMap<>();
        if (open < 0) return new ActivationSpec(name, positional, named);
        if (!s.endsWith(")") || s.indexOf('(', open + 1) >= 0 || s.indexOf(')') != s.length() - 1) {
            throw new IllegalArgumentException("activation spec '" + spec + "': expected name(key=value, ...) with one pair of parentheses");
        }
        final String inside = s.substring(open + 1, s.length() - 1).trim();
        if (inside.isEmpty()) return new ActivationSpec(name, positional, named);
        for (String part : inside.split(",", -1)) {
            final String arg = part.trim();
            final int eq = arg.indexOf('=');
            if (eq < 0) {
                if (!named.isEmpty()) throw new IllegalArgumentException("activation spec '" + spec + "': a value without a name ('" + arg + "') must come first");
                positional.add(value(spec, arg));
                continue;
            }
            final String key = arg.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (!IDENTIFIER.matcher(key).matches()) throw new IllegalArgumentException("activation spec '" + spec + "': '" + arg + "' is not key=value");
            if (named.put(key, value(spec, arg.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("activation spec '" + spec + "': " + key + " is given twice");
            }
        }
        return new ActivationSpec(name, positional, named);
    }

    /** A value with surrounding whitespace and quotes removed; empty is an error. */
    private static String value(String spec, String raw) {
        String v = raw.trim();
        if (v.length() >= 2 && (v.charAt(0) == '\'' || v.charAt(0) == '"') && v.charAt(v.length() - 1) == v.charAt(0)) {
            v = v.substring(1, v.length() - 1).trim();
        }
        if (v.isEmpty()) throw new IllegalArgumentException("activation spec '" + spec + "': an argument has no value");
        return v;
    }
}
