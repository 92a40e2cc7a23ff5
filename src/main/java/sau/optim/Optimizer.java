package sau.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sau.autograd.NoGrad;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Updates a list of parameters from their gradients. Subclasses define one update rule in
 * {@link #update}; this class walks the parameters, skips those without a gradient (as PyTorch
 * does, so a frozen or unused parameter keeps its state untouched), and keeps the per-parameter
 * state that rules such as momentum and Adam need.
 *
 * <p><b>State dict.</b> {@link #stateDict()} returns a flat {@code Map<String, Object>} that a
 * checkpoint writer can store as JSON scalars plus named float arrays:
 * <ul>
 *   <li>{@code "type"}: String, the optimizer's class name ({@code "SGD"}, {@code "Adam"}, ...);
 *   <li>{@code "lr"}: Double, the current learning rate;
 *   <li>the hyper-parameters under their PyTorch names, as Double or Boolean
 *       (SGD: {@code momentum, dampening, weight_decay, nesterov}; Adam/AdamW:
 *       {@code beta1, beta2, eps, weight_decay, amsgrad});
 *   <li>{@code "state.<i>.step"}: Long, how many updates parameter {@code i} (its index in the
 *       list given to the constructor) has received; present only once it has been updated;
 *   <li>{@code "state.<i>.<buffer>"}: float[] of the parameter's element count, in row-major
 *       order, with PyTorch's buffer names ({@code momentum_buffer}; {@code exp_avg},
 *       {@code exp_avg_sq}, {@code max_exp_avg_sq}).
 * </ul>
 * The map is a snapshot: its arrays are copies. {@link #loadStateDict} restores the learning
 * rate and every parameter's state; the other hyper-parameters come from the constructor, so a
 * resumed run may change them on purpose.
 */
public abstract class Optimizer {

    /**
     * Values of a parameter per part when its update is split over the threads; a smaller
     * parameter is updated on one thread. Each value's update depends on no other value, so the
     * split never changes the result.
     */
    protected static final int UPDATE_GRAIN = 1 << 15;

    /** What the update rule remembers about one parameter between steps. */
    protected static final class ParamState {
        /** Updates received so far, counting the one in progress while {@link #update} runs. */
        public long step;
        /** Named buffers with one value per element of the parameter, on the parameter's device. */
        public final Map<String, Tensor> buffers = new LinkedHashMap<>();

        /** Buffer {@code name} of a parameter on the CPU, zeros when it is new. */
        public float[] buffer(String name, int n) {
            return buffers.computeIfAbsent(name, k -> Tensor.zeros(n)).data();
        }

        /** Buffer {@code name} of parameter {@code p} on its device, zeros when it is new. */
        public Tensor buffer(String name, Tensor p) {
            return buffers.computeIfAbsent(name, k -> Tensor.zeros(p.shape()).to(p.device()));
        }
    }

    private final List<Tensor> params;
    private final ParamState[] states;
    private double lr;

    protected Optimizer(List<Tensor> params, double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("invalid learning rate: " + lr);
        this.params = List.copyOf(params);
        this.states = new ParamState[this.params.size()];
        for (int i = 0; i < states.length; i++) {
            final Tensor p = this.params.get(i);
            if (!p.isContiguous()) throw new IllegalArgumentException("parameter " + i + " is not contiguous; optimizers update parameters in place");
            states[i] = new ParamState();
        }
        this.lr = lr;
    }

    public final List<Tensor> parameters() {
        return params;
    }

    public final double lr() {
        return lr;
    }

    /** Sets the learning rate; a schedule calls this before each step. */
    public final void setLr(double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("invalid learning rate: " + lr);
        this.lr = lr;
    }

    /** Forgets every parameter's gradient, so the next backward starts from nothing. */
    public final void zeroGrad() {
        for (Tensor p : params) p.zeroGrad();
    }

    /** Applies one update to every parameter that has a gradient, in place and without recording a graph. */
    public final void step() {
        try (NoGrad scope = NoGrad.enter()) {
            for (int i = 0; i < params.size(); i++) {
                final Tensor p = params.get(i);
                if (p.grad() == null) continue;
                if (!java.util.Arrays.equals(p.grad().shape(), p.shape())) {
                    throw new IllegalStateException("parameter " + i + " has shape " + Shape.str(p.shape()) + " but its gradient " + Shape.str(p.grad().shape()));
                }
                final Tensor g = p.grad().contiguousData();
                states[i].step++;
                if (p.isCuda()) updateOnGpu(states[i], p, g);
                else update(states[i], p.data(), p.offset(), g.data(), g.offset(), p.numel());
            }
        }
    }

    /**
     * Updates {@code n} parameter values {@code p[pOff..]} from their gradients {@code g[gOff..]}
     * (which the rule must not modify: they belong to the tensor's {@code grad}).
     */
    protected abstract void update(ParamState state, float[] p, int pOff, float[] g, int gOff, int n);

    /** The same rule for a parameter {@code p} and its gradient {@code g} on a GPU (contiguous, same device). */
    protected abstract void updateOnGpu(ParamState state, Tensor p, Tensor g);

    /** The hyper-parameters other than the learning rate, under their PyTorch names. */
    protected abstract Map<String, Object> hyperParameters();

    /** A snapshot of the optimizer's state, laid out as described in the class comment. */
    public final Map<String, Object> stateDict() {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", getClass().getSimpleName());
        out.put("lr", lr);
        out.putAll(hyperParameters());
        for (int i = 0; i < states.length; i++) {
            if (states[i].step == 0) continue;
            out.put("state." + i + ".step", states[i].step);
            for (Map.Entry<String, Tensor> e : states[i].buffers.entrySet()) out.put("state." + i + "." + e.getKey(), e.getValue().toArray());
        }
        return out;
    }

    /** Restores the learning rate and the per-parameter state from {@link #stateDict()}'s layout. */
    public final void loadStateDict(Map<String, Object> state) {
        final String type = getClass().getSimpleName();
        if (!type.equals(state.get("type"))) throw new IllegalArgumentException("state dict of a " + state.get("type") + " optimizer given to " + type);
        if (!(state.get("lr") instanceof Number rate)) throw new IllegalArgumentException("state dict has no numeric \"lr\"");
        final ParamState[] loaded = new ParamState[states.length];
        for (int i = 0; i < loaded.length; i++) loaded[i] = new ParamState();
        for (Map.Entry<String, Object> e : state.entrySet()) {
            if (!e.getKey().startsWith("state.")) continue;
            final String[] parts = e.getKey().split("\\.", 3);
            final int i = parseIndex(parts, e.getKey());
            if (parts[2].equals("step")) {
                if (!(e.getValue() instanceof Number n)) throw new IllegalArgumentException("\"" + e.getKey() + "\" must be a number");
                loaded[i].step = n.longValue();
            } else {
                if (!(e.getValue() instanceof float[] buf)) throw new IllegalArgumentException("\"" + e.getKey() + "\" must be a float[]");
                if (buf.length != params.get(i).numel()) {
                    throw new IllegalArgumentException("\"" + e.getKey() + "\" has " + buf.length + " values but parameter " + i + " has " + params.get(i).numel());
                }
                loaded[i].buffers.put(parts[2], Tensor.of(buf).to(params.get(i).device()));
            }
        }
        System.arraycopy(loaded, 0, states, 0, states.length);
        setLr(rate.doubleValue());
    }

    private int parseIndex(String[] parts, String key) {
        final int i;
        try {
            i = parts.length == 3 ? Integer.parseInt(parts[1]) : -1;
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("malformed state key \"" + key + "\"");
        }
        if (i < 0 || i >= params.size()) throw new IllegalArgumentException("state key \"" + key + "\" does not name one of the " + params.size() + " parameters");
        return i;
    }
}
