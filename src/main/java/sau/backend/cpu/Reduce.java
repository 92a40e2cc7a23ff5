package sau.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import sau.tensor.Tensor;
import sau.tensor.Arena;

/**
 * Reductions along one dimension. The input is seen as a contiguous block {@code [A, R, B]}
 * where R is the reduced dimension, A the dimensions before it and B those after; the output
 * is {@code [A, B]}. With B == 1 each output is the reduction of a contiguous row (vectorised
 * along the row); otherwise whole rows of length B are combined elementwise (vectorised along
 * B), which reads memory in order instead of striding through it.
 */
public final class Reduce {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Reduce() {}

    /** The block sizes {@code {A, R, B}} of {@code shape} around dimension {@code dim}. */
    public static int[] blocks(int[] shape, int dim) {
        int a = 1, b = 1;
        for (int d = 0; d < dim; d++) a *= shape[d];
        for (int d = dim + 1; d < shape.length; d++) b *= shape[d];
        return new int[] {a, shape[dim], b};
    }

    /** Shape of {@code shape} without dimension {@code dim}. */
    public static int[] without(int[] shape, int dim) {
        final int[] out = new int[shape.length - 1];
        for (int d = 0, k = 0; d < shape.length; d++) if (d != dim) out[k++] = shape[d];
        return out;
    }

    /** The sum along {@code dim}; the dimension is removed. */
    public static Tensor sum(Tensor x, int dim) {
        final Tensor in = x.contiguousData();
        final int[] blk = blocks(in.shape(), dim);
        final int a = blk[0], r = blk[1], b = blk[2];
        final float[] src = in.data();
        final int base = in.offset();
        final float[] out = Arena.floats(a * b);
        if (b == 1) {
            Parallel.forRange(a, Math.max(1, Elementwise.GRAIN / Math.max(1, r)), (start, end) -> {
                for (int i = start; i < end; i++) out[i] = sumRow(src, base + i * r, r);
            });
        } else {
            // Split over A when there are enough outer blocks, else over the columns of B.
            final boolean overA = a >= Parallel.threads();
            Parallel.forRange(overA ? a : b, overA ? Math.max(1, Elementwise.GRAIN / (r * b)) : Math.max(S.length(), Elementwise.GRAIN / Math.max(1, r)), (start, end) -> {
                final int a0 = overA ? start : 0, a1 = overA ? end : a;
                final int b0 = overA ? 0 : start, b1 = overA ? b : end;
                for (int i = a0; i < a1; i++) {
                    for (int k = 0; k < r; k++) Elementwise.accumulate(src, base + (i * r + k) * b + b0, out, i * b + b0, b1 - b0);
                }
            });
        }
        return new Tensor(out, without(in.shape(), dim));
    }

    private static float sumRow(float[] src, int off, int n) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int i = 0;
        // Two accumulators halve the dependency chain of the adds.
        for (final int bound = S.loopBound(n / 2) * 2; i < bound; i += 2 * S.length()) {
            acc0 = acc0.add(FloatVector.fromArray(S, src, off + i));
            acc1 = acc1.add(FloatVector.fromArray(S, src, off + i + S.length()));
        }
        for (final int bound = S.loopBound(n); i < bound; i += S.length()) acc0 = acc0.add(FloatVector.fromArray(S, src, off + i));
        float s = Lanes.sum(acc0.add(acc1));
        for (; i < n; i++) s += src[off + i];
        return s;
    }

    /** The maximum along {@code dim} and where it is (the first index on ties); NaN wins, as in PyTorch. */
    public record MaxResult(Tensor values, int[] indices) {}

    public static MaxResult max(Tensor x, int dim) {
        final Tensor in = x.contiguousData();
        final int[] blk = blocks(in.shape(), dim);
        final int a = blk[0], r = blk[1], b = blk[2];
        if (r == 0) throw new IllegalArgumentException("max over an empty dimension");
        final float[] src = in.data();
        final int base = in.offset();
        final float[] out = Arena.floats(a * b);
        final int[] idx = new int[a * b];
        Parallel.forRange(a * b, Math.max(1, Elementwise.GRAIN / r), (start, end) -> {
            for (int o = start; o < end; o++) {
                final int i = o / b, j = o % b;
                int p = base + i * r * b + j;
                float best = src[p];
                int arg = 0;
                for (int k = 1; k < r && !Float.isNaN(best); k++) {
                    p += b;
                    if (src[p] > best || Float.isNaN(src[p])) {
                        best = src[p];
                        arg = k;
                    }
                }
                out[o] = best;
                idx[o] = arg;
            }
        });
        return new MaxResult(new Tensor(out, without(in.shape(), dim)), idx);
    }

    /** The scalar reference of {@link #sum}. */
    public static Tensor sumReference(Tensor x, int dim) {
        final float[] src = x.toArray();
        final int[] blk = blocks(x.shape(), dim);
        final int a = blk[0], r = blk[1], b = blk[2];
        final float[] out = Arena.floats(a * b);
        for (int i = 0; i < a; i++)
            for (int k = 0; k < r; k++)
                for (int j = 0; j < b; j++) out[i * b + j] += src[(i * r + k) * b + j];
        return new Tensor(out, without(x.shape(), dim));
    }
}
