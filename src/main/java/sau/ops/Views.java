package sau.ops;

import java.util.Arrays;
import sau.autograd.Node;
import sau.backend.Backend;
import sau.tensor.Arena;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Ops that only change how the same numbers are seen: no arithmetic, usually no copy. Each one
 * builds new shape/strides/offset over the input's array, and its backward maps the gradient
 * back to the input's layout (reshape back, permute back, pad a slice with zeros, sum over a
 * broadcast dimension).
 */
public final class Views {

    private Views() {}

    /** The same elements in a new shape; one dimension may be -1 (inferred). A view when the input is contiguous. */
    public static Tensor reshape(Tensor x, int... shape) {
        final int[] target = inferShape(shape, x.numel(), x.shape());
        final Tensor base = x.contiguousData();
        final Tensor out = base.view(target, Shape.contiguousStrides(target), base.offset());
        // d reshape: the gradient is reshaped back
        return Node.record("Reshape", out, g -> new Tensor[] {reshape(g, x.shape())}, x);
    }

    private static int[] inferShape(int[] shape, int numel, int[] from) {
        final int[] s = shape.clone();
        int infer = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape " + Shape.str(shape) + ": only one dimension may be -1");
                infer = i;
            } else known *= s[i];
        }
        if (infer >= 0 && known != 0) s[infer] = numel / known;
        if (Shape.numel(s) != numel) {
            throw new IllegalArgumentException("cannot reshape a tensor of shape " + Shape.str(from) + " (" + numel + " elements) to " + Shape.str(shape));
        }
        return s;
    }

    /** Flattens dimensions {@code start..end} (inclusive) into one, as {@code torch.flatten}. */
    public static Tensor flatten(Tensor x, int start, int end) {
        final int[] s = x.shape();
        if (s.length == 0) return reshape(x, 1);
        final int a = Shape.dim(start, s.length), b = Shape.dim(end, s.length);
        final int[] out = new int[s.length - (b - a)];
        int k = 0, merged = 1;
        for (int d = 0; d < s.length; d++) {
            if (d < a || d > b) out[k++] = s[d];
            else {
                merged *= s[d];
                if (d == b) out[k++] = merged;
            }
        }
        return reshape(x, out);
    }

    /** Reorders the dimensions: output dimension i is input dimension {@code dims[i]}. */
    public static Tensor permute(Tensor x, int... dims) {
        final int rank = x.dim();
        if (dims.length != rank) throw new IllegalArgumentException("permute " + Arrays.toString(dims) + " of a rank-" + rank + " tensor");
        final int[] shape = new int[rank], strides = new int[rank], inverse = new int[rank];
        final boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            final int d = Shape.dim(dims[i], rank);
            if (seen[d]) throw new IllegalArgumentException("permute " + Arrays.toString(dims) + " repeats dimension " + d);
            seen[d] = true;
            shape[i] = x.size(d);
            strides[i] = x.stride(d);
            inverse[d] = i;
        }
        final Tensor out = x.view(shape, strides, x.offset());
        return Node.record("Permute", out, g -> new Tensor[] {permute(g, inverse)}, x);
    }

    /** Swaps two dimensions. */
    public static Tensor transpose(Tensor x, int dim0, int dim1) {
        final int[] perm = new int[x.dim()];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        final int a = Shape.dim(dim0, x.dim()), b = Shape.dim(dim1, x.dim());
        perm[a] = b;
        perm[b] = a;
        return permute(x, perm);
    }

    /** Elements {@code start .. start+length-1} along {@code dim}. */
    public static Tensor narrow(Tensor x, int dim, int start, int length) {
        final int d = Shape.dim(dim, x.dim());
        if (start < 0 || length < 0 || start + length > x.size(d)) {
            throw new IllegalArgumentException("narrow(dim " + d + ", start " + start + ", length " + length + ") is outside size " + x.size(d));
        }
        final int[] shape = x.shape();
        shape[d] = length;
        final Tensor out = x.view(shape, x.strides(), x.offset() + start * x.stride(d));
        // d narrow: the gradient goes back into the slice it came from; elsewhere it is zero
        return Node.record("Narrow", out, g -> {
            final Tensor gx = Arena.zeros(x.device(), x.shape());
            Backend.copyInto(gx.view(shape, gx.strides(), start * gx.stride(d)), g);
            return new Tensor[] {gx};
        }, x);
    }

    /** Repeats size-1 dimensions (and adds leading ones) without copying, as {@code torch.expand}; -1 keeps a size. */
    public static Tensor expand(Tensor x, int... shape) {
        final int lead = shape.length - x.dim();
        if (lead < 0) throw new IllegalArgumentException("expand " + Shape.str(x.shape()) + " to the smaller rank " + Shape.str(shape));
        final int[] outShape = new int[shape.length], strides = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            final int have = i < lead ? 1 : x.size(i - lead);
            final int want = shape[i] == -1 ? have : shape[i];
            if (have != want && have != 1) throw new IllegalArgumentException("cannot expand " + Shape.str(x.shape()) + " to " + Shape.str(shape));
            outShape[i] = want;
            strides[i] = i < lead || have != want ? 0 : x.stride(i - lead);
        }
        final Tensor out = x.view(outShape, strides, x.offset());
        // d expand: every copy of an element sends its gradient back to it, so they are summed
        return Node.record("Expand", out, g -> new Tensor[] {Reductions.sumTo(g, x.shape())}, x);
    }

    /** Inserts a size-1 dimension at {@code dim}. */
    public static Tensor unsqueeze(Tensor x, int dim) {
        final int d = Shape.dim(dim, x.dim() + 1);
        final int[] s = new int[x.dim() + 1];
        for (int i = 0, k = 0; i < s.length; i++) s[i] = i == d ? 1 : x.size(k++);
        return reshape(x, s);
    }

    /** Removes dimension {@code dim}, which must have size 1. */
    public static Tensor squeeze(Tensor x, int dim) {
        final int d = Shape.dim(dim, x.dim());
        if (x.size(d) != 1) throw new IllegalArgumentException("squeeze(" + dim + ") of shape " + Shape.str(x.shape()) + ": that dimension is not 1");
        final int[] s = new int[x.dim() - 1];
        for (int i = 0, k = 0; i < x.dim(); i++) if (i != d) s[k++] = x.size(i);
        return reshape(x, s);
    }

    /** A contiguous copy when needed; gradients pass through unchanged. */
    public static Tensor contiguous(Tensor x) {
        if (x.isContiguous()) return x;
        final Tensor out = x.contiguousData();
        return Node.record("Contiguous", out, g -> new Tensor[] {g}, x);
    }
}
