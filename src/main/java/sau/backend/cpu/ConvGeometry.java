package sau.backend.cpu;

/**
 * The sizes of one 2-D convolution over an NCHW batch: input {@code [batch, inChannels, inH, inW]},
 * weight {@code [outChannels, inChannels/groups, kernelH, kernelW]}, output
 * {@code [batch, outChannels, outH, outW]}.
 *
 * <p>Output pixel {@code (oh, ow)} reads the input at rows {@code oh·strideH − padH + ki·dilationH}
 * and columns {@code ow·strideW − padW + kj·dilationW}; positions outside the image read as zero.
 * With groups, the channels are cut into {@code groups} equal slices and output slice g sees only
 * input slice g.
 *
 * <p>The output size is normally {@link #of computed} from the rest; it is a field of its own
 * because a transposed convolution is run as the backward pass of a convolution whose output
 * size is given (the transposed convolution's input), not derived.
 */
public record ConvGeometry(int batch, int inChannels, int inH, int inW, int outChannels, int kernelH, int kernelW,
                           int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups,
                           int outH, int outW) {

    public ConvGeometry {
        if (batch < 0 || inChannels < 1 || inH < 1 || inW < 1 || outChannels < 1 || kernelH < 1 || kernelW < 1
                || strideH < 1 || strideW < 1 || padH < 0 || padW < 0 || dilationH < 1 || dilationW < 1
                || groups < 1 || outH < 1 || outW < 1) {
            throw new IllegalArgumentException("invalid convolution sizes: batch=" + batch + ", channels " + inChannels + "->" + outChannels
                    + ", input " + inH + "x" + inW + ", output " + outH + "x" + outW + ", kernel " + kernelH + "x" + kernelW
                    + ", stride " + strideH + "x" + strideW + ", padding " + padH + "x" + padW
                    + ", dilation " + dilationH + "x" + dilationW + ", groups " + groups);
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("groups=" + groups + " must divide in_channels=" + inChannels + " and out_channels=" + outChannels);
        }
    }

    /** The geometry with the output size of a convolution: {@code ⌊(in + 2·pad − dilation·(k − 1) − 1) / stride⌋ + 1}. */
    public static ConvGeometry of(int batch, int inChannels, int inH, int inW, int outChannels, int kernelH, int kernelW,
                                  int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
        final int outH = outputSize(inH, kernelH, strideH, padH, dilationH);
        final int outW = outputSize(inW, kernelW, strideW, padW, dilationW);
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("convolution output would be empty: input " + inH + "x" + inW + " padded by " + padH + "x" + padW
                    + " is smaller than the dilated kernel " + ((kernelH - 1) * dilationH + 1) + "x" + ((kernelW - 1) * dilationW + 1));
        }
        return new ConvGeometry(batch, inChannels, inH, inW, outChannels, kernelH, kernelW, strideH, strideW,
                padH, padW, dilationH, dilationW, groups, outH, outW);
    }

    /** One spatial dimension of a convolution's output (may be ≤ 0 when the kernel does not fit). */
    public static int outputSize(int in, int kernel, int stride, int pad, int dilation) {
        return Math.floorDiv(in + 2 * pad - dilation * (kernel - 1) - 1, stride) + 1;
    }

    public int inPerGroup() {
        return inChannels / groups;
    }

    public int outPerGroup() {
        return outChannels / groups;
    }

    /** Rows of one group's column matrix, and the length of one weight row: {@code inChannels/groups·kh·kw}. */
    public int colRows() {
        return inPerGroup() * kernelH * kernelW;
    }

    public int inPlane() {
        return inH * inW;
    }

    public int outPlane() {
        return outH * outW;
    }

    public int inputLength() {
        return batch * inChannels * inPlane();
    }

    public int outputLength() {
        return batch * outChannels * outPlane();
    }

    public int weightLength() {
        return outChannels * colRows();
    }

    /** Multiply-adds of the forward pass (each backward pass costs the same). */
    public long macs() {
        return (long) batch * outChannels * outPlane() * colRows();
    }

    /** A 1×1, stride-1, unpadded convolution: each image already is its own column matrix. */
    public boolean isPointwise() {
        return kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0
                && outH == inH && outW == inW;
    }

    /** One filter per channel ({@code groups == inChannels == outChannels}), as in MobileNet. */
    public boolean isDepthwise() {
        return groups == inChannels && outChannels == inChannels;
    }
}
