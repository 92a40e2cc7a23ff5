package sau.backend.cuda;

import sau.backend.cpu.Elementwise;
import sau.tensor.Shape;

/**
 * The {@code Layout3} struct of {@code common.cuh}, as the ints a kernel receives by value: up
 * to three operands over one index space, each with its own strides (0 where it is broadcast).
 */
final class Layout3 {

    static final int MAX_RANK = 8;

    private Layout3() {}

    /**
     * The struct for {@code shape} and the strides of up to three operands, with neighbouring
     * dimensions merged where every operand steps through them as one, as the CPU's
     * {@link Elementwise#coalesce} does: the kernels divide once per dimension and element, so a
     * contiguous copy costs one division instead of four.
     */
    static int[] of(int[] shape, int[]... strides) {
        final Elementwise.Layout l = Elementwise.coalesce(shape, strides);
        if (l.shape().length > MAX_RANK) throw new IllegalArgumentException("CUDA kernels take tensors of at most " + MAX_RANK + " dimensions, got " + Shape.str(shape));
        final int[] s = new int[1 + MAX_RANK + 3 * MAX_RANK];
        s[0] = l.shape().length;
        for (int d = 0; d < l.shape().length; d++) {
            s[1 + d] = l.shape()[d];
            for (int k = 0; k < strides.length; k++) s[1 + MAX_RANK + k * MAX_RANK + d] = l.strides()[k][d];
        }
        return s;
    }
}
