package sau.nn;

import java.util.function.Supplier;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * One decoder layer, as PyTorch's {@code nn.TransformerDecoderLayer(batch_first=True)}: causal
 * self-attention over the target prefix, attention over the encoder's output (the "memory"),
 * then the feed-forward block, each a residual sub-layer (see {@link TransformerLayer}).
 */
public final class TransformerDecoderLayer extends TransformerLayer {

    private final MultiheadAttention selfAttn;
    private final MultiheadAttention multiheadAttn;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final LayerNorm norm3;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final Dropout dropout3;

    public TransformerDecoderLayer(int dModel, int nhead, int dimFeedforward, float dropout, Supplier<Module> activation, boolean normFirst, Generator g) {
        super(normFirst);
        selfAttn = registerModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, g));
        multiheadAttn = registerModule("multihead_attn", new MultiheadAttention(dModel, nhead, dropout, g));
        registerFeedForward(dModel, dimFeedforward, dropout, activation, g);
        norm1 = registerModule("norm1", new LayerNorm(dModel));
        norm2 = registerModule("norm2", new LayerNorm(dModel));
        norm3 = registerModule("norm3", new LayerNorm(dModel));
        dropout1 = registerModule("dropout1", new Dropout(dropout, g));
        dropout2 = registerModule("dropout2", new Dropout(dropout, g));
        dropout3 = registerModule("dropout3", new Dropout(dropout, g));
    }

    @Override
    public Tensor forward(Tensor tgt) {
        throw new UnsupportedOperationException("a decoder layer needs the encoder's output: call forward(tgt, memory, tgtPadding, memoryPadding)");
    }

    /**
     * @param tgtKeyPaddingMask    {@code [B, T]}, 1 at padded target positions, or null
     * @param memoryKeyPaddingMask {@code [B, S]}, 1 at padded source positions, or null
     */
    public Tensor forward(Tensor tgt, Tensor memory, Tensor tgtKeyPaddingMask, Tensor memoryKeyPaddingMask) {
        Tensor x = residual(tgt, norm1, dropout1, h -> selfAttn.forward(h, h, h, tgtKeyPaddingMask, true));
        x = residual(x, norm2, dropout2, h -> multiheadAttn.forward(h, memory, memory, memoryKeyPaddingMask, false));
        return residual(x, norm3, dropout3, this::feedForward);
    }
}
