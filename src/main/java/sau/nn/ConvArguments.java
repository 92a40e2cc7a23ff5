package sau.nn;

import sau.tensor.Generator;
import sau.tensor.Tensor;

/** What {@link Conv2d} and {@link ConvTranspose2d} share: argument checks, the bias initialiser and the printed form. */
final class ConvArguments {

    private ConvArguments() {}

    /** {@code {v, v}}: PyTorch accepts one int for both spatial dimensions. */
    static int[] pair(int v) {
        return new int[] {v, v};
    }

    static void check(String layer, int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation, int groups) {
        if (inChannels < 1 || outChannels < 1) {
            throw new IllegalArgumentException(layer + " needs positive channel counts, got in_channels=" + inChannels + ", out_channels=" + outChannels);
        }
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(layer + ": groups=" + groups + " must be positive and divide in_channels=" + inChannels + " and out_channels=" + outChannels);
        }
        checkPair(layer, "kernel_size", kernelSize, 1);
        checkPair(layer, "stride", stride, 1);
        checkPair(layer, "padding", padding, 0);
        checkPair(layer, "dilation", dilation, 1);
    }

    static void checkPair(String layer, String name, int[] v, int min) {
        if (v == null || v.length != 2 || v[0] < min || v[1] < min) {
            throw new IllegalArgumentException(layer + ": " + name + " needs 2 values of at least " + min + ", got " + (v == null ? "null" : java.util.Arrays.toString(v)));
        }
    }

    /** PyTorch's default bias: U(−1/√fan_in, 1/√fan_in), fan_in computed from the weight's shape. */
    static Tensor initBias(Tensor weight, int channels, Generator g) {
        final double bound = 1 / Math.sqrt(Init.fans(weight).fanIn());
        return Init.uniform(Tensor.zeros(channels), -bound, bound, g);
    }

    /** PyTorch's {@code extra_repr}: settings at their defaults are left out. */
    static String repr(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
                       int[] outputPadding, int groups, boolean bias) {
        final StringBuilder sb = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(tuple(kernelSize)).append(", stride=").append(tuple(stride));
        if (padding[0] != 0 || padding[1] != 0) sb.append(", padding=").append(tuple(padding));
        if (dilation[0] != 1 || dilation[1] != 1) sb.append(", dilation=").append(tuple(dilation));
        if (outputPadding != null && (outputPadding[0] != 0 || outputPadding[1] != 0)) sb.append(", output_padding=").append(tuple(outputPadding));
        if (groups != 1) sb.append(", groups=").append(groups);
        if (!bias) sb.append(", bias=False");
        return sb.toString();
    }

    private static String tuple(int[] v) {
        return "(" + v[0] + ", " + v[1] + ")";
    }
}
