package sau.ops;

import java.util.Arrays;
import sau.autograd.Node;
import sau.backend.Backend;
import sau.backend.cpu.Reduce;
import sau.tensor.Arena;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Sum, mean, variance and maximum over dimensions. With {@code keepdim} the reduced dimensions
 * stay as size 1, which is what lets the result broadcast back against the input.
 */
public final class Reductions {

    private Reductions() {}

    /** The sum of all elements, a scalar. */
    public static Tensor sum(Tensor x) {
        return sum(x, allDims(x), false);
    }

    /**
     * The sum over {@code dims}.
     * Gradient: every input element contributed once, so dL/dx = dL/dy broadcast back to x's shape.
     */
    public static Tensor sum(Tensor x, int[] dims, boolean keepdim) {
        final boolean[] reduced = reducedDims(dims, x.dim());
        Tensor y = x.detach();
        for (int d = x.dim() - 1; d >= 0; d--) if (reduced[d]) y = Backend.sum(y, d); // from the last, so indices stay valid
        final int[] keptShape = keptShape(x.shape(), reduced);
        final Tensor out = keepdim ? Views.reshape(y, keptShape) : y;
        return Node.record("Sum", out, g -> new Tensor[] {Views.expand(Views.reshape(g, keptShape), x.shape())}, x);
    }

    public static Tensor sum(Tensor x, int dim, boolean keepdim) {
        return sum(x, new int[] {dim}, keepdim);
    }

    /** The mean of all elements, a scalar. */
    public static Tensor mean(Tensor x) {
        return mean(x, allDims(x), false);
    }

    /** The mean over {@code dims}: the sum divided by the number of elements summed. */
    public static Tensor mean(Tensor x, int[] dims, boolean keepdim) {
        final int count = x.numel() / Math.max(1, Shape.numel(keptShape(x.shape(), reducedDims(dims, x.dim()))));
        return Arithmetic.mul(sum(x, dims, keepdim), 1f / count);
    }

    public static Tensor mean(Tensor x, int dim, boolean keepdim) {
        return mean(x, new int[] {dim}, keepdim);
    }

    /**
     * The variance over {@code dims}: Σ(x − mean)² / (N − correction); correction 1 is the
     * unbiased estimate (PyTorch's default), 0 the population variance. Built from other ops,
     * so its gradient, 2(x − mean)/(N − correction), comes from theirs.
     */
    public static Tensor var(Tensor x, int[] dims, int correction, boolean keepdim) {
        final int count = x.numel() / Math.max(1, Shape.numel(keptShape(x.shape(), reducedDims(dims, x.dim()))));
        final Tensor centred = Arithmetic.sub(x, mean(x, dims, true));
        return Arithmetic.mul(sum(Arithmetic.mul(centred, centred), dims, keepdim), 1f / Math.max(0, count - correction));
    }

    public static Tensor var(Tensor x, int dim, boolean keepdim) {
        return var(x, new int[] {dim}, 1, keepdim);
    }

    /**
     * The maximum along {@code dim}. Gradient: only the element that was the maximum (the
     * first one, on ties) receives dL/dy; the others did not change the output.
     */
    public static Tensor max(Tensor x, int dim, boolean keepdim) {
        final int d = Shape.dim(dim, x.dim());
        final Reduce.MaxResult r = Backend.max(x, d);
        final int[] kept = x.shape();
        kept[d] = 1;
        final Tensor out = keepdim ? Views.reshape(r.values(), kept) : r.values();
        return Node.record("Max", out, g -> {
            final Tensor index = Views.reshape(Arena.to(indexTensor(r.indices(), r.values().shape()), x.device()), kept);
            return new Tensor[] {Indexing.scatterAdd(Arena.zeros(x.device(), x.shape()), d, index, Views.reshape(g, kept))};
        }, x);
    }

    /** The largest element, a scalar. */
    public static Tensor max(Tensor x) {
        return max(Views.reshape(x, -1), 0, false);
    }

    /** Where the maximum along {@code dim} is (as float-valued indices); not differentiable. */
    public static Tensor argmax(Tensor x, int dim, boolean keepdim) {
        final int d = Shape.dim(dim, x.dim());
        final Reduce.MaxResult r = Backend.max(x, d);
        final Tensor idx = Arena.to(indexTensor(r.indices(), r.values().shape()), x.device());
        if (!keepdim) return idx;
        final int[] kept = x.shape();
        kept[d] = 1;
        return Views.reshape(idx, kept);
    }

    private static Tensor indexTensor(int[] indices, int[] shape) {
        final float[] f = new float[indices.length];
        for (int i = 0; i < f.length; i++) f[i] = indices[i];
        return new Tensor(f, shape);
    }

    /**
     * Sums {@code g} down to {@code shape}, undoing broadcasting: the gradient of an input that
     * was broadcast is the sum of the gradients of all its copies.
     */
    public static Tensor sumTo(Tensor g, int[] shape) {
        final int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        final int lead = gs.length - shape.length;
        final boolean[] reduced = new boolean[gs.length];
        for (int d = 0; d < gs.length; d++) reduced[d] = d < lead || (shape[d - lead] == 1 && gs[d] != 1);
        Tensor y = g;
        for (int d = gs.length - 1; d >= 0; d--) if (reduced[d]) y = Backend.sum(y, d);
        return Views.reshape(y, shape);
    }

    static int[] allDims(Tensor x) {
        final int[] dims = new int[x.dim()];
        for (int i = 0; i < dims.length; i++) dims[i] = i;
        return dims;
    }

    private static boolean[] reducedDims(int[] dims, int rank) {
        final boolean[] r = new boolean[rank];
        for (int dim : dims) {
            final int d = Shape.dim(dim, rank);
            if (r[d]) throw new IllegalArgumentException("dimension " + dim + " is listed twice");
            r[d] = true;
        }
        return r;
    }

    private static int[] keptShape(int[] shape, boolean[] reduced) {
        final int[] s = shape.clone();
        for (int d = 0; d < s.length; d++) if (reduced[d]) s[d] = 1;
        return s;
    }
}
