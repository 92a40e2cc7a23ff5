package sau.autograd;

import sau.tensor.Tensor;

/**
 * One operation in the graph that autograd walks backwards.
 *
 * <p>An op computes its output, then calls {@link #record}: if any input requires grad (and
 * grad mode is on) the output remembers a node holding the inputs and the op's backward
 * function. That function is a closure over the values the forward pass saved; once backward
 * has used it, {@link #release()} drops it, so the saved tensors can be garbage collected.
 */
public final class Node {

    /** Given dL/d(output), returns dL/d(input i) for each input (null where none is needed). */
    @FunctionalInterface
    public interface BackwardFn {
        Tensor[] apply(Tensor gradOutput);
    }

    private final String name;
    private final Tensor[] inputs;
    private BackwardFn backwardFn;

    private Node(String name, Tensor[] inputs, BackwardFn backwardFn) {
        this.name = name;
        this.inputs = inputs;
        this.backwardFn = backwardFn;
    }

    /**
     * Attaches a node to {@code output} when gradients must flow through this op, and returns
     * {@code output}. Inputs may contain nulls (optional arguments such as a missing bias).
     */
    public static Tensor record(String name, Tensor output, BackwardFn backward, Tensor... inputs) {
        if (!NoGrad.gradEnabled()) return output;
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad()) {
                output.setGradFn(new Node(name, inputs, backward));
                return output;
            }
        }
        return output;
    }

    /** True when any of these tensors will need a gradient, i.e. when an op must record itself. */
    public static boolean needsGrad(Tensor... tensors) {
        if (!NoGrad.gradEnabled()) return false;
        for (Tensor t : tensors) if (t != null && t.requiresGrad()) return true;
        return false;
    }

    public String name() {
        return name;
    }

    Tensor[] inputs() {
        return inputs;
    }

    Tensor[] backward(Tensor gradOutput) {
        if (backwardFn == null) {
            throw new IllegalStateException("backward through " + name + " a second time: its saved values were freed after the first backward");
        }
        return backwardFn.apply(gradOutput);
    }

    void release() {
        backwardFn = null;
    }
}
