package sau.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import sau.ops.Arithmetic;
import sau.ops.Reductions;
import sau.tensor.Tensor;

class AdamTest {

    /** torch.optim.Adam / AdamW (1.13) in doubles. */
    private static double[] reference(double lr, double b1, double b2, double eps, double wd, boolean amsgrad, boolean decoupled, int steps) {
        final double[] w = OptimizerFixture.start();
        final int n = w.length;
        final double[] m = new double[n], v = new double[n], vMax = new double[n];
        for (int t = 1; t <= steps; t++) {
            final double[] g = OptimizerFixture.grad(w);
            final double bc1 = 1 - Math.pow(b1, t), bc2 = 1 - Math.pow(b2, t);
            for (int i = 0; i < n; i++) {
                if (decoupled) w[i] *= 1 - lr * wd;
                else g[i] += wd * w[i];
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                vMax[i] = Math.max(vMax[i], v[i]);
                final double denom = Math.sqrt(amsgrad ? vMax[i] : v[i]) / Math.sqrt(bc2) + eps;
                w[i] -= lr / bc1 * m[i] / denom;
            }
        }
        return w;
    }

    private static void assertMatches(Optimizer opt, Tensor w, double[] expected) {
        OptimizerFixture.train(opt, w, 8);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], w.get(i), 2e-6 * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    @Test
    void firstStepMovesEachWeightByAboutLr() {
        // after one step the bias-corrected m/√v is g/|g|, so every weight moves by lr against its gradient
        final Tensor w = Tensor.of(1f, -2f).requiresGrad(true);
        final Adam adam = new Adam(List.of(w), 0.1);
        Reductions.sum(Arithmetic.mul(w, w)).backward();
        adam.step();
        assertEquals(0.9f, w.get(0), 1e-7f);
        assertEquals(-1.9f, w.get(1), 1e-7f);

        // AdamW first shrinks by 1 − lr·wd = 0.99, then takes the same step
        final Tensor u = Tensor.of(1f).requiresGrad(true);
        final AdamW adamW = new AdamW(List.of(u), 0.1, 0.9, 0.999, 1e-8, 0.1);
        Reductions.sum(Arithmetic.mul(u, u)).backward();
        adamW.step();
        assertEquals(0.89f, u.item(), 1e-7f);
    }

    @Test
    void adamMatchesPyTorchFormulas() {
        Tensor w = OptimizerFixture.initialWeights();
        assertMatches(new Adam(List.of(w), 0.01), w, reference(0.01, 0.9, 0.999, 1e-8, 0, false, false, 8));
        w = OptimizerFixture.initialWeights();
        assertMatches(new Adam(List.of(w), 0.05, 0.8, 0.99, 1e-6, 0.1), w, reference(0.05, 0.8, 0.99, 1e-6, 0.1, false, false, 8));
    }

    @Test
    void amsgradMatchesPyTorchFormulas() {
        // a large lr makes the weights overshoot, so v falls again and the running maximum matters
        final Tensor w = OptimizerFixture.initialWeights();
        assertMatches(new Adam(List.of(w), 0.5, 0.9, 0.9, 1e-8, 0, true), w, reference(0.5, 0.9, 0.9, 1e-8, 0, true, false, 8));
        final double[] plain = reference(0.5, 0.9, 0.9, 1e-8, 0, false, false, 8);
        final double[] ams = reference(0.5, 0.9, 0.9, 1e-8, 0, true, false, 8);
        double diff = 0;
        for (int i = 0; i < ams.length; i++) diff = Math.max(diff, Math.abs(ams[i] - plain[i]));
        org.junit.jupiter.api.Assertions.assertTrue(diff > 1e-3, "the test should exercise the maximum");
    }

    @Test
    void adamWMatchesPyTorchFormulas() {
        Tensor w = OptimizerFixture.initialWeights();
        assertMatches(new AdamW(List.of(w), 0.01), w, reference(0.01, 0.9, 0.999, 1e-8, 0.01, false, true, 8));
        w = OptimizerFixture.initialWeights();
        assertMatches(new AdamW(List.of(w), 0.05, 0.9, 0.95, 1e-8, 0.3, true), w, reference(0.05, 0.9, 0.95, 1e-8, 0.3, true, true, 8));
    }
}
