package sau.models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import sau.nn.Module;
import sau.nn.activation.ActivationFactory;
import sau.tensor.Generator;

/** The models a config can name, each built from its options, the data's shape and the activation spec. */
public final class Models {

    /** What a model builder gets: the data it will see, its options, and how to make activations. */
    public record Context(int[] inputShape, int numClasses, Supplier<Module> activation, ModelOptions options, Generator generator) {}

    private record Entry(String description, Set<String> options, java.util.function.Function<Context, Module> builder) {}

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("mlp", new Entry("multi-layer perceptron (options: hidden, dropout)", Set.of("hidden", "dropout"),
                c -> new MLP(product(c.inputShape()), c.options().getIntList("hidden", List.of(512, 512)), c.numClasses(),
                        c.activation(), (float) c.options().getDouble("dropout", 0), c.generator())));
    }

    private Models() {}

    /** The registered names with one-line descriptions, for {@code bin/sau info}. */
    public static Map<String, String> descriptions() {
        final Map<String, String> out = new LinkedHashMap<>();
        REGISTRY.forEach((k, v) -> out.put(k, v.description()));
        return out;
    }

    /**
     * Builds model {@code name}. A bad name, option or activation spec is a {@link BadModelSpec}
     * that says which field, for the caller to place in context.
     */
    public static Module create(String name, String activationSpec, Map<String, Object> options, int[] inputShape, int numClasses, Generator g) {
        final Entry e = REGISTRY.get(name);
        if (e == null) throw new BadModelSpec("name", "\"" + name + "\" is not one of " + String.join(", ", REGISTRY.keySet()));
        final ModelOptions opts = new ModelOptions(name, options, e.options());
        try {
            ActivationFactory.create(activationSpec); // fail early, with the spec's own message
        } catch (IllegalArgumentException bad) {
            throw new BadModelSpec("activation", bad.getMessage());
        }
        return e.builder().apply(new Context(inputShape, numClasses, () -> ActivationFactory.create(activationSpec), opts, g));
    }

    static int product(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }
}
