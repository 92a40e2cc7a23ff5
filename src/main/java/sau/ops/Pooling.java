package sau.ops;

import sau.autograd.Node;
import sau.backend.cpu.Pool2dKernel;
import sau.backend.cpu.Pool2dKernel.Window;
import sau.backend.cuda.CudaPool;
import sau.tensor.Shape;
import sau.tensor.Tensor;
import sau.tensor.Arena;

/**
 * 2-D pooling ops over the last two dimensions of an input {@code [N, C, H, W]} (or
 * {@code [C, H, W]}): max pooling, average pooling and adaptive average pooling, with PyTorch's
 * semantics (see {@link Pool2dKernel} for the window and output-size rules). GPU tensors go to
 * {@link CudaPool}, whose kernels follow the same rules.
 */
public final class Pooling {

    private Pooling() {}

    /** Square max pooling, as {@code nn.MaxPool2d(kernel, stride, padding, dilation, ceil_mode)}. */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding, int dilation, boolean ceilMode) {
        return maxPool2d(x, new Window(kernel, stride, padding, dilation), new Window(kernel, stride, padding, dilation), ceilMode);
    }

    /**
     * Max pooling with window {@code wh} along H and {@code ww} along W.
     *
     * <p>Backward: the maximum is a selection, so {@code dL/dx} is {@code dL/dy} at the position
     * that won each window (the argmax saved by the forward pass) and 0 elsewhere; a position
     * that wins several overlapping windows receives the sum.
     */
    public static Tensor maxPool2d(Tensor x, Window wh, Window ww, boolean ceilMode) {
        final Planes p = Planes.of(x, "max pooling");
        final int outH = wh.outputSize(p.h, ceilMode), outW = ww.outputSize(p.w, ceilMode);
        final Tensor in = x.contiguousData();
        if (x.isCuda()) {
            // The winners' indices stay on the GPU, as int bits in a buffer of floats.
            final Tensor y = Arena.empty(x.device(), p.outShape(outH, outW)), argmax = Arena.empty(x.device(), y.numel());
            CudaPool.maxForward(in, y, argmax, p.count, p.h, p.w, wh, ww, outH, outW);
            return Node.record("MaxPool2d", y, g -> {
                final Tensor gx = Arena.empty(x.device(), x.shape());
                CudaPool.maxBackward(g.contiguousData(), argmax, gx, p.count, p.h, p.w, wh, ww, outH, outW);
                return new Tensor[] {gx};
            }, x);
        }
        final float[] y = Arena.uninitialized(p.count * outH * outW);
        final float[] argmax = Arena.uninitialized(y.length);
        Pool2dKernel.maxForward(in.data(), in.offset(), y, argmax, p.count, p.h, p.w, wh, ww, outH, outW);
        return Node.record("MaxPool2d", new Tensor(y, p.outShape(outH, outW)), g -> {
            final Tensor gc = g.contiguousData();
            final float[] gx = Arena.floats(x.numel());
            Pool2dKernel.maxBackward(gc.data(), gc.offset(), argmax, gx, p.count, p.h * p.w, outH * outW);
            return new Tensor[] {new Tensor(gx, x.shape())};
        }, x);
    }

    /** Square average pooling, as {@code nn.AvgPool2d(kernel, stride, padding, ceil_mode, count_include_pad)}. */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        return avgPool2d(x, new Window(kernel, stride, padding, 1), new Window(kernel, stride, padding, 1), ceilMode, countIncludePad);
    }

    /**
     * Average pooling: {@code y_o = Σ_{taps of o} x / divisor_o}.
     *
     * <p>Backward: {@code dL/dx_i = Σ_{windows o containing i} dL/dy_o / divisor_o}.
     */
    public static Tensor avgPool2d(Tensor x, Window wh, Window ww, boolean ceilMode, boolean countIncludePad) {
        if (wh.dilation() != 1 || ww.dilation() != 1) throw new IllegalArgumentException("average pooling has no dilation");
        final Planes p = Planes.of(x, "average pooling");
        final int outH = wh.outputSize(p.h, ceilMode), outW = ww.outputSize(p.w, ceilMode);
        final Tensor in = x.contiguousData();
        if (x.isCuda()) {
            final Tensor y = Arena.empty(x.device(), p.outShape(outH, outW));
            CudaPool.avgForward(in, y, p.count, p.h, p.w, wh, ww, outH, outW, countIncludePad);
            return Node.record("AvgPool2d", y, g -> {
                final Tensor gx = Arena.empty(x.device(), x.shape());
                CudaPool.avgBackward(g.contiguousData(), gx, p.count, p.h, p.w, wh, ww, outH, outW, countIncludePad);
                return new Tensor[] {gx};
            }, x);
        }
        final float[] y = Arena.uninitialized(p.count * outH * outW);
        Pool2dKernel.avgForward(in.data(), in.offset(), y, p.count, p.h, p.w, wh, ww, outH, outW, countIncludePad);
        return Node.record("AvgPool2d", new Tensor(y, p.outShape(outH, outW)), g -> {
            final Tensor gc = g.contiguousData();
            final float[] gx = Arena.floats(x.numel());
            Pool2dKernel.avgBackward(gc.data(), gc.offset(), gx, p.count, p.h, p.w, wh, ww, outH, outW, countIncludePad);
            return new Tensor[] {new Tensor(gx, x.shape())};
        }, x);
    }

    /**
     * Adaptive average pooling to {@code outH × outW} whatever the input size: bin {@code i}
     * averages positions {@code ⌊i·in/out⌋ .. ⌈(i+1)·in/out⌉ − 1}.
     *
     * <p>Backward: {@code dL/dx_i = Σ_{bins b containing i} dL/dy_b / |b|}.
     */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        if (outH < 1 || outW < 1) throw new IllegalArgumentException("adaptive pooling needs a positive output size, got " + outH + "x" + outW);
        final Planes p = Planes.of(x, "adaptive average pooling");
        final Tensor in = x.contiguousData();
        if (x.isCuda()) {
            final Tensor y = Arena.empty(x.device(), p.outShape(outH, outW));
            CudaPool.adaptiveAvgForward(in, y, p.count, p.h, p.w, outH, outW);
            return Node.record("AdaptiveAvgPool2d", y, g -> {
                final Tensor gx = Arena.empty(x.device(), x.shape());
                CudaPool.adaptiveAvgBackward(g.contiguousData(), gx, p.count, p.h, p.w, outH, outW);
                return new Tensor[] {gx};
            }, x);
        }
        final float[] y = Arena.uninitialized(p.count * outH * outW);
        Pool2dKernel.adaptiveAvgForward(in.data(), in.offset(), y, p.count, p.h, p.w, outH, outW);
        return Node.record("AdaptiveAvgPool2d", new Tensor(y, p.outShape(outH, outW)), g -> {
            final Tensor gc = g.contiguousData();
            final float[] gx = Arena.floats(x.numel());
            Pool2dKernel.adaptiveAvgBackward(gc.data(), gc.offset(), gx, p.count, p.h, p.w, outH, outW);
            return new Tensor[] {new Tensor(gx, x.shape())};
        }, x);
    }

    /** An input seen as {@code count} planes of {@code h × w}; shared with {@link Upsampling}. */
    record Planes(int[] shape, int count, int h, int w) {

        static Planes of(Tensor x, String what) {
            if (x.dim() != 3 && x.dim() != 4) throw new IllegalArgumentException(what + " needs an input [N, C, H, W] or [C, H, W], got shape " + Shape.str(x.shape()));
            final int h = x.size(-2), w = x.size(-1);
            if (h == 0 || w == 0) throw new IllegalArgumentException(what + " of an empty plane, input shape " + Shape.str(x.shape()));
            return new Planes(x.shape(), x.numel() / (h * w), h, w);
        }

        /** The input's shape with the plane replaced by {@code outH × outW}. */
        int[] outShape(int outH, int outW) {
            final int[] s = shape.clone();
            s[s.length - 2] = outH;
            s[s.length - 1] = outW;
            return s;
        }
    }
}
