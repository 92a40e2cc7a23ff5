package sau.nn.activation;

import java.util.Locale;
import sau.backend.cpu.SauVariant;
import sau.nn.Module;
import sau.ops.SauOp;
import sau.tensor.Tensor;

/**
 * The SAU activation layer: LeakyReLU[α] smoothed by a Gaussian of sharpness n (Biswas et al.
 * 2021). {@code alpha} starts at 0.15 and is trained; {@code n} is 20000 and fixed, unless the
 * options say otherwise. A trained value is a parameter, a fixed one a buffer, so both are in the
 * state dict under the names {@code alpha} and {@code n}.
 */
public final class SAU extends Module {

    private final Tensor alpha;
    private final Tensor n;
    private final SauVariant variant;

    public SAU() {
        this(SauOptions.defaults());
    }

    public SAU(SauOptions o) {
        final Tensor a = Tensor.full(o.alpha(), Math.max(1, o.channels()));
        final Tensor nn = Tensor.full(o.n(), 1);
        alpha = o.trainableAlpha() ? registerParameter("alpha", a) : registerBuffer("alpha", a);
        n = o.trainableN() ? registerParameter("n", nn) : registerBuffer("n", nn);
        variant = switch (o.variant()) {
            case "paper" -> SauVariant.PAPER;
            case "exact" -> SauVariant.EXACT;
            case "zero_centred" -> SauVariant.ZERO_CENTRED;
            default -> throw new IllegalArgumentException("SAU: unknown variant " + o.variant());
        };
    }

    public Tensor alpha() {
        return alpha;
    }

    public Tensor n() {
        return n;
    }

    @Override
    public Tensor forward(Tensor x) {
        return SauOp.sau(x, alpha, n, variant);
    }

    @Override
    protected String extraRepr() {
        return String.format(Locale.ROOT, "alpha=%s, n=%s, variant=%s%s", alpha.numel() == 1 ? alpha.item() : "per " + alpha.numel() + " channels",
                n.item(), variant.name().toLowerCase(Locale.ROOT), alpha.requiresGrad() ? "" : ", alpha fixed");
    }
}
