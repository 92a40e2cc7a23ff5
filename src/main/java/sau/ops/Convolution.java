package sau.ops;

import sau.autograd.Node;
import sau.backend.cpu.Activation;
import sau.backend.cpu.Conv2dKernel;
import sau.backend.cpu.ConvGeometry;
import sau.backend.Devices;
import sau.backend.cuda.CudaConv;
import sau.tensor.Shape;
import sau.tensor.Tensor;
import sau.tensor.Arena;

/**
 * 2-D convolution and transposed convolution on NCHW tensors, with PyTorch's semantics
 * ({@code torch.nn.functional.conv2d} and {@code conv_transpose2d}).
 *
 * <p>The two are adjoints of each other. A convolution is a linear map {@code x ↦ y = A_w·x};
 * its input gradient is {@code A_wᵀ·dy}, and a transposed convolution is exactly that map
 * {@code x ↦ A_wᵀ·x}, with the same weight. So the transposed convolution's forward pass is the
 * convolution's backward-data kernel, and its backward-data is the convolution's forward
 * kernel; both share the weight-gradient kernel with the roles of input and output swapped. The
 * kernels live in {@link Conv2dKernel}, and in {@link CudaConv} for GPU tensors; the formulas are
 * written above each backward.
 *
 * <p>Inputs must be 4-D (batched); the gradients these ops return are not themselves
 * differentiable (no double backward).
 */
public final class Convolution {

    private Convolution() {}

    /** {@code conv2d} with stride 1, no padding, dilation 1 and one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1);
    }

    /** {@code conv2d} with the same stride and padding in both dimensions, dilation 1 and one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(x, weight, bias, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {1, 1}, 1);
    }

    /**
     * {@code y[n,k,oh,ow] = bias[k] + Σ_{c,ki,kj} w[k,c,ki,kj]·x[n, g·C/G + c, oh·sh − ph + ki·dh, ow·sw − pw + kj·dw]},
     * where g is k's group and positions outside x read as zero.
     *
     * @param x       {@code [N, C, H, W]}
     * @param weight  {@code [K, C/groups, kh, kw]}
     * @param bias    {@code [K]}, or null for none
     * @param stride  {@code {sh, sw}}, each ≥ 1
     * @param padding {@code {ph, pw}}: zeros added on both sides, each ≥ 0
     * @param dilation {@code {dh, dw}}: spacing between kernel taps, each ≥ 1
     * @param groups  how many independent slices the channels are cut into; C and K must be multiples of it
     * @return {@code [N, K, ⌊(H + 2ph − dh(kh − 1) − 1)/sh⌋ + 1, ⌊(W + 2pw − dw(kw − 1) − 1)/sw⌋ + 1]}
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return conv2d(x, weight, bias, stride, padding, dilation, groups, false);
    }

    /**
     * {@code relu(conv2d(...))} as one op, the same values and gradients bit for bit, with the
     * ReLU applied in place on the convolution's output (PyTorch's {@code ReLU(inplace=True)} after
     * a convolution): ReLU's gradient needs only the sign of its input, and its output has the
     * same sign, so the convolution's own output is never kept. One tensor less per layer, which
     * is most of the memory of a network without batch norm (SSD's VGG). {@code Sequential} uses it
     * for {@code Conv2d → ReLU}.
     */
    public static Tensor conv2dRelu(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return conv2d(x, weight, bias, stride, padding, dilation, groups, true);
    }

    private static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups, boolean reluAfter) {
        checkPairs("conv2d", stride, padding, dilation);
        if (x.dim() != 4) throw new IllegalArgumentException("conv2d expects a 4-D input [N, C, H, W], got shape " + Shape.str(x.shape()));
        if (weight.dim() != 4) throw new IllegalArgumentException("conv2d expects a 4-D weight [out_channels, in_channels/groups, kh, kw], got shape " + Shape.str(weight.shape()));
        if (groups < 1) throw new IllegalArgumentException("conv2d: groups must be at least 1, got " + groups);
        final int outC = weight.size(0);
        if (x.size(1) != weight.size(1) * groups || outC % groups != 0) {
            throw new IllegalArgumentException("conv2d: input " + Shape.str(x.shape()) + " and weight " + Shape.str(weight.shape()) + " with groups=" + groups
                    + " do not fit: expected the input to have weight.size(1)·groups = " + weight.size(1) * groups
                    + " channels and out_channels " + outC + " to be divisible by groups");
        }
        checkBias("conv2d", bias, outC, weight);
        Devices.common("conv2d", x, weight, bias);
        final ConvGeometry geo = geometry("conv2d", x.shape(), weight.shape(), x.size(1), outC, stride, padding, dilation, groups);

        final Tensor xc = x.contiguousData(), wc = weight.contiguousData(), bc = bias == null ? null : bias.contiguousData();
        final Tensor out = Arena.empty(x.device(), geo.batch(), outC, geo.outH(), geo.outW());
        forward(geo, xc, wc, bc, out);
        if (reluAfter) Activations.applyInPlace(Activation.RELU, out, 0f, 0f);

        // Every Conv2dKernel pass overwrites its output, so the outputs need no zeroing (Arena.empty).
        // With Y = W·cols(X) per image and group:
        //   dL/dX = col2im(Wᵀ·dY)          (backward-data: the transposed convolution of dY)
        //   dL/dW = Σ_images dY·cols(X)ᵀ    (backward-weights)
        //   dL/db[k] = Σ_{n,oh,ow} dY[n,k,oh,ow]
        // Fused with a ReLU, dY is first g·[y > 0], read from the ReLU's output, which has y's sign.
        return Node.record(reluAfter ? "Conv2dReLU" : "Conv2d", out, g -> {
            final Tensor gc = reluAfter ? Activations.backward(Activation.RELU, out, out, g, 0f, 0f) : g.contiguousData();
            return new Tensor[] {
                x.requiresGrad() ? dataGradient(geo, gc, wc, x.shape()) : null,
                weight.requiresGrad() ? weightGradient(geo, xc, gc, weight.shape()) : null,
                bias != null && bias.requiresGrad() ? biasGradient(gc, geo.batch(), outC, geo.outPlane()) : null};
        }, x, weight, bias);
    }

    /**
     * The transposed convolution (sometimes called "deconvolution"), {@code torch.nn.functional.conv_transpose2d}:
     * the gradient of {@code conv2d} with respect to its input, used as a layer. Each input pixel
     * spreads a copy of the kernel, scaled by its value, onto the output, at stride spacing;
     * overlaps add up. It is how segmentation networks upsample.
     *
     * @param x             {@code [N, C, H, W]}
     * @param weight        {@code [C, K/groups, kh, kw]} (input channels first, unlike conv2d)
     * @param bias          {@code [K]}, or null for none
     * @param outputPadding {@code {oph, opw}}: extra rows/columns on the bottom/right, each smaller than the stride or the dilation
     * @return {@code [N, K, (H − 1)·sh − 2ph + dh(kh − 1) + oph + 1, (W − 1)·sw − 2pw + dw(kw − 1) + opw + 1]}
     */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] outputPadding, int groups, int[] dilation) {
        checkPairs("conv_transpose2d", stride, padding, dilation);
        if (outputPadding == null || outputPadding.length != 2) throw new IllegalArgumentException("conv_transpose2d: output_padding needs 2 values");
        for (int d = 0; d < 2; d++) {
            if (outputPadding[d] < 0 || (outputPadding[d] >= stride[d] && outputPadding[d] >= dilation[d])) {
                throw new IllegalArgumentException("conv_transpose2d: output_padding " + Shape.str(outputPadding) + " must be non-negative and smaller than either stride "
                        + Shape.str(stride) + " or dilation " + Shape.str(dilation));
            }
        }
        if (x.dim() != 4) throw new IllegalArgumentException("conv_transpose2d expects a 4-D input [N, C, H, W], got shape " + Shape.str(x.shape()));
        if (weight.dim() != 4) throw new IllegalArgumentException("conv_transpose2d expects a 4-D weight [in_channels, out_channels/groups, kh, kw], got shape " + Shape.str(weight.shape()));
        if (groups < 1) throw new IllegalArgumentException("conv_transpose2d: groups must be at least 1, got " + groups);
        final int inC = x.size(1);
        if (weight.size(0) != inC || inC % groups != 0) {
            throw new IllegalArgumentException("conv_transpose2d: input " + Shape.str(x.shape()) + " and weight " + Shape.str(weight.shape()) + " with groups=" + groups
                    + " do not fit: expected weight.size(0) = " + inC + " input channels, divisible by groups");
        }
        final int outC = weight.size(1) * groups;
        checkBias("conv_transpose2d", bias, outC, weight);
        Devices.common("conv_transpose2d", x, weight, bias);
        final int kh = weight.size(2), kw = weight.size(3);
        final int outH = (x.size(2) - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) + outputPadding[0] + 1;
        final int outW = (x.size(3) - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) + outputPadding[1] + 1;
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("conv_transpose2d: input " + Shape.str(x.shape()) + " with weight " + Shape.str(weight.shape())
                    + ", stride " + Shape.str(stride) + " and padding " + Shape.str(padding) + " gives an empty output " + outH + "x" + outW);
        }
        // The convolution whose input gradient this is: it maps [N, K, outH, outW] to [N, C, H, W].
        final ConvGeometry geo = new ConvGeometry(x.size(0), outC, outH, outW, inC, kh, kw, stride[0], stride[1],
                padding[0], padding[1], dilation[0], dilation[1], groups, x.size(2), x.size(3));

        final Tensor xc = x.contiguousData(), wc = weight.contiguousData();
        final Tensor out = dataGradient(geo, xc, wc, new int[] {geo.batch(), outC, outH, outW});
        if (bias != null) {
            final Tensor bc = bias.contiguousData();
            if (out.isCuda()) CudaConv.addBias(out, geo.batch(), outC, outH * outW, bc);
            else Conv2dKernel.addBias(out.data(), 0, geo.batch(), outC, outH * outW, bc.data(), bc.offset());
        }

        // y = A_wᵀ·x, where A_w is the convolution of geometry geo, so:
        //   dL/dx = A_w·dY = conv2d(dY, W)                          (the convolution's forward)
        //   dL/dW = Σ_images x·cols(dY)ᵀ                              (the convolution's weight gradient, with dY as its input and x as its output gradient)
        //   dL/db[k] = Σ_{n,oh,ow} dY[n,k,oh,ow]
        return Node.record("ConvTranspose2d", out, g -> {
            final Tensor gc = g.contiguousData();
            final Tensor gx;
            if (x.requiresGrad()) {
                gx = Arena.empty(x.device(), x.shape());
                forward(geo, gc, wc, null, gx);
            } else {
                gx = null;
            }
            final Tensor gw = weight.requiresGrad() ? weightGradient(geo, gc, xc, weight.shape()) : null;
            return new Tensor[] {gx, gw, bias != null && bias.requiresGrad() ? biasGradient(gc, geo.batch(), outC, outH * outW) : null};
        }, x, weight, bias);
    }

    /** The forward kernel of the convolution {@code geo} on x's device, into {@code y} (overwritten); bias may be null. */
    private static void forward(ConvGeometry geo, Tensor x, Tensor w, Tensor bias, Tensor y) {
        if (x.isCuda()) {
            CudaConv.forward(geo, x, w, bias, y);
        } else {
            Conv2dKernel.forward(geo, x.data(), x.offset(), w.data(), w.offset(), bias == null ? null : bias.data(), bias == null ? 0 : bias.offset(), y.data(), y.offset());
        }
    }

    /** The input gradient of the convolution {@code geo} from its output gradient {@code dy}, of {@code shape}. */
    private static Tensor dataGradient(ConvGeometry geo, Tensor dy, Tensor w, int[] shape) {
        final Tensor dx = Arena.empty(dy.device(), shape);
        if (dy.isCuda()) CudaConv.backwardData(geo, dy, w, dx);
        else Conv2dKernel.backwardData(geo, dy.data(), dy.offset(), w.data(), w.offset(), dx.data(), 0);
        return dx;
    }

    /** The weight gradient of the convolution {@code geo} whose input is {@code input} and output gradient {@code dy}. */
    private static Tensor weightGradient(ConvGeometry geo, Tensor input, Tensor dy, int[] shape) {
        final Tensor dw = Arena.empty(dy.device(), shape);
        if (dy.isCuda()) CudaConv.backwardWeight(geo, input, dy, dw);
        else Conv2dKernel.backwardWeight(geo, input.data(), input.offset(), dy.data(), dy.offset(), dw.data(), 0);
        return dw;
    }

    private static Tensor biasGradient(Tensor dy, int batch, int channels, int plane) {
        final Tensor db = Arena.empty(dy.device(), channels);
        if (dy.isCuda()) CudaConv.biasGradient(dy, batch, channels, plane, db);
        else Conv2dKernel.biasGradient(dy.data(), dy.offset(), batch, channels, plane, db.data(), 0);
        return db;
    }

    /** The geometry of a convolution from input {@code [N, C, H, W]}, with a clear message when its output would be empty. */
    private static ConvGeometry geometry(String op, int[] xShape, int[] wShape, int inC, int outC, int[] stride, int[] padding, int[] dilation,
                                         int groups) {
        final int h = xShape[2], w = xShape[3], kh = wShape[2], kw = wShape[3];
        final int outH = ConvGeometry.outputSize(h, kh, stride[0], padding[0], dilation[0]);
        final int outW = ConvGeometry.outputSize(w, kw, stride[1], padding[1], dilation[1]);
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException(op + ": input " + Shape.str(xShape) + " padded by " + Shape.str(padding) + " is smaller than the kernel "
                    + Shape.str(wShape) + " dilated by " + Shape.str(dilation) + ": the output would be " + outH + "x" + outW);
        }
        return new ConvGeometry(xShape[0], inC, h, w, outC, kh, kw, stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1], groups, outH, outW);
    }

    private static void checkPairs(String op, int[] stride, int[] padding, int[] dilation) {
        if (stride == null || stride.length != 2 || padding == null || padding.length != 2 || dilation == null || dilation.length != 2) {
            throw new IllegalArgumentException(op + ": stride, padding and dilation need 2 values each (height, width)");
        }
        for (int d = 0; d < 2; d++) {
            if (stride[d] < 1) throw new IllegalArgumentException(op + ": stride must be at least 1, got " + Shape.str(stride));
            if (padding[d] < 0) throw new IllegalArgumentException(op + ": padding must be non-negative, got " + Shape.str(padding));
            if (dilation[d] < 1) throw new IllegalArgumentException(op + ": dilation must be at least 1, got " + Shape.str(dilation));
        }
    }

    private static void checkBias(String op, Tensor bias, int outC, Tensor weight) {
        if (bias != null && (bias.dim() != 1 || bias.size(0) != outC)) {
            throw new IllegalArgumentException(op + ": bias of shape " + Shape.str(bias.shape()) + " does not fit weight " + Shape.str(weight.shape())
                    + ": expected [" + outC + "]");
        }
    }
}
