package sau.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import sau.tensor.Tensor;

/**
 * Holds modules under the names {@code 0, 1, 2, ...}, as PyTorch's {@code nn.ModuleList}, for
 * layers that a parent calls itself (with more than one input, so not as a {@link Sequential}).
 */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {

    private final List<M> items = new ArrayList<>();

    public ModuleList(List<M> modules) {
        for (M m : modules) items.add(registerModule(Integer.toString(items.size()), m));
    }

    @Override
    public Iterator<M> iterator() {
        return items.iterator();
    }

    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("a ModuleList is not called; its owner calls the modules it holds");
    }
}
