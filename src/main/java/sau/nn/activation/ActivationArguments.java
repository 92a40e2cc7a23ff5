package sau.nn.activation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of one spec, checked against the parameters its activation declares: every key
 * must be a declared parameter, a positional value is allowed only where the activation names one
 * parameter as positional, and each value must parse as its parameter's type. The getters return
 * the given value or the declared default.
 */
public final class ActivationArguments {

    private final String activation;
    private final Map<String, ActivationParameter> declared = new LinkedHashMap<>();
    private final Map<String, Object> given = new LinkedHashMap<>();

    /**
     * @param positional the parameter a value without a key stands for, or null if none may
     */
    public ActivationArguments(ActivationSpec spec, List<ActivationParameter> parameters, String positional) {
        this.activation = spec.name();
        for (ActivationParameter p : parameters) declared.put(p.name(), p);
        if (!spec.positional().isEmpty()) {
            if (positional == null) {
                throw new IllegalArgumentException(activation + " takes no argument without a name; " + validParameters());
            }
            if (spec.positional().size() > 1) {
                throw new IllegalArgumentException(activation + " takes at most one argument without a name (" + positional + "); " + validParameters());
            }
            if (spec.named().containsKey(positional)) throw new IllegalArgumentException(activation + ": " + positional + " is given twice");
            put(positional, spec.positional().get(0));
        }
        spec.named().forEach((key, value) -> {
            if (!declared.containsKey(key)) throw new IllegalArgumentException(activation + " has no parameter '" + key + "'; " + validParameters());
            put(key, value);
        });
    }

    private void put(String key, String text) {
        given.put(key, declared.get(key).parse(activation, text));
    }

    private String validParameters() {
        if (declared.isEmpty()) return "it takes no parameters";
        return "valid parameters: " + String.join(", ", declared.keySet());
    }

    /** The activation's name, for error messages. */
    public String activation() {
        return activation;
    }

    /** True when the spec gave this parameter (rather than leaving it at its default). */
    public boolean isGiven(String name) {
        return given.containsKey(name);
    }

    public float getFloat(String name) {
        return (Float) value(name, ActivationParameter.Type.FLOAT);
    }

    public int getInt(String name) {
        return (Integer) value(name, ActivationParameter.Type.INT);
    }

    public boolean getBool(String name) {
        return (Boolean) value(name, ActivationParameter.Type.BOOL);
    }

    public String getString(String name) {
        return (String) value(name, ActivationParameter.Type.STRING);
    }

    private Object value(String name, ActivationParameter.Type type) {
        final ActivationParameter p = declared.get(name);
        if (p == null || p.type() != type) throw new IllegalStateException(activation + " declares no " + type + " parameter " + name);
        final Object v = given.get(name);
        return v != null ? v : p.parse(activation, p.defaultValue());
    }
}
