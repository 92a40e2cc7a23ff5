package sau.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * A stack of decoder layers followed by a final LayerNorm, as the decoder that PyTorch's
 * {@code nn.Transformer} builds ({@code layers.N.*}, {@code norm.*}).
 */
public final class TransformerDecoder extends Module {

    private final ModuleList<TransformerDecoderLayer> layers;
    private final LayerNorm norm;

    public TransformerDecoder(int numLayers, int dModel, int nhead, int dimFeedforward, float dropout, Supplier<Module> activation, boolean normFirst, Generator g) {
        final List<TransformerDecoderLayer> list = new ArrayList<>();
        for (int i = 0; i < numLayers; i++) list.add(new TransformerDecoderLayer(dModel, nhead, dimFeedforward, dropout, activation, normFirst, g));
        layers = registerModule("layers", new ModuleList<>(list));
        norm = registerModule("norm", new LayerNorm(dModel));
    }

    @Override
    public Tensor forward(Tensor tgt) {
        throw new UnsupportedOperationException("a decoder needs the encoder's output: call forward(tgt, memory, tgtPadding, memoryPadding)");
    }

    public Tensor forward(Tensor tgt, Tensor memory, Tensor tgtKeyPaddingMask, Tensor memoryKeyPaddingMask) {
        Tensor x = tgt;
        for (TransformerDecoderLayer layer : layers) x = layer.forward(x, memory, tgtKeyPaddingMask, memoryKeyPaddingMask);
        return norm.forward(x);
    }
}
