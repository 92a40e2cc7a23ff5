package sau.models;

import java.util.Set;

/**
 * The sizes of an encoder–decoder {@link Transformer}, with PyTorch's {@code nn.Transformer}
 * names ({@code d_model}, {@code nhead}, ...) and its defaults, which are the paper's "base"
 * model: d_model 512, 8 heads, 6 + 6 layers, feed-forward 2048, dropout 0.1, post-norm.
 *
 * @param shareEmbeddings source and target share one vocabulary and one embedding table
 * @param tieOutput       the output projection is the target embedding table (transposed)
 * @param maxLen          the longest sequence the positional encoding covers
 */
public record TransformerOptions(int dModel, int nhead, int numEncoderLayers, int numDecoderLayers, int dimFeedforward,
                                 float dropout, boolean normFirst, boolean shareEmbeddings, boolean tieOutput, int maxLen) {

    /** The option names a config may give. */
    public static final Set<String> KEYS = Set.of("d_model", "nhead", "num_encoder_layers", "num_decoder_layers", "dim_feedforward",
            "dropout", "norm_first", "share_embeddings", "tie_output", "max_len");

    public TransformerOptions {
        check(dModel > 0 && nhead > 0 && dModel % nhead == 0, "d_model", "must be a positive multiple of nhead (" + nhead + "), got " + dModel);
        check(numEncoderLayers >= 1, "num_encoder_layers", "must be at least 1, got " + numEncoderLayers);
        check(numDecoderLayers >= 1, "num_decoder_layers", "must be at least 1, got " + numDecoderLayers);
        check(dimFeedforward >= 1, "dim_feedforward", "must be at least 1, got " + dimFeedforward);
        check(dropout >= 0 && dropout < 1, "dropout", "must be in [0, 1), got " + dropout);
        check(maxLen >= 2, "max_len", "must be at least 2, got " + maxLen);
    }

    private static void check(boolean ok, String key, String problem) {
        if (!ok) throw new BadModelSpec("options." + key, problem);
    }

    /** The options a config gives, with the base model's values where it gives none. */
    public static TransformerOptions from(ModelOptions o) {
        return new TransformerOptions(o.getInt("d_model", 512), o.getInt("nhead", 8), o.getInt("num_encoder_layers", 6),
                o.getInt("num_decoder_layers", 6), o.getInt("dim_feedforward", 2048), (float) o.getDouble("dropout", 0.1),
                o.getBoolean("norm_first", false), o.getBoolean("share_embeddings", true), o.getBoolean("tie_output", true),
                o.getInt("max_len", 256));
    }
}
