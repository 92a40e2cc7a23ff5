package sau.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import sau.backend.cpu.Parallel;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/** A large parameter's update is split over the threads: the result must be the same bits as on one thread. */
class ParallelUpdateTest {

    /** Several parts, and part boundaries that are not a multiple of the vector length. */
    private static final int N = 3 * Optimizer.UPDATE_GRAIN + 5;

    @Test
    void sgdWithMomentumAndWeightDecay() {
        assertSameOnOneAndTwoThreads(w -> new SGD(List.of(w), 0.1, 0.9, 0, 0.01, true));
        assertSameOnOneAndTwoThreads(w -> new SGD(List.of(w), 0.1, 0.9, 0.1, 0.01, false));
    }

    @Test
    void adamWithAmsgradAndAdamW() {
        assertSameOnOneAndTwoThreads(w -> new Adam(List.of(w), 0.01, 0.9, 0.999, 1e-8, 0.01, true));
        assertSameOnOneAndTwoThreads(w -> new AdamW(List.of(w), 0.01, 0.9, 0.999, 1e-8, 0.1, false));
    }

    private static void assertSameOnOneAndTwoThreads(Function<Tensor, Optimizer> make) {
        final float[] one = train(make, 1), two = train(make, 2);
        assertArrayEquals(one, two);
        assertTrue(one[N - 1] != Tensor.randn(new Generator(1), N).get(N - 1), "the last value (in a scalar tail) was updated");
    }

    /** Three steps from the same weights and gradients; returns the weights. */
    private static float[] train(Function<Tensor, Optimizer> make, int threads) {
        final int saved = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            final Tensor w = Tensor.randn(new Generator(1), N).requiresGrad(true);
            final Optimizer opt = make.apply(w);
            for (int step = 0; step < 3; step++) {
                w.setGrad(Tensor.randn(new Generator(100 + step), N));
                opt.step();
            }
            return w.toArray();
        } finally {
            Parallel.setThreads(saved);
        }
    }
}
