package sau.nn;

import sau.tensor.Generator;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Parameter initialisers, with the definitions of PyTorch's {@code torch.nn.init}.
 *
 * <p>Why initialisation matters: a layer's output variance is its input variance times
 * {@code fan_in·Var(w)}. If that factor is not about 1, activations (and, going backwards,
 * gradients) grow or shrink geometrically with depth. Glorot and Bengio (2010) balance forward
 * and backward by choosing {@code Var(w) = 2/(fan_in + fan_out)} ("Xavier"); He et al. (2015)
 * choose {@code Var(w) = gain²/fan} ("Kaiming"), where the gain makes up for what the
 * non-linearity removes (ReLU zeroes half the signal, hence gain √2).
 *
 * <p>Every method fills a contiguous tensor in place, drawing from the given {@link Generator}
 * in element order, so the same seed always gives the same weights, and returns the tensor.
 */
public final class Init {

    private Init() {}

    /** Whether a Kaiming initialiser preserves the variance of the forward or the backward pass. */
    public enum FanMode { FAN_IN, FAN_OUT }

    /** The non-linearities whose gain {@link #gain} knows, as in {@code torch.nn.init.calculate_gain}. */
    public enum Nonlinearity { LINEAR, CONV, SIGMOID, TANH, RELU, LEAKY_RELU, SELU }

    /** The fans of a weight: how many inputs feed one output, and how many outputs one input feeds. */
    public record Fans(int fanIn, int fanOut) {}

    /**
     * The fans as {@code torch.nn.init._calculate_fan_in_and_fan_out} computes them: for a
     * weight {@code [out, in, k1, k2, ...]} (a linear layer's {@code [out, in]} or a
     * convolution's {@code [out, in/groups, kh, kw]}), {@code fan_in = in·k1·k2·...} and
     * {@code fan_out = out·k1·k2·...}.
     */
    public static Fans fans(int... shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("fan in and fan out need a tensor of at least 2 dimensions, got shape " + Shape.str(shape));
        }
        int receptiveField = 1;
        for (int d = 2; d < shape.length; d++) receptiveField *= shape[d];
        return new Fans(shape[1] * receptiveField, shape[0] * receptiveField);
    }

    public static Fans fans(Tensor t) {
        return fans(t.shape());
    }

    /**
     * The recommended gain for a non-linearity: 1 for linear, convolution and sigmoid, 5/3 for
     * tanh, √2 for ReLU, √(2/(1+a²)) for leaky ReLU with negative slope {@code a}, 3/4 for SELU.
     * {@code param} is used only by leaky ReLU.
     */
    public static double gain(Nonlinearity nonlinearity, double param) {
        return switch (nonlinearity) {
            case LINEAR, CONV, SIGMOID -> 1.0;
            case TANH -> 5.0 / 3.0;
            case RELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> Math.sqrt(2.0 / (1 + param * param));
            case SELU -> 3.0 / 4.0;
        };
    }

    /**
     * He initialisation from U(−bound, bound) with {@code bound = gain·√(3/fan)}, which has
     * standard deviation {@code gain/√fan}. {@code a} is the negative slope of a leaky ReLU.
     * PyTorch's defaults are {@code a = 0, FAN_IN, LEAKY_RELU}.
     */
    public static Tensor kaimingUniform(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, Generator g) {
        final double bound = Math.sqrt(3.0) * kaimingStd(t, a, mode, nonlinearity);
        return uniform(t, -bound, bound, g);
    }

    /** He initialisation from N(0, std²) with {@code std = gain/√fan}. */
    public static Tensor kaimingNormal(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, Generator g) {
        return normal(t, 0.0, kaimingStd(t, a, mode, nonlinearity), g);
    }

    private static double kaimingStd(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity) {
        final Fans f = fans(t);
        final int fan = mode == FanMode.FAN_IN ? f.fanIn() : f.fanOut();
        if (fan == 0) throw new IllegalArgumentException("cannot initialise a tensor with zero elements: shape " + Shape.str(t.shape()));
        return gain(nonlinearity, a) / Math.sqrt(fan);
    }

    /** Glorot initialisation from U(−b, b) with {@code b = gain·√(6/(fan_in + fan_out))}. */
    public static Tensor xavierUniform(Tensor t, double gain, Generator g) {
        final double bound = Math.sqrt(3.0) * xavierStd(t, gain);
        return uniform(t, -bound, bound, g);
    }

    /** Glorot initialisation from N(0, std²) with {@code std = gain·√(2/(fan_in + fan_out))}. */
    public static Tensor xavierNormal(Tensor t, double gain, Generator g) {
        return normal(t, 0.0, xavierStd(t, gain), g);
    }

    private static double xavierStd(Tensor t, double gain) {
        final Fans f = fans(t);
        return gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut()));
    }

    /** U(a, b): each element is {@code a + (b − a)·u} with u uniform in [0, 1). */
    public static Tensor uniform(Tensor t, double a, double b, Generator g) {
        final float[] d = target(t);
        final int start = t.offset(), end = start + t.numel();
        for (int i = start; i < end; i++) d[i] = (float) (a + (b - a) * g.nextFloat());
        return t;
    }

    /** N(mean, std²). */
    public static Tensor normal(Tensor t, double mean, double std, Generator g) {
        final float[] d = target(t);
        final int start = t.offset(), end = start + t.numel();
        for (int i = start; i < end; i++) d[i] = (float) (mean + std * g.nextGaussian());
        return t;
    }

    public static Tensor constant(Tensor t, double value) {
        final float[] d = target(t);
        java.util.Arrays.fill(d, t.offset(), t.offset() + t.numel(), (float) value);
        return t;
    }

    public static Tensor zeros(Tensor t) {
        return constant(t, 0.0);
    }

    public static Tensor ones(Tensor t) {
        return constant(t, 1.0);
    }

    /** The array to write; initialisers write the elements in order, so the tensor must be contiguous. */
    private static float[] target(Tensor t) {
        if (!t.isContiguous()) throw new IllegalArgumentException("initialisers fill contiguous tensors in place; got strides " + Shape.str(t.strides()) + " for shape " + Shape.str(t.shape()));
        return t.data();
    }
}
