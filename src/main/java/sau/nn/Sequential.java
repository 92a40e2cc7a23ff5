package sau.nn;

import java.util.ArrayList;
import java.util.List;
import sau.tensor.Tensor;

/**
 * Modules applied one after another, each to the previous one's output. The children are named
 * {@code "0"}, {@code "1"}, ... so parameter names read {@code 0.weight}, {@code 2.bias}, as in
 * PyTorch's {@code nn.Sequential}.
 */
public final class Sequential extends Module {

    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... layers) {
        for (Module m : layers) add(m);
    }

    /** Appends a module and returns this container, so calls can be chained. */
    public Sequential add(Module module) {
        layers.add(registerModule(Integer.toString(layers.size()), module));
        return this;
    }

    public Module get(int index) {
        return layers.get(index);
    }

    public int size() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (Module m : layers) y = m.forward(y);
        return y;
    }
}
