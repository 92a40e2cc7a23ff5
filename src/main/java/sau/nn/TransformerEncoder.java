package sau.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * A stack of encoder layers followed by a final LayerNorm, as the encoder that PyTorch's
 * {@code nn.Transformer} builds ({@code layers.N.*}, {@code norm.*}).
 */
public final class TransformerEncoder extends Module {

    private final ModuleList<TransformerEncoderLayer> layers;
    private final LayerNorm norm;

    public TransformerEncoder(int numLayers, int dModel, int nhead, int dimFeedforward, float dropout, Supplier<Module> activation, boolean normFirst, Generator g) {
        final List<TransformerEncoderLayer> list = new ArrayList<>();
        for (int i = 0; i < numLayers; i++) list.add(new TransformerEncoderLayer(dModel, nhead, dimFeedforward, dropout, activation, normFirst, g));
        layers = registerModule("layers", new ModuleList<>(list));
        norm = registerModule("norm", new LayerNorm(dModel));
    }

    @Override
    public Tensor forward(Tensor src) {
        return forward(src, null);
    }

    public Tensor forward(Tensor src, Tensor srcKeyPaddingMask) {
        Tensor x = src;
        for (TransformerEncoderLayer layer : layers) x = layer.forward(x, srcKeyPaddingMask);
        return norm.forward(x);
    }
}
