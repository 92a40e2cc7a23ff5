package sau.backend.cuda;

import sau.tensor.Arena;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * The kernels of {@code index.cu} for GPU tensors: index_select (and embedding lookup), its
 * gradient, gather and scatter-add. Index values are whole numbers stored as floats, in a
 * contiguous tensor on the same GPU, checked by the caller to be in range.
 */
public final class CudaIndex {

    /** Floats hold every whole number up to 2^24 exactly, so indices and counts must stay below it. */
    private static final int EXACT_FLOAT_INTS = 1 << 24;

    private CudaIndex() {}

    /**
     * {@code out[i, j, k] = x[i, index[j], k]} for {@code x} contiguous, seen as {@code [a, r, b]},
     * and {@code index} of L entries; the result has {@code shape} (a·L·b elements).
     */
    public static Tensor select(Tensor x, Tensor index, int a, int r, int b, int[] shape) {
        CudaDevice.of(x);
        final int length = index.numel();
        final Tensor out = Arena.empty(x.device(), shape);
        final long n = (long) a * length * b;
        Kernels.function("index", "index_select").launch(CudaElementwise.blocks(n), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
            CudaMemory.of(x), CudaMemory.of(index), CudaMemory.of(out), a, r, b, length);
        return out;
    }

    /**
     * The gradient of {@link #select}: {@code gx[i, idx[j], k] += g[i, j, k]}, for {@code g}
     * contiguous {@code [a, idx.length, b]}, into a new zero tensor of {@code xShape}. Positions
     * whose index is {@code skip} add nothing (the padding row of an embedding; −1 for none).
     *
     * <p>Without atomics: the positions are grouped by the row they took on the CPU (the indices
     * are there already, having been checked), and one thread per element of a taken row adds
     * that row's positions in increasing order, as the CPU does.
     */
    public static Tensor selectBackward(Tensor g, int[] idx, int skip, int a, int r, int b, int[] xShape) {
        CudaDevice.of(g);
        if (idx.length >= EXACT_FLOAT_INTS || r >= EXACT_FLOAT_INTS) {
            throw new IllegalArgumentException("the GPU gradient of an index lookup takes fewer than 2^24 indices into fewer than 2^24 rows, got "
                + idx.length + " into " + r);
        }
        final int[] count = new int[r];
        int groups = 0, taken = 0;
        for (int v : idx) {
            if (v == skip) continue;
            if (count[v]++ == 0) groups++;
            taken++;
        }
        final Tensor gx = Arena.zeros(g.device(), xShape);
        if (groups == 0) return gx;
        // one upload of [rows (groups) | starts (groups + 1) | positions (taken)]
        final float[] plan = new float[2 * groups + 1 + taken];
        final int[] next = new int[r]; // where row v's next position goes
        int u = 0, start = 0;
        for (int v = 0; v < r; v++) {
            if (count[v] == 0) continue;
            plan[u] = v;
            plan[groups + u] = start;
            next[v] = start;
            start += count[v];
            u++;
        }
        plan[2 * groups] = taken;
        final int positions = 2 * groups + 1;
        for (int j = 0; j < idx.length; j++) {
            if (idx[j] != skip) plan[positions + next[idx[j]]++] = j;
        }
        final Tensor onGpu = new Tensor(plan, plan.length).to(g.device());
        final long n = (long) a * groups * b;
        Kernels.function("index", "index_add_grouped").launch(CudaElementwise.blocks(n), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
            CudaMemory.of(g.contiguousData()), CudaMemory.of(onGpu), CudaMemory.of(part(onGpu, groups)), CudaMemory.of(part(onGpu, positions)), CudaMemory.of(gx),
            a, r, b, idx.length, groups);
        return gx;
    }

    private static Tensor part(Tensor t, int from) {
        return t.view(new int[] {t.numel() - from}, new int[] {1}, t.offset() + from);
    }

    /** {@code out[o] = x[o with coordinate dim replaced by index[o]]}: gather, x and index contiguous, out of index's shape. */
    public static Tensor gather(Tensor x, int dim, Tensor index) {
        CudaDevice.of(x);
        final Tensor out = Arena.empty(x.device(), index.shape());
        final long n = out.numel();
        if (n == 0) return out;
        Kernels.function("index", "gather").launch(CudaElementwise.blocks(n), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
            CudaMemory.of(x), CudaMemory.of(index), CudaMemory.of(out), n, layout(x.shape(), index.shape(), dim));
        return out;
    }

    /** A copy of {@code x} plus {@code src[o]} at every position o of {@code index} points at (along {@code dim}); all contiguous. */
    public static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        CudaDevice.of(x);
        final Tensor out = Arena.empty(x.device(), x.shape());
        final long n = out.numel();
        if (n == 0) return out;
        Kernels.function("index", "scatter_add").launch(CudaElementwise.blocks(n), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
            CudaMemory.of(x), CudaMemory.of(index), CudaMemory.of(src), CudaMemory.of(out), n, layout(x.shape(), index.shape(), dim));
        return out;
    }

    /** The {@code IndexLayout} struct of index.cu: rank, dim, x's shape, index's shape. */
    private static int[] layout(int[] xShape, int[] indexShape, int dim) {
        if (xShape.length > Layout3.MAX_RANK) {
            throw new IllegalArgumentException("CUDA kernels take tensors of at most " + Layout3.MAX_RANK + " dimensions, got " + Shape.str(xShape));
        }
        final int[] s = new int[2 + 2 * Layout3.MAX_RANK];
        s[0] = xShape.length;
        s[1] = dim;
        for (int k = 0; k < xShape.length; k++) {
            s[2 + k] = xShape[k];
            s[2 + Layout3.MAX_RANK + k] = indexShape[k];
        }
        return s;
    }
}
