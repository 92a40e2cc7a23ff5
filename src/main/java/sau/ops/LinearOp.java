package sau.ops;

import sau.autograd.Node;
import sau.backend.Backend;
import sau.backend.Devices;
import sau.backend.cpu.LinearKernel;
import sau.backend.cuda.CudaLinear;
import sau.tensor.Arena;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * {@code y = x·Wᵀ + b} for x of shape {@code [..., in]}, as PyTorch's {@code F.linear}: one op
 * instead of a matmul of a transposed view plus a broadcast add, so that its backward writes
 * dL/dW directly in W's layout and adds no bias tensor of the output's size.
 *
 * <p>Gradients, with X the inputs as rows {@code [rows, in]} and G = dL/dY {@code [rows, out]}:
 * dL/dX = G·W, dL/dW = Gᵀ·X, dL/db = Σ_rows G.
 */
public final class LinearOp {

    private LinearOp() {}

    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.dim() != 2) throw new IllegalArgumentException("linear: weight must be [out, in], got " + Shape.str(weight.shape()));
        final int out = weight.size(0), in = weight.size(1);
        if (x.dim() == 0 || x.size(-1) != in) {
            throw new IllegalArgumentException("linear: input of shape " + Shape.str(x.shape()) + " does not end in the weight's " + in + " input features");
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != out)) {
            throw new IllegalArgumentException("linear: bias must be [" + out + "], got " + Shape.str(bias.shape()));
        }
        final Tensor xc = x.contiguousData(), wc = weight.contiguousData();
        final int rows = xc.numel() / Math.max(1, in);
        final int[] outShape = x.shape();
        outShape[outShape.length - 1] = out;
        if (Devices.common("linear", x, weight, bias).isCuda()) {
            final Tensor y = CudaLinear.forward(xc, wc, bias == null ? null : bias.contiguousData(), rows, in, out);
            return Node.record("Linear", Views.reshape(y, outShape), g -> {
                final Tensor gc = g.contiguousData();
                return new Tensor[] {
                    x.requiresGrad() ? Views.reshape(CudaLinear.backwardInput(gc, wc, rows, in, out), x.shape()) : null,
                    weight.requiresGrad() ? CudaLinear.backwardWeight(gc, xc, rows, in, out) : null,
                    bias != null && bias.requiresGrad() ? Backend.sum(Views.reshape(gc, rows, out), 0) : null};
            }, x, weight, bias);
        }
        final float[] y = Arena.uninitialized(rows * out);
        LinearKernel.forward(xc.data(), xc.offset(), wc.data(), wc.offset(), bias == null ? null : bias.contiguousData().toArray(), y, rows, in, out);
        return Node.record("Linear", new Tensor(y, outShape), g -> {
            final Tensor gc = g.contiguousData();
            Tensor dx = null, dw = null, db = null;
            if (x.requiresGrad()) {
                final float[] d = Arena.uninitialized(rows * in);
                LinearKernel.backwardInput(gc.data(), gc.offset(), wc.data(), wc.offset(), d, rows, in, out);
                dx = new Tensor(d, x.shape());
            }
            if (weight.requiresGrad()) {
                final float[] d = Arena.uninitialized(out * in);
                LinearKernel.backwardWeight(gc.data(), gc.offset(), xc.data(), xc.offset(), d, rows, in, out);
                dw = new Tensor(d, out, in);
            }
            if (bias != null && bias.requiresGrad()) db = Backend.sum(gc.view(new int[] {rows, out}, new int[] {out, 1}, gc.offset()), 0);
            return new Tensor[] {dx, dw, db};
        }, x, weight, bias);
    }
}
