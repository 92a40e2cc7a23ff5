package sau.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sau.autograd.Node;
import sau.backend.Backend;
import sau.backend.Devices;
import sau.tensor.Arena;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/** Joining tensors along a dimension, and splitting one into pieces. */
public final class Joins {

    private Joins() {}

    /**
     * Concatenates along {@code dim}; all other sizes must agree. Gradient: each input gets
     * back the slice of dL/dy where its values were placed.
     */
    public static Tensor cat(List<Tensor> parts, int dim) {
        if (parts.isEmpty()) throw new IllegalArgumentException("cat of no tensors");
        final Tensor first = parts.get(0);
        final int d = Shape.dim(dim, first.dim());
        final int[] shape = first.shape();
        int total = 0;
        for (Tensor p : parts) {
            final int[] s = p.shape();
            s[d] = shape[d];
            if (!Arrays.equals(s, shape)) {
                throw new IllegalArgumentException("cat along " + d + ": shape " + Shape.str(p.shape()) + " does not match " + Shape.str(first.shape()));
            }
            total += p.size(d);
        }
        shape[d] = total;
        final Tensor out = Arena.zeros(Devices.common("cat", parts.toArray(new Tensor[0])), shape);
        final int[] starts = new int[parts.size()];
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            starts[i] = at;
            final Tensor p = parts.get(i);
            Backend.copyInto(Views.narrow(out, d, at, p.size(d)), p);
            at += p.size(d);
        }
        return Node.record("Cat", out, g -> {
            final Tensor[] grads = new Tensor[parts.size()];
            for (int i = 0; i < grads.length; i++) grads[i] = Views.narrow(g, d, starts[i], parts.get(i).size(d));
            return grads;
        }, parts.toArray(new Tensor[0]));
    }

    /** Stacks equally shaped tensors along a new dimension {@code dim}. */
    public static Tensor stack(List<Tensor> parts, int dim) {
        if (parts.isEmpty()) throw new IllegalArgumentException("stack of no tensors");
        final int d = Shape.dim(dim, parts.get(0).dim() + 1);
        final List<Tensor> lifted = new ArrayList<>(parts.size());
        for (Tensor p : parts) {
            if (!Arrays.equals(p.shape(), parts.get(0).shape())) {
                throw new IllegalArgumentException("stack: shape " + Shape.str(p.shape()) + " differs from " + Shape.str(parts.get(0).shape()));
            }
            lifted.add(Views.unsqueeze(p, d));
        }
        return cat(lifted, d);
    }

    /** Splits along {@code dim} into pieces of {@code size} (the last may be smaller); each piece is a view. */
    public static List<Tensor> split(Tensor x, int size, int dim) {
        if (size <= 0) throw new IllegalArgumentException("split size must be positive, got " + size);
        final int d = Shape.dim(dim, x.dim());
        final int[] sizes = new int[(x.size(d) + size - 1) / size];
        for (int k = 0; k < sizes.length; k++) sizes[k] = Math.min(size, x.size(d) - k * size);
        return pieces(x, sizes, d);
    }

    /** Splits along {@code dim} into pieces of the given sizes, which must add up to the size of dim. */
    public static List<Tensor> split(Tensor x, int[] sizes, int dim) {
        final int d = Shape.dim(dim, x.dim());
        if (Arrays.stream(sizes).sum() != x.size(d)) {
            throw new IllegalArgumentException("split sizes " + Arrays.toString(sizes) + " do not add up to " + x.size(d));
        }
        return pieces(x, sizes, d);
    }

    /**
     * Views of consecutive slices of x along d, recorded as one node with one output per piece.
     * Gradient: the pieces' gradients laid side by side, the cat of them, with zeros for a piece
     * no gradient reached; built in one buffer rather than summed from one mostly-zero tensor per piece.
     */
    private static List<Tensor> pieces(Tensor x, int[] sizes, int d) {
        final Tensor[] out = new Tensor[sizes.length];
        final int[] starts = new int[sizes.length];
        int at = 0;
        for (int k = 0; k < sizes.length; k++) {
            starts[k] = at;
            final int[] shape = x.shape();
            shape[d] = sizes[k];
            out[k] = x.view(shape, x.strides(), x.offset() + at * x.stride(d));
            at += sizes[k];
        }
        Node.recordEach("Split", out, g -> {
            final Tensor gx = Arrays.asList(g).contains(null) ? Arena.zeros(x.device(), x.shape()) : Arena.empty(x.device(), x.shape());
            for (int k = 0; k < g.length; k++) {
                if (g[k] != null) Backend.copyInto(gx.view(g[k].shape(), gx.strides(), gx.offset() + starts[k] * gx.stride(d)), g[k]);
            }
            return new Tensor[] {gx};
        }, x);
        return List.of(out);
    }
}
