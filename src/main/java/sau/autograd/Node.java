package sau.autograd;

import sau.tensor.Tensor;

/**
 * One operation in the graph that autograd walks backwards.
 *
 * <p>An op computes its output, then calls {@link #record}: if any input requires grad (and
 * grad mode is on) the output remembers a node holding the inputs and the op's backward
 * function. That function is a closure over the values the forward pass saved; once backward
 * has used it, {@link #release()} drops it, so the saved tensors can be garbage collected.
 *
 * <p>Most ops have one output. An op with several ({@link #recordEach}, e.g. {@code split}) is
 * still one node: backward collects the gradients of all its outputs first and calls it once,
 * so that it can build its input's gradient in one pass instead of adding up one mostly-zero
 * tensor per output.
 */
public final class Node {

    /** Given dL/d(output), returns dL/d(input i) for each input (null where none is needed). */
    @FunctionalInterface
    public interface BackwardFn {
        Tensor[] apply(Tensor gradOutput);
    }

    /**
     * Given dL/d(output k) for each output (null for an output no gradient reached), returns
     * dL/d(input i) for each input (null where none is needed).
     */
    @FunctionalInterface
    public interface MultiBackwardFn {
        Tensor[] apply(Tensor[] gradOutputs);
    }

    private final String name;
    private final Tensor[] inputs;
    private final int outputCount;
    private MultiBackwardFn backwardFn;

    private Node(String name, Tensor[] inputs, int outputCount, MultiBackwardFn backwardFn) {
        this.name = name;
        this.inputs = inputs;
        this.outputCount = outputCount;
        this.backwardFn = backwardFn;
    }

    /**
     * Attaches a node to {@code output} when gradients must flow through this op, and returns
     * {@code output}. Inputs may contain nulls (optional arguments such as a missing bias).
     */
    public static Tensor record(String name, Tensor output, BackwardFn backward, Tensor... inputs) {
        if (needsGrad(inputs)) output.setGradFn(new Node(name, inputs, 1, grads -> backward.apply(grads[0])), 0);
        return output;
    }

    /** As {@link #record}, for an op with several outputs: output k becomes output k of one node. */
    public static Tensor[] recordEach(String name, Tensor[] outputs, MultiBackwardFn backward, Tensor... inputs) {
        if (needsGrad(inputs)) {
            final Node node = new Node(name, inputs, outputs.length, backward);
            for (int k = 0; k < outputs.length; k++) outputs[k].setGradFn(node, k);
        }
        return outputs;
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

    int outputCount() {
        return outputCount;
    }

    Tensor[] backward(Tensor[] gradOutputs) {
        if (backwardFn == null) {
            throw new IllegalStateException("backward through " + name + " a second time: its saved values were freed after the first backward");
        }
        return backwardFn.apply(gradOutputs);
    }

    void release() {
        backwardFn = null;
    }
}
