package sau.ops;

import sau.autograd.Node;
import sau.backend.cpu.UpsampleKernel;
import sau.backend.cuda.CudaPool;
import sau.tensor.Tensor;
import sau.tensor.Arena;

/**
 * Resizing the planes of an input {@code [N, C, H, W]} (or {@code [C, H, W]}) by nearest
 * neighbour or bilinear interpolation, as PyTorch's {@code F.interpolate} with
 * {@code mode="nearest"} or {@code "bilinear"}. The target is given either as a size or as
 * scale factors (the output is then {@code ⌊in·scale⌋}); the two can map coordinates slightly
 * differently, as in PyTorch (see {@link UpsampleKernel}).
 *
 * <p>Both modes are linear in x: every output is {@code Σ_i w_{o,i}·x_i} with weights that do
 * not depend on x (one weight 1 for nearest, up to four bilinear weights). So the backward pass
 * is the transpose: {@code dL/dx_i = Σ_o w_{o,i}·dL/dy_o}.
 */
public final class Upsampling {

    private Upsampling() {}

    public static Tensor upsampleNearest2d(Tensor x, int outH, int outW) {
        final Pooling.Planes p = Pooling.Planes.of(x, "upsampling");
        return nearest(x, p, outH, outW, (double) p.h() / outH, (double) p.w() / outW);
    }

    public static Tensor upsampleNearest2d(Tensor x, double scaleH, double scaleW) {
        final Pooling.Planes p = Pooling.Planes.of(x, "upsampling");
        return nearest(x, p, scaledSize(p.h(), scaleH), scaledSize(p.w(), scaleW), 1 / scaleH, 1 / scaleW);
    }

    public static Tensor upsampleBilinear2d(Tensor x, int outH, int outW, boolean alignCorners) {
        final Pooling.Planes p = Pooling.Planes.of(x, "upsampling");
        return bilinear(x, p, outH, outW, alignCorners, (double) p.h() / outH, (double) p.w() / outW);
    }

    public static Tensor upsampleBilinear2d(Tensor x, double scaleH, double scaleW, boolean alignCorners) {
        final Pooling.Planes p = Pooling.Planes.of(x, "upsampling");
        return bilinear(x, p, scaledSize(p.h(), scaleH), scaledSize(p.w(), scaleW), alignCorners, 1 / scaleH, 1 / scaleW);
    }

    private static Tensor nearest(Tensor x, Pooling.Planes p, int outH, int outW, double ratioH, double ratioW) {
        checkSize(outH, outW);
        final Tensor in = x.contiguousData();
        if (x.isCuda()) return resample(x, in, p, CudaPool.nearest(x.device(), p.h(), p.w(), outH, outW, ratioH, ratioW), "UpsampleNearest2d");
        final float[] y = Arena.floats(p.count() * outH * outW);
        UpsampleKernel.nearestForward(in.data(), in.offset(), y, p.count(), p.h(), p.w(), outH, outW, ratioH, ratioW);
        // dL/dx_i = Σ over the outputs that copied x_i of dL/dy_o
        return Node.record("UpsampleNearest2d", new Tensor(y, p.outShape(outH, outW)), g -> {
            final Tensor gc = g.contiguousData();
            final float[] gx = Arena.floats(x.numel());
            UpsampleKernel.nearestBackward(gc.data(), gc.offset(), gx, p.count(), p.h(), p.w(), outH, outW, ratioH, ratioW);
            return new Tensor[] {new Tensor(gx, x.shape())};
        }, x);
    }

    private static Tensor bilinear(Tensor x, Pooling.Planes p, int outH, int outW, boolean alignCorners, double ratioH, double ratioW) {
        checkSize(outH, outW);
        final Tensor in = x.contiguousData();
        if (x.isCuda()) {
            return resample(x, in, p, CudaPool.bilinear(x.device(), p.h(), p.w(), outH, outW, alignCorners, ratioH, ratioW), "UpsampleBilinear2d");
        }
        final float[] y = Arena.floats(p.count() * outH * outW);
        UpsampleKernel.bilinearForward(in.data(), in.offset(), y, p.count(), p.h(), p.w(), outH, outW, alignCorners, ratioH, ratioW);
        // dL/dx_i = Σ_o w_{o,i}·dL/dy_o with the bilinear weights (1−λh or λh)·(1−λw or λw)
        return Node.record("UpsampleBilinear2d", new Tensor(y, p.outShape(outH, outW)), g -> {
            final Tensor gc = g.contiguousData();
            final float[] gx = Arena.floats(x.numel());
            UpsampleKernel.bilinearBackward(gc.data(), gc.offset(), gx, p.count(), p.h(), p.w(), outH, outW, alignCorners, ratioH, ratioW);
            return new Tensor[] {new Tensor(gx, x.shape())};
        }, x);
    }

    /** Either mode on the GPU: the same linear map, with the coordinates in {@code r}'s tables. */
    private static Tensor resample(Tensor x, Tensor in, Pooling.Planes p, CudaPool.Resampling r, String name) {
        final Tensor y = Arena.empty(x.device(), p.outShape(r.outH(), r.outW()));
        r.forward(in, y, p.count());
        return Node.record(name, y, g -> {
            final Tensor gx = Arena.empty(x.device(), x.shape());
            r.backward(g.contiguousData(), gx, p.count());
            return new Tensor[] {gx};
        }, x);
    }

    private static int scaledSize(int in, double scale) {
        if (!(scale > 0)) throw new IllegalArgumentException("upsampling needs a positive scale factor, got " + scale);
        return (int) Math.floor(in * scale);
    }

    private static void checkSize(int outH, int outW) {
        if (outH < 1 || outW < 1) throw new IllegalArgumentException("upsampling to an empty size " + outH + "x" + outW);
    }
}
