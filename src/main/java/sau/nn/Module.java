package sau.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import sau.autograd.NoGrad;
import sau.tensor.Device;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * A layer or a model: a function with state, arranged as a tree.
 *
 * <p>A module owns <em>parameters</em> (tensors the optimizer trains), <em>buffers</em> (state that
 * is saved but not trained, such as batch norm's running mean) and child modules. Their dotted
 * names follow PyTorch's {@code state_dict} convention, so {@code features.0.weight} is the
 * weight of child {@code 0} of child {@code features}; that is what lets a checkpoint be read
 * by PyTorch and the other way round.
 */
public abstract class Module {

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** The module's computation. Modules with several inputs add their own methods. */
    public abstract Tensor forward(Tensor x);

    /** Registers a trainable tensor under {@code name} and returns it (now requiring grad). */
    protected final Tensor registerParameter(String name, Tensor value) {
        checkName(name);
        value.requiresGrad(true);
        parameters.put(name, value);
        return value;
    }

    /** Registers saved, untrained state under {@code name}. */
    protected final Tensor registerBuffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
        return value;
    }

    /** Registers a child; its parameters appear as {@code name.<its names>}. */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("a module member name must be non-empty and without dots: \"" + name + "\"");
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("\"" + name + "\" is already registered in " + getClass().getSimpleName());
        }
    }

    /** Replaces a parameter's tensor (e.g. when loading), keeping its name. */
    protected final void setParameter(String name, Tensor value) {
        if (!parameters.containsKey(name)) throw new IllegalArgumentException("no parameter \"" + name + "\" in " + getClass().getSimpleName());
        value.requiresGrad(true);
        parameters.put(name, value);
    }

    public final Map<String, Module> children() {
        return java.util.Collections.unmodifiableMap(children);
    }

    /** This module (under "") and every descendant, by dotted name, parents before children. */
    public final Map<String, Module> namedModules() {
        final Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String name, Map<String, Module> out) {
        out.put(name, this);
        children.forEach((k, m) -> m.collectModules(name.isEmpty() ? k : name + "." + k, out));
    }

    /** Every parameter of this module and its descendants, by dotted name, in registration order. */
    public final Map<String, Tensor> namedParameters() {
        final Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true, false);
        return out;
    }

    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Every buffer, by dotted name. */
    public final Map<String, Tensor> namedBuffers() {
        final Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, false, true);
        return out;
    }

    /** Parameters and buffers: everything a checkpoint must hold to rebuild the module. */
    public final Map<String, Tensor> stateDict() {
        final Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true, true);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean params, boolean bufs) {
        if (params) parameters.forEach((k, v) -> out.put(prefix + k, v));
        if (bufs) buffers.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, m) -> m.collect(prefix + k + ".", out, params, bufs));
    }

    /**
     * Copies values into this module's parameters and buffers. With {@code strict}, a missing
     * or unexpected name is an error (listing them), as in PyTorch; shapes must always match.
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict) {
        final Map<String, Tensor> own = stateDict();
        if (strict) {
            final List<String> missing = own.keySet().stream().filter(k -> !state.containsKey(k)).toList();
            final List<String> unexpected = state.keySet().stream().filter(k -> !own.containsKey(k)).toList();
            if (!missing.isEmpty() || !unexpected.isEmpty()) {
                throw new IllegalArgumentException("state dict does not fit " + getClass().getSimpleName() + ": missing " + missing + ", unexpected " + unexpected);
            }
        }
        try (NoGrad scope = NoGrad.enter()) {
            own.forEach((name, t) -> {
                final Tensor v = state.get(name);
                if (v == null) return;
                if (!Arrays.equals(v.shape(), t.shape())) {
                    throw new IllegalArgumentException("\"" + name + "\" has shape " + Shape.str(v.shape()) + " in the state dict but " + Shape.str(t.shape()) + " in the model");
                }
                t.copyFrom(v);
            });
        }
    }

    /**
     * Moves every parameter and buffer to {@code device} in place ({@code model.to("cuda")}), so
     * that the tensors this module and its optimizer hold now live there.
     */
    public final Module to(Device device) {
        try (NoGrad scope = NoGrad.enter()) {
            stateDict().values().forEach(t -> t.moveTo(device));
        }
        return this;
    }

    /**
     * The device of the parameters (the CPU for a module without any): the first one found,
     * without building the state dict, since the trainers ask at every step.
     */
    public final Device device() {
        final Tensor first = firstTensor();
        return first == null ? Device.CPU : first.device();
    }

    private Tensor firstTensor() {
        for (Tensor t : parameters.values()) return t;
        for (Tensor t : buffers.values()) return t;
        for (Module child : children.values()) {
            final Tensor t = child.firstTensor();
            if (t != null) return t;
        }
        return null;
    }

    /** The number of trainable numbers. */
    public final long numParameters() {
        long n = 0;
        for (Tensor p : namedParameters().values()) n += p.numel();
        return n;
    }

    /** Training mode: dropout drops, batch norm uses batch statistics. */
    public final Module train() {
        return setTraining(true);
    }

    /** Evaluation mode: dropout passes through, batch norm uses its running statistics. */
    public final Module eval() {
        return setTraining(false);
    }

    private Module setTraining(boolean mode) {
        apply(m -> m.training = mode);
        return this;
    }

    public final boolean isTraining() {
        return training;
    }

    /** Calls {@code fn} on every module of the tree, children first (as PyTorch's {@code apply}). */
    public final Module apply(Consumer<Module> fn) {
        for (Module child : children.values()) child.apply(fn);
        fn.accept(this);
        return this;
    }

    /** Forgets the gradients of all parameters. */
    public final void zeroGrad() {
        for (Tensor p : namedParameters().values()) p.zeroGrad();
    }

    /** One line per module, indented, as PyTorch prints a model. */
    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            sb.append('\n');
            children.forEach((k, m) -> sb.append("  (").append(k).append("): ").append(m.toString().replace("\n", "\n  ")).append('\n'));
        }
        return sb.append(')').toString();
    }

    /** The module's settings, for {@link #toString()}, e.g. {@code in_features=784, out_features=512}. */
    protected String extraRepr() {
        return "";
    }
}
