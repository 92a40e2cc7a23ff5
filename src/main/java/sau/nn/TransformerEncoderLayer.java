package sau.nn;

import java.util.function.Supplier;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * One encoder layer, as PyTorch's {@code nn.TransformerEncoderLayer(batch_first=True)}:
 * self-attention over the source, then the feed-forward block, each a residual sub-layer (see
 * {@link TransformerLayer} for post-norm and pre-norm).
 */
public final class TransformerEncoderLayer extends TransformerLayer {

    private final MultiheadAttention selfAttn;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;

    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward, float dropout, Supplier<Module> activation, boolean normFirst, Generator g) {
        super(normFirst);
        selfAttn = registerModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, g));
        registerFeedForward(dModel, dimFeedforward, dropout, activation, g);
        norm1 = registerModule("norm1", new LayerNorm(dModel));
        norm2 = registerModule("norm2", new LayerNorm(dModel));
        dropout1 = registerModule("dropout1", new Dropout(dropout, g));
        dropout2 = registerModule("dropout2", new Dropout(dropout, g));
    }

    @Override
    public Tensor forward(Tensor src) {
        return forward(src, null);
    }

    /** @param srcKeyPaddingMask {@code [B, S]}, 1 at padding, or null */
    public Tensor forward(Tensor src, Tensor srcKeyPaddingMask) {
        final Tensor x = residual(src, norm1, dropout1, h -> selfAttn.forward(h, h, h, srcKeyPaddingMask, false));
        return residual(x, norm2, dropout2, this::feedForward);
    }
}
