package sau.nn;

import java.util.ArrayList;
import java.util.List;
import sau.nn.activation.PointwiseActivation;
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

    /**
     * Runs the layers in order. A batch norm or a convolution directly followed by a pointwise
     * activation is handed the activation ({@link FusesActivation#forwardThen}): a batch norm
     * computes both in one pass over memory in evaluation, as inference engines fuse them, and
     * also in training for a ReLU; a convolution applies a ReLU in place on its output. The values
     * and gradients are those of the two layers.
     */
    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (int i = 0; i < layers.size(); i++) {
            final Module m = layers.get(i);
            if (m instanceof FusesActivation fusing && i + 1 < layers.size() && layers.get(i + 1) instanceof PointwiseActivation then) {
                y = fusing.forwardThen(y, then);
                i++;
            } else {
                y = m.forward(y);
            }
        }
        return y;
    }
}
