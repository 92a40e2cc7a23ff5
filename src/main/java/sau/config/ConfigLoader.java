package sau.config;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads a JSON config into a {@link TrainConfig}: parse, apply {@code --set} overrides, bind,
 * validate. Every error is a {@link ConfigError} whose message names the file, the field's
 * dotted path and what would be accepted, never a bare Jackson stack trace.
 */
public final class ConfigLoader {

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private ConfigLoader() {}

    /** Reads {@code file} and applies {@code overrides}, each {@code dotted.path=value}. */
    public static TrainConfig load(Path file, List<String> overrides) {
        final String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigError(file + ": no such config file (the configs that ship are in configs/)");
        } catch (IOException e) {
            throw new ConfigError(file + ": cannot read: " + e.getMessage());
        }
        return parse(text, file.toString(), overrides);
    }

    /** Parses config text; {@code source} names it in error messages. */
    public static TrainConfig parse(String text, String source, List<String> overrides) {
        final JsonNode tree;
        try {
            tree = JSON.readTree(text);
        } catch (JsonParseException e) {
            throw new ConfigError(source + ": malformed JSON at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ConfigError(source + ": malformed JSON: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) throw new ConfigError(source + ": a config is a JSON object { ... }");
        for (String o : overrides) applyOverride((ObjectNode) tree, o, source);
        final TrainConfig config;
        try {
            config = JSON.treeToValue(tree, TrainConfig.class);
        } catch (UnrecognizedPropertyException e) {
            final String known = e.getKnownPropertyIds() == null ? "" : sorted(e.getKnownPropertyIds());
            throw new ConfigError(source + ": " + path(e) + ": unknown field; the fields here are " + known);
        } catch (InvalidFormatException e) {
            throw new ConfigError(source + ": " + path(e) + ": " + quote(e.getValue()) + " is not " + typeName(e.getTargetType()));
        } catch (MismatchedInputException e) {
            throw new ConfigError(source + ": " + path(e) + ": expected " + typeName(e.getTargetType()));
        } catch (JsonProcessingException e) {
            throw new ConfigError(source + ": " + e.getOriginalMessage());
        }
        Validation.check(config, source);
        return config;
    }

    /** The config as indented JSON, with every default filled in: what a run folder records. */
    public static String toJson(TrainConfig config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sets {@code a.b.c=value} in the tree. The value is read as JSON when it parses as JSON
     * (numbers, booleans, lists, objects) and as a string otherwise, so {@code --set
     * model.activation=sau(n=1)} needs no quotes.
     */
    static void applyOverride(ObjectNode root, String override, String source) {
        final int eq = override.indexOf('=');
        if (eq <= 0) throw new ConfigError("--set " + override + ": expected key=value, e.g. --set optimizer.lr=0.05");
        final String[] keys = override.substring(0, eq).split("\\.");
        final String raw = override.substring(eq + 1);
        JsonNode value;
        try {
            value = JSON.readTree(raw);
            if (value == null || value.isMissingNode()) value = JSON.getNodeFactory().textNode(raw);
        } catch (JsonProcessingException e) {
            value = JSON.getNodeFactory().textNode(raw);
        }
        ObjectNode node = root;
        for (int i = 0; i < keys.length - 1; i++) {
            final JsonNode child = node.get(keys[i]);
            if (child == null || child.isNull()) node = node.putObject(keys[i]);
            else if (child.isObject()) node = (ObjectNode) child;
            else throw new ConfigError(source + ": --set " + override + ": " + String.join(".", List.of(keys).subList(0, i + 1)) + " is not an object");
        }
        node.set(keys[keys.length - 1], value);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String sorted(Collection<Object> ids) {
        final Set<String> s = new TreeSet<>();
        ids.forEach(i -> s.add(String.valueOf(i)));
        return String.join(", ", s);
    }

    private static String quote(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
    }

    private static String typeName(Class<?> t) {
        if (t == null) return "a value of another type";
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) return "a whole number";
        if (t == Double.class || t == Float.class || t == double.class || t == float.class) return "a number";
        if (t == Boolean.class || t == boolean.class) return "true or false";
        if (t == String.class) return "a string";
        if (List.class.isAssignableFrom(t)) return "a list [...]";
        return "an object {...}";
    }
}
