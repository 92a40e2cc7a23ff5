package sau.models;

import java.util.List;
import java.util.function.Supplier;
import sau.nn.Dropout;
import sau.nn.Flatten;
import sau.nn.Linear;
import sau.nn.Module;
import sau.nn.Sequential;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * A multi-layer perceptron: flatten the input, then Linear → activation (→ dropout) for each
 * hidden layer, and a final Linear to the class logits. Parameter names match PyTorch's
 * {@code nn.Sequential(nn.Flatten(), nn.Linear(...), nn.ReLU(), ...)} inside {@code layers}:
 * {@code layers.1.weight}, {@code layers.3.weight}, ...
 */
public final class MLP extends Module {

    private final Sequential layers;

    public MLP(int inFeatures, List<Integer> hidden, int classes, Supplier<Module> activation, float dropout, Generator g) {
        layers = registerModule("layers", new Sequential(new Flatten(1, -1)));
        int width = inFeatures;
        for (int h : hidden) {
            if (h < 1) throw new BadModelSpec("options.hidden", "layer widths must be positive, got " + hidden);
            layers.add(new Linear(width, h, g));
            layers.add(activation.get());
            if (dropout > 0) layers.add(new Dropout(dropout, g));
            width = h;
        }
        layers.add(new Linear(width, classes, g));
    }

    @Override
    public Tensor forward(Tensor x) {
        return layers.forward(x);
    }
}
