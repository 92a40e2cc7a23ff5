package sau.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import sau.ops.Arithmetic;
import sau.ops.Reductions;
import sau.tensor.Tensor;

class SGDTest {

    /** torch.optim.SGD's update, in doubles. */
    private static double[] reference(double lr, double momentum, double dampening, double wd, boolean nesterov, int steps) {
        final double[] w = OptimizerFixture.start();
        double[] buf = null;
        for (int s = 0; s < steps; s++) {
            final double[] g = OptimizerFixture.grad(w);
            for (int i = 0; i < w.length; i++) g[i] += wd * w[i];
            if (momentum != 0) {
                if (buf == null) buf = g.clone();
                else for (int i = 0; i < w.length; i++) buf[i] = momentum * buf[i] + (1 - dampening) * g[i];
                for (int i = 0; i < w.length; i++) g[i] = nesterov ? g[i] + momentum * buf[i] : buf[i];
            }
            for (int i = 0; i < w.length; i++) w[i] -= lr * g[i];
        }
        return w;
    }

    private static void assertMatches(double lr, double momentum, double dampening, double wd, boolean nesterov) {
        final Tensor w = OptimizerFixture.initialWeights();
        OptimizerFixture.train(new SGD(List.of(w), lr, momentum, dampening, wd, nesterov), w, 6);
        final double[] expected = reference(lr, momentum, dampening, wd, nesterov, 6);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], w.get(i), 1e-5 * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    @Test
    void firstStepsByHand() {
        // L = w², w = 1: g = 2; with weight decay 0.01, g = 2.01 and the buffer starts as g
        final Tensor w = Tensor.of(1f).requiresGrad(true);
        final SGD opt = new SGD(List.of(w), 0.1, 0.9, 0, 0.01, false);
        final Runnable step = () -> {
            opt.zeroGrad();
            Reductions.sum(Arithmetic.mul(w, w)).backward();
            opt.step();
        };
        step.run();
        assertEquals(1 - 0.1 * 2.01, w.item(), 1e-7); // 0.799
        step.run();
        // g = 2·0.799 + 0.01·0.799 = 1.60599; buf = 0.9·2.01 + 1.60599 = 3.41499
        assertEquals(0.799 - 0.1 * 3.41499, w.item(), 1e-6); // 0.457501

        final Tensor v = Tensor.of(1f).requiresGrad(true);
        final SGD nesterov = new SGD(List.of(v), 0.1, 0.9, 0, 0.01, true);
        Reductions.sum(Arithmetic.mul(v, v)).backward();
        nesterov.step();
        assertEquals(1 - 0.1 * (2.01 + 0.9 * 2.01), v.item(), 1e-6); // 0.6181
    }

    @Test
    void matchesPyTorchFormulas() {
        assertMatches(0.05, 0, 0, 0, false);
        assertMatches(0.05, 0.9, 0, 0, false);
        assertMatches(0.02, 0.9, 0.1, 5e-4, false);
        assertMatches(0.03, 0.8, 0, 1e-2, true);
    }

    @Test
    void parametersWithoutGradientAreSkipped() {
        final Tensor w = OptimizerFixture.initialWeights();
        final Tensor unused = Tensor.of(1f, 2f, 3f).requiresGrad(true);
        final SGD opt = new SGD(List.of(unused, w), 0.1, 0.9);
        OptimizerFixture.train(opt, w, 3);
        assertArrayEquals(new float[] {1, 2, 3}, unused.toArray());
        assertNull(unused.grad());
        assertEquals(false, opt.stateDict().containsKey("state.0.step"));
        assertEquals(3L, opt.stateDict().get("state.1.step"));
    }

    @Test
    void rejectsInvalidSettings() {
        final List<Tensor> p = List.of(Tensor.zeros(2).requiresGrad(true));
        assertThrows(IllegalArgumentException.class, () -> new SGD(p, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SGD(p, 0.1, 0, 0, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new SGD(p, 0.1, 0.9, 0.1, 0, true));
    }
}
