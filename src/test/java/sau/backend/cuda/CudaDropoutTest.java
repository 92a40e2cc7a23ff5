package sau.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import sau.ops.Dropout2dOp;
import sau.ops.DropoutOp;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * Dropout masks drawn on the GPU: they differ from the CPU's numbers, so the tests check the
 * distribution (the fraction dropped, the scale 1/(1−p) of the kept), that backward applies the
 * same mask, and that a seed reproduces the mask.
 */
@Tag("cuda")
class CudaDropoutTest {

    private static Tensor onesOnGpu(int... shape) {
        return Tensor.ones(shape).to(CudaParity.GPU).requiresGrad(true);
    }

    /** The fraction of zeros in {@code v}, after checking that every other value is {@code keep}. */
    private static double droppedFraction(float[] v, float keep) {
        int zeros = 0;
        for (float e : v) {
            if (e == 0f) zeros++;
            else assertEquals(keep, e, "a kept element holds 1/(1-p)");
        }
        return (double) zeros / v.length;
    }

    @Test
    void dropFractionScaleAndSameMaskInBackward() {
        CudaParity.assumeGpu();
        for (float p : new float[] {0.1f, 0.3f, 0.5f, 0.9f}) {
            final Tensor x = onesOnGpu(400, 500);
            final Tensor y = DropoutOp.dropout(x, p, new Generator(1));
            assertEquals(CudaParity.GPU, y.device());
            final float[] out = y.toArray();
            // 200 000 draws: the standard deviation of the fraction is below 0.0012
            final double fraction = droppedFraction(out, 1 / (1 - p));
            assertEquals(p, fraction, 0.006, "fraction dropped with p = " + p);
            y.backward(Tensor.ones(400, 500).to(CudaParity.GPU));
            assertArrayEquals(out, x.grad().toArray(), "the gradient of ones goes through the same mask");
        }
    }

    @Test
    void seedReproducesTheMask() {
        CudaParity.assumeGpu();
        final Tensor x = Tensor.ones(1000).to(CudaParity.GPU);
        final float[] a = DropoutOp.dropout(x, 0.5f, new Generator(7)).toArray();
        final float[] b = DropoutOp.dropout(x, 0.5f, new Generator(7)).toArray();
        final float[] c = DropoutOp.dropout(x, 0.5f, new Generator(8)).toArray();
        assertArrayEquals(a, b, "the same seed, the same mask");
        assertFalse(Arrays.equals(a, c), "another seed, another mask");
        final Generator g = new Generator(7);
        assertFalse(Arrays.equals(DropoutOp.dropout(x, 0.5f, g).toArray(), DropoutOp.dropout(x, 0.5f, g).toArray()), "two calls, two masks");
    }

    @Test
    void noneAndAll() {
        CudaParity.assumeGpu();
        final Tensor x = Tensor.rand(new Generator(3), 50).to(CudaParity.GPU); // not negative: x·0 is +0
        assertArrayEquals(x.toArray(), DropoutOp.dropout(x, 0f, new Generator(1)).toArray());
        assertArrayEquals(new float[50], DropoutOp.dropout(x, 1f, new Generator(1)).toArray());
    }

    /** Whole channels: each (n, c) map is all zeros or all 1/(1−p), and about p of them are zeros. */
    @Test
    void dropout2dDropsWholeChannels() {
        CudaParity.assumeGpu();
        final float p = 0.4f;
        final int n = 16, c = 128, plane = 9;
        final Tensor x = onesOnGpu(n, c, 3, 3);
        final Tensor y = Dropout2dOp.dropout2d(x, p, new Generator(2));
        final float[] out = y.toArray();
        int dropped = 0;
        for (int map = 0; map < n * c; map++) {
            final float first = out[map * plane];
            for (int k = 1; k < plane; k++) assertEquals(first, out[map * plane + k], "one mask value per channel");
            if (first == 0f) dropped++;
            else assertEquals(1 / (1 - p), first);
        }
        // 2048 channels: the standard deviation of the fraction is about 0.011
        assertTrue(Math.abs((double) dropped / (n * c) - p) < 0.05, "fraction of channels dropped: " + (double) dropped / (n * c));
        y.backward(Tensor.ones(n, c, 3, 3).to(CudaParity.GPU));
        assertArrayEquals(out, x.grad().toArray(), "backward uses the same channel mask");
    }
}
