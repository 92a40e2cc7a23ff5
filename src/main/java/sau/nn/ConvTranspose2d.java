package sau.nn;

import sau.ops.Convolution;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * A transposed 2-D convolution layer (PyTorch's {@code ConvTranspose2d}), the learnable upsampling
 * of segmentation networks: with stride s it makes an image about s times larger, each input
 * pixel adding a scaled copy of the kernel onto the output.
 *
 * <p>The output size is {@code (H − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1};
 * {@code output_padding} resolves the ambiguity that a strided convolution maps several input
 * sizes to the same output size. The weight is {@code [in_channels, out_channels/groups, kh, kw]}
 * (input channels first: it is the weight of the convolution this layer transposes), and PyTorch
 * initialises it, and the bias, exactly as for {@link Conv2d}, with {@code fan_in} computed from
 * that shape ({@code out_channels/groups·kh·kw}).
 */
public final class ConvTranspose2d extends Module {

    private final int inChannels;
    private final int outChannels;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final int[] outputPadding;
    private final int groups;
    private final int[] dilation;
    private final Tensor weight;
    private final Tensor bias;

    /** PyTorch's arguments, in PyTorch's order. */
    public ConvTranspose2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] outputPadding,
                           int groups, boolean bias, int[] dilation, Generator g) {
        ConvArguments.check("ConvTranspose2d", inChannels, outChannels, kernelSize, stride, padding, dilation, groups);
        ConvArguments.checkPair("ConvTranspose2d", "output_padding", outputPadding, 0);
        for (int d = 0; d < 2; d++) {
            if (outputPadding[d] >= stride[d] && outputPadding[d] >= dilation[d]) {
                throw new IllegalArgumentException("ConvTranspose2d: output_padding must be smaller than either stride or dilation, got output_padding="
                        + java.util.Arrays.toString(outputPadding) + ", stride=" + java.util.Arrays.toString(stride) + ", dilation=" + java.util.Arrays.toString(dilation));
            }
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.outputPadding = outputPadding.clone();
        this.groups = groups;
        this.dilation = dilation.clone();
        this.weight = registerParameter("weight", Tensor.zeros(inChannels, outChannels / groups, kernelSize[0], kernelSize[1]));
        Init.kaimingUniform(weight, Math.sqrt(5), Init.FanMode.FAN_IN, Init.Nonlinearity.LEAKY_RELU, g);
        this.bias = bias ? registerParameter("bias", ConvArguments.initBias(weight, outChannels, g)) : null;
    }

    /** A square kernel, the same stride, padding and output padding in both dimensions, one group, dilation 1. */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int outputPadding, boolean bias, Generator g) {
        this(inChannels, outChannels, ConvArguments.pair(kernelSize), ConvArguments.pair(stride), ConvArguments.pair(padding),
                ConvArguments.pair(outputPadding), 1, bias, ConvArguments.pair(1), g);
    }

    /** A square kernel and stride with a bias, no padding: {@code (inChannels, outChannels, 2, 2)} doubles the image size. */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride, Generator g) {
        this(inChannels, outChannels, kernelSize, stride, 0, 0, true, g);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Convolution.convTranspose2d(x, weight, bias, stride, padding, outputPadding, groups, dilation);
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Tensor bias() {
        return bias;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    @Override
    protected String extraRepr() {
        return ConvArguments.repr(inChannels, outChannels, kernelSize, stride, padding, dilation, outputPadding, groups, bias != null);
    }
}
