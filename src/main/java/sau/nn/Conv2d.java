package sau.nn;

import sau.backend.cpu.Activation;
import sau.nn.activation.PointwiseActivation;
import sau.ops.Convolution;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * A 2-D convolution layer over {@code [N, C, H, W]} batches, with PyTorch's arguments, parameter
 * names and default initialisation, so checkpoints are interchangeable.
 *
 * <p>The weight is {@code [out_channels, in_channels/groups, kh, kw]}: one filter per output
 * channel, seeing only its group's slice of the input channels ({@code groups = in_channels =
 * out_channels} is a depthwise convolution). The initialisation is {@code kaiming_uniform(a=√5)},
 * which works out to U(−1/√fan_in, 1/√fan_in) with {@code fan_in = in_channels/groups·kh·kw}, and
 * the bias is drawn from the same range.
 */
public final class Conv2d extends Module implements FusesActivation {

    private final int inChannels;
    private final int outChannels;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final int groups;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * @param kernelSize {@code {kh, kw}}
     * @param stride     {@code {sh, sw}}
     * @param padding    {@code {ph, pw}}: zeros on both sides
     * @param dilation   {@code {dh, dw}}: spacing between kernel taps
     * @param groups     must divide both channel counts
     */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation, int groups,
                  boolean bias, Generator g) {
        ConvArguments.check("Conv2d", inChannels, outChannels, kernelSize, stride, padding, dilation, groups);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.groups = groups;
        this.weight = registerParameter("weight", Tensor.zeros(outChannels, inChannels / groups, kernelSize[0], kernelSize[1]));
        Init.kaimingUniform(weight, Math.sqrt(5), Init.FanMode.FAN_IN, Init.Nonlinearity.LEAKY_RELU, g);
        this.bias = bias ? registerParameter("bias", ConvArguments.initBias(weight, outChannels, g)) : null;
    }

    /** A square kernel with the same stride and padding in both dimensions, dilation 1, one group. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, boolean bias, Generator g) {
        this(inChannels, outChannels, ConvArguments.pair(kernelSize), ConvArguments.pair(stride), ConvArguments.pair(padding),
                ConvArguments.pair(1), 1, bias, g);
    }

    /** A square kernel, stride 1, no padding, with a bias. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, Generator g) {
        this(inChannels, outChannels, kernelSize, 1, 0, true, g);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Convolution.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    /** A ReLU after the convolution is applied in place on its output ({@code Convolution.conv2dRelu}). */
    @Override
    public Tensor forwardThen(Tensor x, PointwiseActivation then) {
        if (then.function() != Activation.RELU) return ((Module) then).forward(forward(x));
        return Convolution.conv2dRelu(x, weight, bias, stride, padding, dilation, groups);
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

    public int[] kernelSize() {
        return kernelSize.clone();
    }

    public int[] stride() {
        return stride.clone();
    }

    public int[] padding() {
        return padding.clone();
    }

    public int[] dilation() {
        return dilation.clone();
    }

    public int groups() {
        return groups;
    }

    @Override
    protected String extraRepr() {
        return ConvArguments.repr(inChannels, outChannels, kernelSize, stride, padding, dilation, null, groups, bias != null);
    }
}
