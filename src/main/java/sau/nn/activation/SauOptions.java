package sau.nn.activation;

import java.util.List;

/**
 * The settings of a SAU activation layer.
 *
 * @param alpha          the initial α (the slope of the LeakyReLU being smoothed); trained by default
 * @param n              the Gaussian's sharpness n; a fixed hyper-parameter by default
 * @param trainableAlpha whether α is a parameter the optimizer trains
 * @param trainableN     whether n is a parameter the optimizer trains
 * @param variant        {@code paper} (equation 3 as printed), {@code exact} (with the factor
 *                       (1 − α) on the first term that the exact convolution has) or
 *                       {@code zero_centred} (first term multiplied by x)
 * @param channels       0 for one α (and n) per layer, else one per channel of that many channels
 */
public record SauOptions(float alpha, float n, boolean trainableAlpha, boolean trainableN, String variant, int channels) {

    public static final List<String> VARIANTS = List.of("paper", "exact", "zero_centred");

    /**
     * What {@code sau(...)} accepts in a spec; {@code per_channel} is another name for
     * {@code channels}. A value without a name is α: {@code sau(0.25)}.
     */
    public static final List<ActivationParameter> PARAMETERS = List.of(
            ActivationParameter.ofFloat("alpha", 0.15f),
            ActivationParameter.ofFloat("n", 20000f),
            ActivationParameter.ofBool("trainable_alpha", true),
            ActivationParameter.ofBool("trainable_n", false),
            ActivationParameter.ofChoice("variant", VARIANTS.toArray(String[]::new)),
            ActivationParameter.ofInt("channels", 0),
            ActivationParameter.ofInt("per_channel", 0));

    public SauOptions {
        if (!Float.isFinite(alpha)) throw new IllegalArgumentException("SAU: alpha must be finite, got " + alpha);
        if (!(n > 0) || !Float.isFinite(n)) throw new IllegalArgumentException("SAU: n must be positive, got " + n);
        if (!VARIANTS.contains(variant)) throw new IllegalArgumentException("SAU: variant must be one of " + String.join(", ", VARIANTS) + ", got '" + variant + "'");
        if (channels < 0) throw new IllegalArgumentException("SAU: channels must be 0 (one α per layer) or a channel count, got " + channels);
    }

    /** The paper's defaults: α = 0.15 trained, n = 20000 fixed, equation (3) as printed, one α per layer. */
    public static SauOptions defaults() {
        return new SauOptions(0.15f, 20000f, true, false, "paper", 0);
    }

    /** The options that {@code args}, checked against {@link #PARAMETERS}, describe. */
    public static SauOptions from(ActivationArguments args) {
        if (args.isGiven("channels") && args.isGiven("per_channel")) {
            throw new IllegalArgumentException(args.activation() + ": give channels or per_channel, not both (they are the same setting)");
        }
        final int channels = args.getInt(args.isGiven("per_channel") ? "per_channel" : "channels");
        return new SauOptions(args.getFloat("alpha"), args.getFloat("n"), args.getBool("trainable_alpha"),
                args.getBool("trainable_n"), args.getString("variant"), channels);
    }

    /** Parses a spec such as {@code sau(alpha=0.25, variant=exact)}; the name must be {@code sau}. */
    public static SauOptions parse(String spec) {
        final ActivationSpec s = ActivationSpec.parse(spec);
        if (!s.name().equals("sau")) throw new IllegalArgumentException("not a SAU spec: '" + spec + "'");
        return from(new ActivationArguments(s, PARAMETERS, "alpha"));
    }
}
