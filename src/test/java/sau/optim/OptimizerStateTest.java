package sau.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import sau.tensor.Tensor;

class OptimizerStateTest {

    /**
     * Trains 3 steps, saves, trains 4 more; then rebuilds the weights and a fresh optimizer from
     * the saved point and trains the same 4 steps. Both must end bit for bit in the same place.
     */
    private static void resumesExactly(Function<List<Tensor>, Optimizer> make) {
        final Tensor w = OptimizerFixture.initialWeights();
        final Optimizer opt = make.apply(List.of(w));
        OptimizerFixture.train(opt, w, 3);
        final float[] savedWeights = w.toArray();
        final Map<String, Object> saved = opt.stateDict();
        OptimizerFixture.train(opt, w, 4);

        final Tensor resumedW = Tensor.of(savedWeights).requiresGrad(true);
        final Optimizer resumed = make.apply(List.of(resumedW));
        resumed.setLr(123);
        resumed.loadStateDict(saved);
        assertEquals(opt.lr(), resumed.lr());
        OptimizerFixture.train(resumed, resumedW, 4);
        assertArrayEquals(w.toArray(), resumedW.toArray());
    }

    @Test
    void savedStateContinuesTheSameTrajectory() {
        resumesExactly(p -> new SGD(p, 0.05, 0.9, 0.1, 1e-3, false));
        resumesExactly(p -> new SGD(p, 0.05, 0.9, 0, 0, true));
        resumesExactly(p -> new Adam(p, 0.05, 0.9, 0.99, 1e-8, 0, true));
        resumesExactly(p -> new AdamW(p, 0.05));
    }

    @Test
    void stateDictLayout() {
        final Tensor w = OptimizerFixture.initialWeights();
        final Adam adam = new Adam(List.of(Tensor.zeros(3).requiresGrad(true), w), 0.01);
        OptimizerFixture.train(adam, w, 2);
        final Map<String, Object> s = adam.stateDict();
        assertEquals("Adam", s.get("type"));
        assertEquals(0.01, s.get("lr"));
        assertEquals(0.9, s.get("beta1"));
        assertEquals(0.999, s.get("beta2"));
        assertEquals(1e-8, s.get("eps"));
        assertEquals(0.0, s.get("weight_decay"));
        assertEquals(false, s.get("amsgrad"));
        assertEquals(2L, s.get("state.1.step"));
        assertEquals(OptimizerFixture.N, ((float[]) s.get("state.1.exp_avg")).length);
        assertEquals(OptimizerFixture.N, ((float[]) s.get("state.1.exp_avg_sq")).length);
        assertEquals(10, s.size(), "nothing for parameter 0, which never had a gradient: " + s.keySet());

        // a snapshot: later steps do not change it
        final float[] before = ((float[]) s.get("state.1.exp_avg")).clone();
        OptimizerFixture.train(adam, w, 1);
        assertArrayEquals(before, (float[]) s.get("state.1.exp_avg"));

        final SGD sgd = new SGD(List.of(w), 0.1, 0.9, 0, 0, true);
        OptimizerFixture.train(sgd, w, 1);
        final Map<String, Object> t = sgd.stateDict();
        assertEquals(List.of("type", "lr", "momentum", "dampening", "weight_decay", "nesterov", "state.0.step", "state.0.momentum_buffer"), List.copyOf(t.keySet()));
    }

    @Test
    void loadingRejectsWhatDoesNotFit() {
        final Tensor w = OptimizerFixture.initialWeights();
        final SGD sgd = new SGD(List.of(w), 0.1, 0.9);
        OptimizerFixture.train(sgd, w, 1);
        final Map<String, Object> s = sgd.stateDict();
        assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(w), 0.1).loadStateDict(s));
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(Tensor.zeros(3).requiresGrad(true)), 0.1, 0.9).loadStateDict(s));
        final Map<String, Object> extra = new java.util.HashMap<>(s);
        extra.put("state.5.step", 1L);
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(w), 0.1, 0.9).loadStateDict(extra));
    }

    /** Each element alone (scalar tail only) must update exactly as inside a long parameter (vector loop). */
    private static void vectorLoopAndScalarTailAgree(Function<List<Tensor>, Optimizer> make) {
        final int n = OptimizerFixture.N;
        final Tensor big = OptimizerFixture.initialWeights();
        final List<Tensor> singles = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) singles.add(Tensor.of(big.get(i)).requiresGrad(true));
        final List<Tensor> all = new java.util.ArrayList<>(singles);
        all.add(big);
        final Optimizer opt = make.apply(all);
        for (int step = 0; step < 5; step++) {
            final double[] g = OptimizerFixture.grad(toDouble(big.toArray()));
            big.setGrad(Tensor.of(OptimizerFixture.toFloat(g)));
            for (int i = 0; i < n; i++) singles.get(i).setGrad(Tensor.of((float) g[i]));
            opt.step();
        }
        for (int i = 0; i < n; i++) assertEquals(big.get(i), singles.get(i).item(), 0f, "element " + i);
    }

    private static double[] toDouble(float[] v) {
        final double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }

    @Test
    void vectorLoopAndScalarTailAgreeBitForBit() {
        vectorLoopAndScalarTailAgree(p -> new SGD(p, 0.05, 0.9, 0.1, 1e-3, false));
        vectorLoopAndScalarTailAgree(p -> new SGD(p, 0.05, 0.9, 0, 1e-3, true));
        vectorLoopAndScalarTailAgree(p -> new Adam(p, 0.05, 0.9, 0.99, 1e-8, 1e-2, true));
        vectorLoopAndScalarTailAgree(p -> new AdamW(p, 0.05));
    }
}
