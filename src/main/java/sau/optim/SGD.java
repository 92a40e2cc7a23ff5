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
 * Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
 * with exactly the update of PyTorch's {@code torch.optim.SGD}.
 *
 * <p>Momentum keeps a running, exponentially decaying sum of past gradients, so directions in
 * which the gradient is consistent speed up and directions in which it oscillates cancel out.
 * Nesterov's variant steps with the gradient plus the momentum it is about to apply, a look-ahead
 * that damps overshooting. PyTorch's form scales the learning rate into the step rather than
 * into the buffer, which is why its momentum buffer starts as the first gradient itself.
 */
public final class SGD extends Optimizer {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final double momentum;
    private final double dampening;
    private final double weightDecay;
    private final boolean nesterov;

    public SGD(List<Tensor> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        super(params, lr);
        if (!(momentum >= 0)) throw new IllegalArgumentException("invalid momentum: " + momentum);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("invalid weight_decay: " + weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0)) throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    /** Plain SGD with momentum, as most image-classification recipes use it. */
    public SGD(List<Tensor> params, double lr, double momentum) {
        this(params, lr, momentum, 0, 0, false);
    }

    /**
     * For each element, with g the gradient, p the parameter and b the momentum buffer:
     * <pre>
     *   g ← g + weight_decay·p
     *   b ← g                                     on the first step
     *   b ← momentum·b + (1 − dampening)·g        afterwards
     *   g ← g + momentum·b    (Nesterov)   or   g ← b    (otherwise; skipped when momentum = 0)
     *   p ← p − lr·g
     * </pre>
     */
    @Override
    protected void update(ParamState state, float[] p, int pOff, float[] g, int gOff, int n) {
        final boolean first = !state.buffers.containsKey("momentum_buffer");
        final float[] buf = momentum == 0 ? null : state.buffer("momentum_buffer", n);
        final float lr = (float) lr(), wd = (float) weightDecay, mu = (float) momentum, keep = (float) (1 - dampening);
        Parallel.forRange(n, UPDATE_GRAIN, (from, to) -> {
            int i = from;
            for (final int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                final FloatVector w = FloatVector.fromArray(S, p, pOff + i);
                FloatVector d = FloatVector.fromArray(S, g, gOff + i);
                if (wd != 0) d = d.add(w.mul(wd));
                if (buf != null) {
                    final FloatVector b = first ? d : FloatVector.fromArray(S, buf, i).mul(mu).add(d.mul(keep));
                    b.intoArray(buf, i);
                    d = nesterov ? d.add(b.mul(mu)) : b;
                }
                w.sub(d.mul(lr)).intoArray(p, pOff + i);
            }
            for (; i < to; i++) {
                float d = g[gOff + i];
                if (wd != 0) d = d + p[pOff + i] * wd;
                if (buf != null) {
                    final float b = first ? d : buf[i] * mu + d * keep;
                    buf[i] = b;
                    d = nesterov ? d + b * mu : b;
                }
                p[pOff + i] = p[pOff + i] - d * lr;
            }
        });
    }

    @Override
    protected void updateOnGpu(ParamState state, Tensor p, Tensor g) {
        final boolean first = !state.buffers.containsKey("momentum_buffer");
        final Tensor buf = momentum == 0 ? null : state.buffer("momentum_buffer", p);
        CudaOptim.sgd(p, g, buf, (float) lr(), (float) weightDecay, (float) momentum, (float) (1 - dampening), nesterov, first);
    }

    @Override
    protected Map<String, Object> hyperParameters() {
        final Map<String, Object> h = new LinkedHashMap<>();
        h.put("momentum", momentum);
        h.put("dampening", dampening);
        h.put("weight_decay", weightDecay);
        h.put("nesterov", nesterov);
        return h;
    }
}
