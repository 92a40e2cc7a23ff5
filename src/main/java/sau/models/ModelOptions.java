package sau.models;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A model's options from the config ({@code model.options}), read with defaults and checked:
 * an option the model does not know, or a value of the wrong type, is an error that names it.
 */
public final class ModelOptions {

    private final String model;
    private final Map<String, Object> values;
    private final Set<String> known;

    public ModelOptions(String model, Map<String, Object> values, Set<String> known) {
        this.model = model;
        this.values = values;
        this.known = known;
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new BadModelSpec("options." + key, "unknown option of " + model + "; its options are " + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    public int getInt(String key, int fallback) {
        final Object v = values.get(key);
        if (v == null) return fallback;
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.intValue();
        throw new BadModelSpec("options." + key, v + " is not a whole number");
    }

    public double getDouble(String key, double fallback) {
        final Object v = values.get(key);
        if (v == null) return fallback;
        if (v instanceof Number n) return n.doubleValue();
        throw new BadModelSpec("options." + key, v + " is not a number");
    }

    public boolean getBoolean(String key, boolean fallback) {
        final Object v = values.get(key);
        if (v == null) return fallback;
        if (v instanceof Boolean b) return b;
        throw new BadModelSpec("options." + key, v + " is not true or false");
    }

    public String getString(String key, String fallback) {
        final Object v = values.get(key);
        if (v == null) return fallback;
        if (v instanceof String s) return s;
        throw new BadModelSpec("options." + key, v + " is not a string");
    }

    public List<Integer> getIntList(String key, List<Integer> fallback) {
        final Object v = values.get(key);
        if (v == null) return fallback;
        if (v instanceof List<?> list && list.stream().allMatch(e -> e instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()))) {
            return list.stream().map(e -> ((Number) e).intValue()).toList();
        }
        throw new BadModelSpec("options." + key, v + " is not a list of whole numbers");
    }

    public String model() {
        return model;
    }

    boolean knows(String key) {
        return known.contains(key);
    }
}
