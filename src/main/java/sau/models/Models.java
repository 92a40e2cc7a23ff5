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
        REGISTRY.put("vgg", new Entry("VGG with batch norm (options: depth 11|13|16|19, head cifar|imagenet, width, dropout)",
                Set.of("depth", "head", "width", "dropout"),
                c -> new VGG(VGG.layout(c.options().getInt("depth", 16)), c.inputShape()[0], c.numClasses(), imagenetHead(c.options()),
                        positive(c.options(), "width", 1.0), (float) c.options().getDouble("dropout", 0.5), c.activation(), c.generator())));
        REGISTRY.put("shufflenet_v2", new Entry("ShuffleNet V2 (options: width 0.5|1.0|1.5|2.0, stem cifar|imagenet)",
                Set.of("width", "stem"),
                c -> new ShuffleNetV2(c.options().getDouble("width", 1.0), c.inputShape()[0], c.numClasses(), cifarStem(c.options()),
                        c.activation(), c.generator())));
        REGISTRY.put("ssd300", new Entry("SSD300 detector; classes include the background (options: backbone vgg16|vgg16_bn, width)",
                Set.of("backbone", "width"),
                c -> new SSD300(squareSide(c.inputShape()), c.numClasses(), batchNormBackbone(c.options()), positive(c.options(), "width", 1.0),
                        c.activation(), c.generator())));
        REGISTRY.put("transformer", new Entry("encoder-decoder Transformer for translation; vocabulary from the data, padding id 0 "
                + "(options: d_model, nhead, num_encoder_layers, num_decoder_layers, dim_feedforward, dropout, norm_first, share_embeddings, tie_output, max_len)",
                TransformerOptions.KEYS,
                c -> new Transformer(TransformerOptions.from(c.options()), c.numClasses(), c.numClasses(), 0, c.activation(), c.generator())));
    }

    private static boolean batchNormBackbone(ModelOptions o) {
        return switch (o.getString("backbone", "vgg16")) {
            case "vgg16" -> false;
            case "vgg16_bn" -> true;
            default -> throw new BadModelSpec("options.backbone", "\"" + o.getString("backbone", "") + "\" is not one of vgg16, vgg16_bn");
        };
    }

    private static int squareSide(int[] inputShape) {
        if (inputShape.length != 3 || inputShape[0] != 3 || inputShape[1] != inputShape[2]) {
            throw new BadModelSpec("name", "ssd300 takes square colour images [3, S, S], got " + java.util.Arrays.toString(inputShape));
        }
        return inputShape[1];
    }

    private static boolean imagenetHead(ModelOptions o) {
        return switch (o.getString("head", "cifar")) {
            case "cifar" -> false;
            case "imagenet" -> true;
            default -> throw new BadModelSpec("options.head", "\"" + o.getString("head", "") + "\" is not one of cifar, imagenet");
        };
    }

    private static boolean cifarStem(ModelOptions o) {
        return switch (o.getString("stem", "cifar")) {
            case "cifar" -> true;
            case "imagenet" -> false;
            default -> throw new BadModelSpec("options.stem", "\"" + o.getString("stem", "") + "\" is not one of cifar, imagenet");
        };
    }

    private static double positive(ModelOptions o, String key, double fallback) {
        final double v = o.getDouble(key, fallback);
        if (!(v > 0)) throw new BadModelSpec("options." + key, "must be positive, got " + v);
        return v;
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
