package sau.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearKernelTest {

    /**
     * The weight gradient is computed as one product per share of W's rows: each element must be
     * the same sum, in the same order, as in the single product {@code (dL/dY)ᵀ·X}, whatever the
     * thread count; and that product must be right.
     */
    @Test
    void weightGradientSplitByRowsIsTheSingleProductBitForBit() {
        final int rows = 300, in = 301, out = 101; // 9.1 M multiply-adds: split; 101 rows: an odd split
        assertTrue(Gemm.parallel(out, in, rows));
        final Random random = new Random(7);
        final float[] g = randoms(random, rows * out), x = randoms(random, rows * in);
        final float[] single = new float[out * in], reference = new float[out * in];
        Gemm.gemm(true, false, out, in, rows, g, 0, out, x, 0, in, 0f, single, 0, in);
        Gemm.gemmReference(true, false, out, in, rows, g, 0, out, x, 0, in, 0f, reference, 0, in);
        for (int i = 0; i < reference.length; i++) assertEquals(reference[i], single[i], 1e-3f * (1 + Math.abs(reference[i])));
        final int saved = Parallel.threads();
        try {
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                final float[] dw = new float[out * in];
                Arrays.fill(dw, Float.NaN);
                LinearKernel.backwardWeight(g, 0, x, 0, dw, rows, in, out);
                assertArrayEquals(single, dw, threads + " threads");
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    private static float[] randoms(Random random, int n) {
        final float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextGaussian();
        return v;
    }
}
