package sau.backend.cuda;

import sau.backend.cpu.Reduce;
import sau.tensor.Arena;
import sau.tensor.Tensor;

/** Sums and maxima along one dimension, as {@link Reduce} on the CPU. */
public final class CudaReduce {

    private CudaReduce() {}

    /** The sum along {@code dim}; the dimension is removed. */
    public static Tensor sum(Tensor x, int dim) {
        CudaDevice.of(x);
        final Tensor in = x.contiguousData();
        final int[] blk = Reduce.blocks(in.shape(), dim);
        final int a = blk[0], r = blk[1], b = blk[2];
        final Tensor out = Arena.empty(x.device(), Reduce.without(in.shape(), dim));
        if (b == 1) {
            final long threads = 32L * a;
            Kernels.function("reduce", "sum_rows_f32").launch(CudaElementwise.blocks(threads), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
                CudaMemory.of(in), CudaMemory.of(out), a, r);
        } else {
            Kernels.function("reduce", "sum_inner_f32").launch(CudaElementwise.blocks((long) a * b), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
                CudaMemory.of(in), CudaMemory.of(out), a, r, b);
        }
        return out;
    }

    public static Reduce.MaxResult max(Tensor x, int dim) {
        CudaDevice.of(x);
        final Tensor in = x.contiguousData();
        final int[] blk = Reduce.blocks(in.shape(), dim);
        final int a = blk[0], r = blk[1], b = blk[2];
        if (r == 0) throw new IllegalArgumentException("max over an empty dimension");
        final Tensor out = Arena.empty(x.device(), Reduce.without(in.shape(), dim));
        final Tensor index = Arena.empty(x.device(), a * b);
        Kernels.function("reduce", "max_inner_f32").launch(CudaElementwise.blocks((long) a * b), 1, 1, CudaElementwise.BLOCK, 1, 1, 0,
            CudaMemory.of(in), CudaMemory.of(out), CudaMemory.of(index), a, r, b);
        final float[] idx = index.toArray();
        final int[] indices = new int[idx.length];
        for (int i = 0; i < idx.length; i++) indices[i] = (int) idx[i];
        return new Reduce.MaxResult(out, indices);
    }
}
