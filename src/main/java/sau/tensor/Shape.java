package sau.tensor;

import java.util.Arrays;

/** Helpers for shapes and strides, which sau keeps as plain {@code int[]}. */
public final class Shape {

    private Shape() {}

    /** The number of elements of a tensor of this shape (1 for a scalar, shape {@code []}). */
    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            n *= d;
        }
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
        return (int) n;
    }

    /** Row-major strides: the last dimension is contiguous. */
    public static int[] contiguousStrides(int[] shape) {
        final int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /** Turns a possibly negative dimension index into {@code [0, rank)}, as PyTorch does. */
    public static int dim(int dim, int rank) {
        final int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= Math.max(rank, 1)) {
            throw new IllegalArgumentException("dimension " + dim + " is out of range for a tensor of rank " + rank);
        }
        return d;
    }

    /** The shape two shapes broadcast to, by NumPy's rule (align right; sizes equal or 1). */
    public static int[] broadcast(int[] a, int[] b) {
        final int rank = Math.max(a.length, b.length);
        final int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            final int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            final int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + str(a) + " and " + str(b) + " cannot be broadcast together (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
