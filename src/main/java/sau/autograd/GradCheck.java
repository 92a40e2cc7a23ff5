package sau.autograd;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import sau.tensor.Generator;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Checks an op's backward against central finite differences.
 *
 * <p>The function's output {@code y} is reduced to the scalar {@code L = Σ w·y} with fixed random
 * weights {@code w}, so every output element contributes with its own factor (a plain sum would
 * hide a gradient that is right only on average). For each checked input element,
 * {@code dL/dx ≈ (L(x+ε) − L(x−ε)) / 2ε}, with L summed in double to keep float32 rounding
 * small. The analytic gradient passes when {@code |analytic − numeric| ≤ atol + rtol·|numeric|}.
 *
 * <p>sau computes in float32, so ε cannot be tiny: the defaults (ε = 1e-2 scaled by |x|,
 * rtol = 1e-2, atol = 1e-3) catch wrong formulas, which are off by far more, while tolerating
 * float rounding.
 */
public final class GradCheck {

    private double eps = 1e-2;
    private double rtol = 1e-2;
    private double atol = 1e-3;
    private int maxElementsPerInput = 64;
    private long seed = 1234;

    public static GradCheck create() {
        return new GradCheck();
    }

    public GradCheck eps(double v) { eps = v; return this; }

    public GradCheck rtol(double v) { rtol = v; return this; }

    public GradCheck atol(double v) { atol = v; return this; }

    /** Inputs bigger than this are checked on a random sample of their elements. */
    public GradCheck maxElementsPerInput(int v) { maxElementsPerInput = v; return this; }

    public GradCheck seed(long v) { seed = v; return this; }

    /** One compared element. */
    public record Mismatch(int input, int element, double analytic, double numeric) {}

    /**
     * Throws an {@link AssertionError} listing the mismatching elements, if any. Inputs must be
     * dense leaf tensors; those with {@code requiresGrad} are checked.
     */
    public void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        final List<Mismatch> bad = mismatches(f, inputs);
        if (!bad.isEmpty()) {
            final StringBuilder sb = new StringBuilder("gradient check failed on " + bad.size() + " element(s):");
            for (Mismatch m : bad.subList(0, Math.min(10, bad.size()))) {
                sb.append(String.format("%n  input %d element %d: analytic %.6g, numeric %.6g", m.input(), m.element(), m.analytic(), m.numeric()));
            }
            throw new AssertionError(sb.toString());
        }
    }

    /** The elements whose analytic and numeric gradients disagree. */
    public List<Mismatch> mismatches(Function<Tensor[], Tensor> f, Tensor... inputs) {
        for (Tensor in : inputs) {
            if (!in.isDense() || !in.isLeaf()) throw new IllegalArgumentException("GradCheck needs dense leaf inputs, got " + in);
            in.zeroGrad();
        }
        final Generator g = new Generator(seed);
        final Tensor out = f.apply(inputs);
        final Tensor w = Tensor.randn(g, out.shape());
        if (!out.requiresGrad()) throw new IllegalArgumentException("the checked function's output does not require grad");
        out.backward(w);

        final List<Mismatch> bad = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            final Tensor in = inputs[i];
            if (!in.requiresGrad()) continue;
            if (in.grad() == null) throw new AssertionError("input " + i + " of shape " + Shape.str(in.shape()) + " received no gradient");
            final float[] analytic = in.grad().toArray();
            final float[] x = in.data();
            for (int e : sample(x.length, g)) {
                final float saved = x[e];
                final double h = eps * Math.max(1.0, Math.abs(saved));
                x[e] = (float) (saved + h);
                final double plus = weightedSum(f, inputs, w);
                x[e] = (float) (saved - h);
                final double minus = weightedSum(f, inputs, w);
                x[e] = saved;
                // the step actually taken in float, not the h asked for
                final double step = (double) (float) (saved + h) - (double) (float) (saved - h);
                final double numeric = (plus - minus) / step;
                if (Math.abs(analytic[e] - numeric) > atol + rtol * Math.abs(numeric)) {
                    bad.add(new Mismatch(i, e, analytic[e], numeric));
                }
            }
        }
        return bad;
    }

    private int[] sample(int n, Generator g) {
        if (n <= maxElementsPerInput) {
            final int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        final int[] perm = g.permutation(n);
        return java.util.Arrays.copyOf(perm, maxElementsPerInput);
    }

    private static double weightedSum(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor w) {
        try (NoGrad scope = NoGrad.enter()) {
            final float[] y = f.apply(inputs).toArray();
            final float[] wv = w.toArray();
            double s = 0;
            for (int i = 0; i < y.length; i++) s += (double) wv[i] * y[i];
            return s;
        }
    }
}
