package sau.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import sau.backend.Backend;
import sau.tensor.Arena;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Reverse-mode automatic differentiation: the chain rule applied to the recorded graph.
 *
 * <p>Nodes are visited in reverse topological order, so that when a node runs, the gradient
 * of its output has already received the contributions of every path through it. Gradients
 * meeting at a tensor are summed; at a leaf they are added into its {@code grad}.
 */
public final class Backward {

    private Backward() {}

    /** Back-propagates from {@code root}; {@code seed} is dL/d(root), or null for a scalar root (then 1). */
    public static void run(Tensor root, Tensor seed) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward() on a tensor that does not require grad: no input of the computation had requiresGrad(true)");
        }
        if (seed == null) {
            if (root.numel() != 1) {
                throw new IllegalStateException("backward() without a gradient needs a scalar, this tensor has shape " + Shape.str(root.shape()) + "; pass backward(gradient)");
            }
            seed = Arena.to(Tensor.ones(root.shape()), root.device());
        } else if (!Arrays.equals(seed.shape(), root.shape())) {
            throw new IllegalArgumentException("backward(gradient): gradient shape " + Shape.str(seed.shape()) + " differs from the tensor's " + Shape.str(root.shape()));
        } else if (!seed.device().equals(root.device())) {
            throw new IllegalArgumentException("backward(gradient): the gradient is on " + seed.device() + ", the tensor on " + root.device() + "; move it with .to(device)");
        }
        if (root.isLeaf()) {
            accumulateIntoLeaf(root, seed);
            return;
        }
        final Waiting waiting = new Waiting();
        waiting.add(root, seed);
        try (NoGrad scope = NoGrad.enter()) {
            for (Node node : reverseTopologicalOrder(root.gradFn())) {
                final Tensor[] gradOut = waiting.take(node);
                if (gradOut == null) continue;
                final Tensor[] gradIn = node.backward(gradOut);
                final Tensor[] inputs = node.inputs();
                node.release();
                for (int i = 0; i < inputs.length; i++) {
                    final Tensor in = inputs[i];
                    if (in == null || !in.requiresGrad() || gradIn[i] == null) continue;
                    if (!Arrays.equals(gradIn[i].shape(), in.shape())) {
                        throw new IllegalStateException(node.name() + " returned a gradient of shape " + Shape.str(gradIn[i].shape()) + " for an input of shape " + Shape.str(in.shape()));
                    }
                    if (in.isLeaf()) accumulateIntoLeaf(in, gradIn[i]);
                    else waiting.add(in, gradIn[i]);
                }
                waiting.giveBackUnused(gradOut, gradIn);
            }
        }
    }

    /**
     * The gradients waiting at each node, one slot per output of the node, and how many slots use
     * each array (views share one). Once no slot uses an array that backward itself took from the
     * step's arena, it goes back there for the nodes still to run: the step then holds a few
     * gradients at a time, as PyTorch's autograd frees each one after its last use.
     */
    private static final class Waiting {
        private final Map<Node, Tensor[]> slots = new IdentityHashMap<>();
        private final Map<float[], Integer> uses = new IdentityHashMap<>();
        /** Gradients that {@link #add} summed into a new array, to give back with the node's own. */
        private final List<Tensor> replaced = new ArrayList<>();
        /** Arrays the arena lent before backward began (activations, the seed) are never given back. */
        private final long since = Arena.lentSoFar();

        /** Adds g to the gradient waiting for the output {@code t} of its node. */
        void add(Tensor t, Tensor g) {
            final Tensor[] waiting = slots.computeIfAbsent(t.gradFn(), node -> new Tensor[node.outputCount()]);
            final int k = t.outputIndex();
            final Tensor before = waiting[k];
            waiting[k] = before == null ? g : Backend.add(before, g);
            use(waiting[k], 1);
            if (before != null) {
                // g, the other addend, is one of the node's input gradients: given back with those
                use(before, -1);
                replaced.add(before);
            }
        }

        /** Removes and returns the gradients waiting for {@code node}'s outputs, or null if none. */
        Tensor[] take(Node node) {
            final Tensor[] g = slots.remove(node);
            if (g != null) for (Tensor t : g) use(t, -1);
            return g;
        }

        /** Gives back every array of a node's gradients, and of the sums it made, that no slot uses. */
        void giveBackUnused(Tensor[] gradOut, Tensor[] gradIn) {
            for (Tensor t : gradOut) giveBackIfUnused(t);
            for (Tensor t : gradIn) giveBackIfUnused(t);
            for (Tensor t : replaced) giveBackIfUnused(t);
            replaced.clear();
        }

        private void giveBackIfUnused(Tensor t) {
            if (t != null && !t.isCuda() && !uses.containsKey(t.data())) Arena.giveBack(t.data(), since);
        }

        private void use(Tensor t, int delta) {
            if (t == null || t.isCuda()) return;
            final int n = uses.getOrDefault(t.data(), 0) + delta;
            if (n == 0) uses.remove(t.data());
            else uses.put(t.data(), n);
        }
    }

    /** Nodes ordered so that each comes before every node that produced one of its inputs. */
    private static List<Node> reverseTopologicalOrder(Node root) {
        final List<Node> postOrder = new ArrayList<>();
        final Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        // Iterative depth-first search: deep graphs (long RNNs, deep nets) would overflow the stack.
        final ArrayDeque<Object[]> stack = new ArrayDeque<>();
        visited.add(root);
        stack.push(new Object[] {root, 0});
        while (!stack.isEmpty()) {
            final Object[] frame = stack.peek();
            final Node node = (Node) frame[0];
            final int next = (int) frame[1];
            final Tensor[] inputs = node.inputs();
            if (next < inputs.length) {
                frame[1] = next + 1;
                final Tensor in = inputs[next];
                if (in != null && in.gradFn() != null && visited.add(in.gradFn())) stack.push(new Object[] {in.gradFn(), 0});
            } else {
                stack.pop();
                postOrder.add(node);
            }
        }
        Collections.reverse(postOrder);
        return postOrder;
    }

    private static void accumulateIntoLeaf(Tensor leaf, Tensor g) {
        if (leaf.grad() != null) {
            Backend.addInto(leaf.grad(), g);
            return;
        }
        // A copy, since g may be shared with other gradients. It goes into the memory of the
        // gradient that zeroGrad dropped, if any, so that a training loop does not allocate every
        // parameter's gradient again at every step (on the CPU, 2.7 MB per step of the MLP, which
        // the JVM zeroes and the garbage collector then collects).
        final Tensor spare = leaf.takeSpareGrad();
        final boolean reusable = spare != null && spare.device().equals(g.device()) && Arrays.equals(spare.shape(), leaf.shape());
        final Tensor copy = reusable ? spare : Tensor.zeros(leaf.shape()).to(g.device());
        Backend.copyInto(copy, g);
        leaf.setGrad(copy);
    }
}
