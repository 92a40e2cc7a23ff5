package sau.backend.cuda;

import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * The {@code Layout3} struct of {@code common.cuh}, as the ints a kernel receives by value: up
 * to three operands over one index space, each with its own strides (0 where it is broadcast).
 */
final class Layout3 {

    static final int MAX_RANK = 8;

    private Layout3() {}

    /**
     * The struct for {@code shape} and the strides of up to three operands (null for none), with
     * neighbouring dimensions merged where every operand steps through them as one (and
     * dimensions of size 1 dropped): the kernels divide once per dimension and element, so a
     * contiguous copy costs one division instead of four.
     */
    static int[] of(int[] shape, int[]... strides) {
        final int[] merged = new int[shape.length];
        final int[][] mergedStrides = new int[strides.length][shape.length];
        int rank = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            boolean joins = rank > 0;
            for (int k = 0; k < strides.length && joins; k++) {
                joins = strides[k] == null || mergedStrides[k][rank - 1] == strides[k][d] * shape[d];
            }
            if (joins) {
                merged[rank - 1] *= shape[d];
                for (int k = 0; k < strides.length; k++) if (strides[k] != null) mergedStrides[k][rank - 1] = strides[k][d];
            } else {
                merged[rank] = shape[d];
                for (int k = 0; k < strides.length; k++) if (strides[k] != null) mergedStrides[k][rank] = strides[k][d];
                rank++;
            }
        }
        final int[][] kept = new int[strides.length][];
        for (int k = 0; k < strides.length; k++) kept[k] = strides[k] == null ? null : java.util.Arrays.copyOf(mergedStrides[k], rank);
        return struct(java.util.Arrays.copyOf(merged, rank), kept);
    }

    private static int[] struct(int[] shape, int[]... strides) {
        if (shape.length > MAX_RANK) throw new IllegalArgumentException("CUDA kernels take tensors of at most " + MAX_RANK + " dimensions, got " + Shape.str(shape));
        final int[] s = new int[1 + MAX_RANK + 3 * MAX_RANK];
        s[0] = Math.max(1, shape.length);
        if (shape.length == 0) s[1] = 1;
        for (int d = 0; d < shape.length; d++) s[1 + d] = shape[d];
        for (int k = 0; k < strides.length; k++) {
            if (strides[k] == null) continue;
            for (int d = 0; d < shape.length; d++) s[1 + MAX_RANK + k * MAX_RANK + d] = strides[k][d];
        }
        return s;
    }

    /** The strides that read {@code t} as if broadcast to {@code shape} (0 along the broadcast dimensions). */
    static int[] broadcastStrides(Tensor t, int[] shape) {
        final int[] out = new int[shape.length];
        final int[] ts = t.shape(), st = t.strides();
        final int lead = shape.length - ts.length;
        for (int d = 0; d < ts.length; d++) out[lead + d] = ts[d] == 1 && shape[lead + d] != 1 ? 0 : st[d];
        return out;
    }
}
