package sau.nn.activation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import sau.nn.Module;

/**
 * Builds an activation module from a spec string, the form configs and the command line use:
 * {@code relu}, {@code leaky_relu(0.1)}, {@code prelu(num_parameters=64, init=0.25)},
 * {@code gelu(approximate=tanh)}, {@code sau(alpha=0.25, variant=exact)}, ... (the syntax is
 * described in {@link ActivationSpec}).
 *
 * <p>Each activation is registered under its name with the parameters it accepts and a builder
 * that turns checked arguments into a module. Errors name what is wrong and list what is valid:
 * the activations for an unknown name, the activation's parameters for an unknown parameter,
 * the expected type for a malformed value.
 *
 * <p>Other activations can be added at run time with {@link #register}.
 */
public final class ActivationFactory {

    /** One registered activation. {@code positional} names the parameter a value without a key stands for, or is null. */
    private record Entry(List<ActivationParameter> parameters, String positional, Function<ActivationArguments, Module> builder) {}

    private static final Map<String, Entry> REGISTRY = new TreeMap<>();

    static {
        register("relu", List.of(), null, args -> new ReLU());
        register("leaky_relu", List.of(ActivationParameter.ofFloat("negative_slope", LeakyReLU.DEFAULT_NEGATIVE_SLOPE)), "negative_slope",
                args -> new LeakyReLU(args.getFloat("negative_slope")));
        register("prelu", List.of(ActivationParameter.ofInt("num_parameters", PReLU.DEFAULT_NUM_PARAMETERS), ActivationParameter.ofFloat("init", PReLU.DEFAULT_INIT)),
                "num_parameters", args -> new PReLU(args.getInt("num_parameters"), args.getFloat("init")));
        register("elu", List.of(ActivationParameter.ofFloat("alpha", ELU.DEFAULT_ALPHA)), "alpha", args -> new ELU(args.getFloat("alpha")));
        register("softplus", List.of(ActivationParameter.ofFloat("beta", Softplus.DEFAULT_BETA), ActivationParameter.ofFloat("threshold", Softplus.DEFAULT_THRESHOLD)),
                null, args -> new Softplus(args.getFloat("beta"), args.getFloat("threshold")));
        register("silu", List.of(), null, args -> new SiLU());
        register("swish", List.of(), null, args -> new SiLU());
        register("gelu", List.of(ActivationParameter.ofChoice("approximate", "none", "tanh")), null, args -> new GELU(args.getString("approximate")));
        register("relu6", List.of(), null, args -> new ReLU6());
        register("mish", List.of(), null, args -> new Mish());
        register("tanh", List.of(), null, args -> new Tanh());
        register("sigmoid", List.of(), null, args -> new Sigmoid());
        register("sau", SauOptions.PARAMETERS, "alpha", args -> new SAU(SauOptions.from(args)));
    }

    private ActivationFactory() {}

    /**
     * Makes {@code name} available, replacing any earlier activation of that name.
     *
     * @param parameters what its spec may set, with their defaults
     * @param positional the parameter that a value without a key stands for, or null
     * @param builder    makes the module from the checked arguments
     */
    public static synchronized void register(String name, List<ActivationParameter> parameters, String positional, Function<ActivationArguments, Module> builder) {
        if (positional != null && parameters.stream().noneMatch(p -> p.name().equals(positional))) {
            throw new IllegalArgumentException(name + ": the positional parameter " + positional + " is not among its parameters");
        }
        REGISTRY.put(name, new Entry(List.copyOf(parameters), positional, builder));
    }

    /** Forgets {@code name}; for tests that register activations of their own. */
    static synchronized void unregister(String name) {
        REGISTRY.remove(name);
    }

    /** The module that {@code spec} describes. */
    public static Module create(String spec) {
        final ActivationSpec s = ActivationSpec.parse(spec);
        final Entry entry;
        synchronized (ActivationFactory.class) {
            entry = REGISTRY.get(s.name());
        }
        if (entry == null) {
            throw new IllegalArgumentException("unknown activation '" + s.name() + "'; valid activations: " + String.join(", ", names()));
        }
        return entry.builder().apply(new ActivationArguments(s, entry.parameters(), entry.positional()));
    }

    /** The names of the available activations, sorted. */
    public static synchronized List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /** One line per activation with its parameters and their defaults, e.g. {@code elu(alpha=1.0)}, for {@code sau info}. */
    public static synchronized List<String> describe() {
        final List<String> lines = new ArrayList<>();
        REGISTRY.forEach((name, entry) -> {
            final List<String> params = entry.parameters().stream().map(ActivationParameter::toString).toList();
            lines.add(params.isEmpty() ? name : name + "(" + String.join(", ", params) + ")");
        });
        return lines;
    }
}
