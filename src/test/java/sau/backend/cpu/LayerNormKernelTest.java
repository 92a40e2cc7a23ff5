package sau.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import sau.tensor.Generator;

/** The vectorised, threaded layer-norm kernel against its scalar double-precision reference. */
class LayerNormKernelTest {

    @Test
    void forwardAndBackwardMatchTheReference() {
        final Generator g = new Generator(3);
        // 37 columns: vector body plus a scalar tail; 300 rows: split over threads
        final int rows = 300, n = 37;
        final float[] x = new float[rows * n], gy = new float[rows * n], gamma = new float[n], beta = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (3 + 2 * g.nextGaussian()); // a mean far from 0
            gy[i] = (float) g.nextGaussian();
        }
        for (int j = 0; j < n; j++) {
            gamma[j] = (float) (1 + 0.5 * g.nextGaussian());
            beta[j] = (float) g.nextGaussian();
        }
        final float[] y = new float[x.length], yRef = new float[x.length], mean = new float[rows], rstd = new float[rows];
        LayerNormKernel.forward(x, 0, gamma, beta, y, mean, rstd, rows, n, 1e-5f);
        LayerNormKernel.forwardReference(x, gamma, beta, yRef, rows, n, 1e-5f);
        assertArrayEquals(yRef, y, 1e-4f);

        final float[] dx = new float[x.length], dg = new float[n], db = new float[n];
        final float[] dxRef = new float[x.length], dgRef = new float[n], dbRef = new float[n];
        LayerNormKernel.backward(gy, 0, x, 0, gamma, mean, rstd, dx, dg, db, rows, n);
        LayerNormKernel.backwardReference(gy, x, gamma, dxRef, dgRef, dbRef, rows, n, 1e-5f);
        assertArrayEquals(dxRef, dx, 1e-4f);
        assertArrayEquals(dgRef, dg, 1e-3f);
        assertArrayEquals(dbRef, db, 1e-3f);
    }

    @Test
    void normalisesEachRowToMeanZeroVarianceOne() {
        final float[] x = {1, 2, 3, 4, 10, 10, 10, 10};
        final float[] y = new float[8], mean = new float[2], rstd = new float[2];
        LayerNormKernel.forward(x, 0, new float[] {1, 1, 1, 1}, new float[] {0, 0, 0, 0}, y, mean, rstd, 2, 4, 1e-5f);
        // row 1: mean 2.5, variance 1.25
        final float s = (float) (1 / Math.sqrt(1.25 + 1e-5));
        assertArrayEquals(new float[] {-1.5f * s, -0.5f * s, 0.5f * s, 1.5f * s, 0, 0, 0, 0}, y, 1e-5f);
        assertArrayEquals(new float[] {2.5f, 10f}, mean, 0f);
    }
}
