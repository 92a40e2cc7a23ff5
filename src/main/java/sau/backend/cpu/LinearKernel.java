package sau.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A fully connected layer on {@code rows} input vectors: {@code Y = X·Wᵀ + b}, with X
 * {@code [rows, in]}, W {@code [out, in]} (PyTorch's layout) and Y {@code [rows, out]}, and its
 * two backward products. Each is one GEMM that reads W or X transposed in place, so no
 * transposed copy is ever made and dL/dW comes out in W's own layout.
 */
public final class LinearKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private LinearKernel() {}

    /** Y = X·Wᵀ (+ b on every row when {@code bias} is not null). */
    public static void forward(float[] x, int xOff, float[] w, int wOff, float[] bias, float[] y, int rows, int in, int out) {
        Gemm.gemm(false, true, rows, out, in, x, xOff, in, w, wOff, in, 0f, y, 0, out);
        if (bias == null) return;
        Parallel.forRange(rows, Math.max(1, Elementwise.GRAIN / Math.max(1, out)), (start, end) -> {
            for (int r = start; r < end; r++) {
                final int o = r * out;
                int j = 0;
                for (final int bound = S.loopBound(out); j < bound; j += S.length()) {
                    FloatVector.fromArray(S, y, o + j).add(FloatVector.fromArray(S, bias, j)).intoArray(y, o + j);
                }
                for (; j < out; j++) y[o + j] += bias[j];
            }
        });
    }

    /** dL/dX = dL/dY · W: {@code [rows, out]·[out, in]}. */
    public static void backwardInput(float[] g, int gOff, float[] w, int wOff, float[] dx, int rows, int in, int out) {
        Gemm.gemm(false, false, rows, in, out, g, gOff, out, w, wOff, in, 0f, dx, 0, in);
    }

    /**
     * dL/dW = (dL/dY)ᵀ · X: {@code [out, rows]·[rows, in]}, in W's layout.
     *
     * <p>Each thread computes a contiguous share of W's rows, one product each, though the GEMM
     * would split this shape by columns: the optimizer's update reads the gradient in contiguous
     * shares dealt the same way ({@link Parallel#forChunks}), and the next forward product, split
     * by its output columns, reads those same rows of W. So the gradient, the weight and its
     * momentum stay on the core that wrote them, which matters when the two cores are far apart
     * (docs/performance.md, "Two placements of the cores"). Every element is the same sum in the
     * same order either way. Where W is more than twice as wide as tall the GEMM splits it its own
     * way: each thread would pack all of X, and 256×1024 from 1024 rows ran at 0.92 of the speed
     * by rows (512×784 and 512×512 from 128 rows, 1024×256, 256×256 and 8000×256 from 1024:
     * 1.01–1.06).
     */
    public static void backwardWeight(float[] g, int gOff, float[] x, int xOff, float[] dw, int rows, int in, int out) {
        if (!Gemm.parallel(out, in, rows) || 2L * out < in || Parallel.threadsHere() == 1) {
            Gemm.gemm(true, false, out, in, rows, g, gOff, out, x, xOff, in, 0f, dw, 0, in);
            return;
        }
        final int parts = Math.min(Parallel.threadsHere(), out);
        Parallel.forChunks(parts, part -> {
            final int first = Parallel.chunkStart(out, parts, part), last = Parallel.chunkStart(out, parts, part + 1);
            Gemm.gemm(true, false, last - first, in, rows, g, gOff + first, out, x, xOff, in, 0f, dw, first * in, in);
        });
    }
}
