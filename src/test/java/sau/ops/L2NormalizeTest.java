package sau.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import sau.autograd.GradCheck;
import sau.tensor.Generator;
import sau.tensor.Tensor;

class L2NormalizeTest {

    @Test
    void everyPositionHasUnitLengthAcrossChannels() {
        // [1, 2, 1, 2]: position 0 holds (3, 4), position 1 holds (0, 0)
        final Tensor x = Tensor.of(new float[] {3, 0, 4, 0}, 1, 2, 1, 2);
        assertArrayEquals(new float[] {0.6f, 0, 0.8f, 0}, L2Normalize.channels(x).toArray(), 1e-7f);
    }

    @Test
    void gradientCheck() {
        final Tensor x = Tensor.randn(new Generator(5), 2, 3, 2, 2).requiresGrad(true);
        GradCheck.create().check(t -> L2Normalize.channels(t[0]), x);
    }

    /** Where every channel is 0 (common after ReLU) the gradient is g/ε, finite, where √ would give NaN. */
    @Test
    void gradientAtAnAllZeroPositionIsFinite() {
        final Tensor x = Tensor.zeros(1, 2, 1, 1).requiresGrad(true);
        L2Normalize.channels(x).backward(Tensor.of(new float[] {1e-12f, -2e-12f}, 1, 2, 1, 1));
        assertEquals(1f, x.grad().get(0, 0, 0, 0), 1e-6);
        assertEquals(-2f, x.grad().get(0, 1, 0, 0), 1e-6);
    }
}
