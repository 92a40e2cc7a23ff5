package sau.optim;

import static sau.ops.Arithmetic.mul;
import static sau.ops.Arithmetic.pow;
import static sau.ops.Arithmetic.sub;

import sau.ops.Reductions;
import sau.tensor.Tensor;

/**
 * A tiny problem for the optimizer tests: minimise L(w) = Σ c_i·(w_i − t_i)², whose gradient
 * 2·c_i·(w_i − t_i) the double-precision references compute by hand.
 */
final class OptimizerFixture {

    /** 37 elements: with 4, 8 or 16 lanes the update runs through both the vector loop and the scalar tail. */
    static final int N = 37;
    static final double[] W0 = new double[N];
    static final double[] T = new double[N];
    static final double[] C = new double[N];

    static {
        for (int i = 0; i < N; i++) {
            W0[i] = 2 * Math.sin(1.7 * i + 0.3);
            T[i] = Math.cos(0.9 * i);
            C[i] = 0.1 + (i % 5) * 0.6;
        }
    }

    private OptimizerFixture() {}

    static Tensor initialWeights() {
        return Tensor.of(toFloat(W0)).requiresGrad(true);
    }

    /** Sets w's gradient by back-propagating L. */
    static void backward(Tensor w) {
        final Tensor diff = sub(w, Tensor.of(toFloat(T)));
        Reductions.sum(mul(Tensor.of(toFloat(C)), pow(diff, 2f))).backward();
    }

    /** Runs {@code steps} steps of {@code opt} on w. */
    static void train(Optimizer opt, Tensor w, int steps) {
        for (int s = 0; s < steps; s++) {
            opt.zeroGrad();
            backward(w);
            opt.step();
        }
    }

    static double[] grad(double[] w) {
        final double[] g = new double[w.length];
        for (int i = 0; i < w.length; i++) g[i] = 2 * C[i] * (w[i] - T[i]);
        return g;
    }

    /** The starting weights as floats read back as doubles, so references start where sau starts. */
    static double[] start() {
        final double[] w = new double[W0.length];
        for (int i = 0; i < w.length; i++) w[i] = (float) W0[i];
        return w;
    }

    static float[] toFloat(double[] v) {
        final float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }
}
