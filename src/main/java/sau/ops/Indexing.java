package sau.ops;

import sau.autograd.Node;
import sau.backend.Backend;
import sau.backend.Devices;
import sau.backend.cpu.Reduce;
import sau.backend.cuda.CudaIndex;
import sau.tensor.Arena;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Picking elements by index, and choosing between tensors by a mask. Indices are tensors of
 * whole numbers stored as floats (sau has one dtype); they are checked against the size they
 * index.
 */
public final class Indexing {

    private Indexing() {}

    /**
     * The slices {@code index[i]} of x along {@code dim}: out[.., i, ..] = x[.., index[i], ..].
     * Gradient: each slice's gradient is added back where it was taken from (an index may repeat).
     */
    public static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        final int d = Shape.dim(dim, x.dim());
        if (index.dim() != 1) throw new IllegalArgumentException("indexSelect needs a 1-D index, got shape " + Shape.str(index.shape()));
        final int[] idx = toIndices(index, x.size(d), "indexSelect");
        final Tensor in = x.contiguousData();
        final int[] blk = Reduce.blocks(in.shape(), d);
        final int a = blk[0], r = blk[1], b = blk[2];
        final int[] shape = x.shape();
        shape[d] = idx.length;
        if (in.isCuda()) {
            final Tensor out = CudaIndex.select(in, onDeviceOf(index, in), a, r, b, shape);
            return Node.record("IndexSelect", out, g -> new Tensor[] {CudaIndex.selectBackward(g.contiguousData(), idx, -1, a, r, b, x.shape())}, x);
        }
        final float[] out = Arena.floats(Shape.numel(shape));
        final float[] src = in.data();
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < idx.length; j++) System.arraycopy(src, in.offset() + (i * r + idx[j]) * b, out, (i * idx.length + j) * b, b);
        }
        return Node.record("IndexSelect", new Tensor(out, shape), g -> {
            final float[] gx = Arena.floats(x.numel());
            final float[] gd = g.contiguousData().data();
            final int go = g.contiguousData().offset();
            for (int i = 0; i < a; i++)
                for (int j = 0; j < idx.length; j++)
                    for (int k = 0; k < b; k++) gx[(i * r + idx[j]) * b + k] += gd[go + (i * idx.length + j) * b + k];
            return new Tensor[] {new Tensor(gx, x.shape())};
        }, x);
    }

    /**
     * {@code out[i][j][k] = x[i][index[i][j][k]][k]} for dim 1 (and likewise for any dim): index
     * has x's rank, and the output has index's shape. Gradient: scattered back, added.
     */
    public static Tensor gather(Tensor x, int dim, Tensor index) {
        final int d = Shape.dim(dim, x.dim());
        checkIndexShape(x, d, index, "gather");
        final int[] idx = toIndices(index, x.size(d), "gather");
        final Tensor in = x.contiguousData();
        if (in.isCuda()) {
            return Node.record("Gather", CudaIndex.gather(in, d, onDeviceOf(index, in)), g -> new Tensor[] {scatterAdd(Arena.zeros(x.device(), x.shape()), d, index, g)}, x);
        }
        final int[] shape = index.shape();
        final float[] out = new float[idx.length];
        final int[] xs = in.strides();
        forEachIndex(shape, d, idx, xs, (o, p) -> out[o] = in.data()[in.offset() + p]);
        return Node.record("Gather", new Tensor(out, shape), g -> new Tensor[] {scatterAdd(Tensor.zeros(x.shape()), d, index, g)}, x);
    }

    /**
     * Adds {@code src} into a copy of {@code x} at the positions {@code index} names along
     * {@code dim}: {@code out[i][index[i][j][k]][k] += src[i][j][k]} for dim 1. The inverse of gather.
     */
    public static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        final int d = Shape.dim(dim, x.dim());
        checkIndexShape(x, d, index, "scatterAdd");
        final int[] idx = toIndices(index, x.size(d), "scatterAdd");
        if (Devices.common("scatterAdd", x, src).isCuda()) {
            final Tensor out = CudaIndex.scatterAdd(x.contiguousData(), d, onDeviceOf(index, x), src.contiguousData());
            return Node.record("ScatterAdd", out, g -> new Tensor[] {g, gather(g, d, index)}, x, src);
        }
        final float[] out = x.toArray();
        final int[] xs = Shape.contiguousStrides(x.shape());
        final float[] s = src.contiguousData().toArray();
        forEachIndex(index.shape(), d, idx, xs, (o, p) -> out[p] += s[o]);
        final Tensor result = new Tensor(out, x.shape());
        return Node.record("ScatterAdd", result, g -> new Tensor[] {g, gather(g, d, index)}, x, src);
    }

    /** Visits every position o of an index tensor with the flat offset p into x that it selects. */
    private static void forEachIndex(int[] shape, int d, int[] idx, int[] xStrides, java.util.function.BiConsumer<Integer, Integer> visit) {
        final int[] pos = new int[shape.length];
        for (int o = 0; o < idx.length; o++) {
            int rem = o, p = 0;
            for (int k = shape.length - 1; k >= 0; k--) {
                pos[k] = rem % shape[k];
                rem /= shape[k];
                p += (k == d ? idx[o] : pos[k]) * xStrides[k];
            }
            visit.accept(o, p);
        }
    }

    private static void checkIndexShape(Tensor x, int d, Tensor index, String op) {
        if (index.dim() != x.dim()) throw new IllegalArgumentException(op + ": index has rank " + index.dim() + ", the tensor " + x.dim());
        for (int k = 0; k < x.dim(); k++) {
            if (k != d && index.size(k) > x.size(k)) {
                throw new IllegalArgumentException(op + ": index shape " + Shape.str(index.shape()) + " exceeds tensor shape " + Shape.str(x.shape()) + " in dimension " + k);
            }
        }
    }

    /**
     * {@code cond ? a : b}, elementwise with broadcasting. Gradient: dL/dy goes to a where the
     * condition held and to b elsewhere.
     */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        final Tensor out = Backend.where(cond, a, b);
        return Node.record("Where", out, g -> {
            final Tensor zero = Arena.to(Tensor.scalar(0f), g.device());
            return new Tensor[] {
                a.requiresGrad() ? Reductions.sumTo(Backend.where(cond, g, zero), a.shape()) : null,
                b.requiresGrad() ? Reductions.sumTo(Backend.where(cond, zero, g), b.shape()) : null};
        }, a, b);
    }

    /** x with {@code value} wherever mask is non-zero (mask broadcasts). */
    public static Tensor maskedFill(Tensor x, Tensor mask, float value) {
        return where(mask, Arena.to(Tensor.scalar(value), x.device()), x);
    }

    /** The index values on the device of {@code x}, contiguous, for a kernel (they may come from either device). */
    private static Tensor onDeviceOf(Tensor index, Tensor x) {
        return Arena.to(index, x.device()).contiguousData();
    }

    /** The indices as ints, checked to be whole numbers in [0, bound). */
    static int[] toIndices(Tensor index, int bound, String op) {
        final float[] v = index.toArray();
        final int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            final int k = (int) v[i];
            if (k != v[i] || k < 0 || k >= bound) {
                throw new IndexOutOfBoundsException(op + ": index " + v[i] + " is not a whole number in [0, " + bound + ")");
            }
            out[i] = k;
        }
        return out;
    }
}
