package sau.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import sau.backend.cpu.Parallel;
import sau.backend.cuda.CudaOptim;
import sau.tensor.Tensor;

/**
 * Adam (Kingma and Ba, 2015) with exactly the update of PyTorch's {@code torch.optim.Adam}
 * (version 1.13), including its optional AMSGrad variant (Reddi et al., 2018).
 *
 * <p>Adam keeps two running averages per element: m of the gradient and v of its square. The
 * step is m/√v, so each element gets its own step size, about lr in size whatever the scale of
 * its gradient. Both averages start at 0 and are therefore biased towards 0 in early steps; the
 * bias corrections {@code 1 − β^t} undo that. AMSGrad divides by the largest v seen so far,
 * which keeps the effective step size from growing again.
 *
 * <p>Weight decay here is PyTorch's Adam's: an L2 term added to the gradient, which Adam then
 * rescales like any other gradient. {@link AdamW} decouples it from the gradient instead.
 */
public class Adam extends Optimizer {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean amsgrad;
    private final boolean decoupledWeightDecay;

    public Adam(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        this(params, lr, beta1, beta2, eps, weightDecay, amsgrad, false);
    }

    public Adam(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(params, lr, beta1, beta2, eps, weightDecay, false, false);
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<Tensor> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0, false, false);
    }

    Adam(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad, boolean decoupledWeightDecay) {
        super(params, lr);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("invalid beta1: " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("invalid beta2: " + beta2);
        if (!(eps >= 0)) throw new IllegalArgumentException("invalid eps: " + eps);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("invalid weight_decay: " + weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.amsgrad = amsgrad;
        this.decoupledWeightDecay = decoupledWeightDecay;
    }

    /**
     * For each element at step t (counting from 1), with g the gradient and p the parameter:
     * <pre>
     *   p ← p·(1 − lr·weight_decay)                  (AdamW only)
     *   g ← g + weight_decay·p                       (Adam only)
     *   m ← β1·m + (1 − β1)·g
     *   v ← β2·v + (1 − β2)·g²
     *   v̂ ← max(v̂, v)                                (AMSGrad; then v̂ replaces v below)
     *   denom = √v / √(1 − β2^t) + eps
     *   p ← p − (lr / (1 − β1^t))·m / denom
     * </pre>
     */
    @Override
    protected final void update(ParamState state, float[] p, int pOff, float[] g, int gOff, int n) {
        final float[] m = state.buffer("exp_avg", n);
        final float[] v = state.buffer("exp_avg_sq", n);
        final float[] vMax = amsgrad ? state.buffer("max_exp_avg_sq", n) : null;
        final double lr = lr();
        final float l2 = decoupledWeightDecay ? 0f : (float) weightDecay;
        final float decay = decoupledWeightDecay ? (float) (1 - lr * weightDecay) : 1f;
        final float b1 = (float) beta1, b2 = (float) beta2, c1 = (float) (1 - beta1), c2 = (float) (1 - beta2);
        final float stepSize = (float) (lr / (1 - Math.pow(beta1, state.step)));
        final float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, state.step));
        final float e = (float) eps;
        Parallel.forRange(n, UPDATE_GRAIN, (from, to) -> {
            int i = from;
            for (final int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                FloatVector w = FloatVector.fromArray(S, p, pOff + i);
                FloatVector d = FloatVector.fromArray(S, g, gOff + i);
                if (decay != 1f) w = w.mul(decay);
                if (l2 != 0f) d = d.add(w.mul(l2));
                final FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(d.mul(c1));
                FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(d.mul(d).mul(c2));
                mi.intoArray(m, i);
                vi.intoArray(v, i);
                if (vMax != null) {
                    vi = FloatVector.fromArray(S, vMax, i).max(vi);
                    vi.intoArray(vMax, i);
                }
                final FloatVector denom = vi.sqrt().div(bc2Sqrt).add(e);
                w.sub(mi.div(denom).mul(stepSize)).intoArray(p, pOff + i);
            }
            for (; i < to; i++) {
                float w = p[pOff + i];
                float d = g[gOff + i];
                if (decay != 1f) w = w * decay;
                if (l2 != 0f) d = d + w * l2;
                final float mi = m[i] * b1 + d * c1;
                float vi = v[i] * b2 + d * d * c2;
                m[i] = mi;
                v[i] = vi;
                if (vMax != null) {
                    vi = Math.max(vMax[i], vi);
                    vMax[i] = vi;
                }
                final float denom = (float) Math.sqrt(vi) / bc2Sqrt + e;
                p[pOff + i] = w - mi / denom * stepSize;
            }
        });
    }

    @Override
    protected final void updateOnGpu(ParamState state, Tensor p, Tensor g) {
        final double lr = lr();
        CudaOptim.adam(p, g, state.buffer("exp_avg", p), state.buffer("exp_avg_sq", p), amsgrad ? state.buffer("max_exp_avg_sq", p) : null,
            decoupledWeightDecay ? (float) (1 - lr * weightDecay) : 1f, decoupledWeightDecay ? 0f : (float) weightDecay,
            (float) beta1, (float) beta2, (float) (1 - beta1), (float) (1 - beta2),
            (float) (lr / (1 - Math.pow(beta1, state.step))), (float) Math.sqrt(1 - Math.pow(beta2, state.step)), (float) eps);
    }

    @Override
    protected final Map<String, Object> hyperParameters() {
        final Map<String, Object> h = new LinkedHashMap<>();
        h.put("beta1", beta1);
        h.put("beta2", beta2);
        h.put("eps", eps);
        h.put("weight_decay", weightDecay);
        h.put("amsgrad", amsgrad);
        return h;
    }
}
