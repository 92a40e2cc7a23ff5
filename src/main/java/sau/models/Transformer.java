package sau.models;

import java.util.function.Supplier;
import sau.nn.Dropout;
import sau.nn.Embedding;
import sau.nn.Init;
import sau.nn.Linear;
import sau.nn.Module;
import sau.nn.SinusoidalPositionalEncoding;
import sau.nn.TransformerDecoder;
import sau.nn.TransformerEncoder;
import sau.ops.Arithmetic;
import sau.ops.LinearOp;
import sau.ops.Views;
import sau.tensor.Arena;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * The encoder–decoder Transformer of Vaswani et al. (2017) for translation: token embeddings
 * scaled by √d_model plus sinusoidal positions, an encoder over the source, a decoder over the
 * target prefix that attends to the encoder's output, and a projection to the target
 * vocabulary's logits.
 *
 * <p>State-dict keys: {@code encoder.*} and {@code decoder.*} as in PyTorch's
 * {@code nn.Transformer(batch_first=True)}; {@code src_embed.weight}; {@code tgt_embed.weight}
 * unless the embeddings are shared (one joint vocabulary, one table); and
 * {@code output_projection.weight} unless the projection is tied to the target embedding (the
 * paper's weight sharing, section 3.4). The embedding tables start from N(0, d_model^−½), so that
 * after the √d_model scaling the token vectors have unit variance, as the positions do.
 *
 * <p>Token ids are whole numbers stored as floats; {@code paddingIdx} is the padding token.
 */
public final class Transformer extends Module {

    private final TransformerOptions options;
    private final int paddingIdx;
    private final Embedding srcEmbed;
    private final Embedding tgtEmbed;
    private final SinusoidalPositionalEncoding positions;
    private final Dropout embedDropout;
    private final TransformerEncoder encoder;
    private final TransformerDecoder decoder;
    private final Linear outputProjection;

    public Transformer(TransformerOptions o, int srcVocab, int tgtVocab, int paddingIdx, Supplier<Module> activation, Generator g) {
        if (o.shareEmbeddings() && srcVocab != tgtVocab) {
            throw new BadModelSpec("options.share_embeddings", "needs one vocabulary for both languages, got " + srcVocab + " and " + tgtVocab + " tokens");
        }
        this.options = o;
        this.paddingIdx = paddingIdx;
        this.encoder = registerModule("encoder", new TransformerEncoder(o.numEncoderLayers(), o.dModel(), o.nhead(), o.dimFeedforward(), o.dropout(), activation, o.normFirst(), g));
        this.decoder = registerModule("decoder", new TransformerDecoder(o.numDecoderLayers(), o.dModel(), o.nhead(), o.dimFeedforward(), o.dropout(), activation, o.normFirst(), g));
        this.srcEmbed = registerModule("src_embed", embedding(srcVocab, o.dModel(), paddingIdx, g));
        this.tgtEmbed = o.shareEmbeddings() ? srcEmbed : registerModule("tgt_embed", embedding(tgtVocab, o.dModel(), paddingIdx, g));
        this.outputProjection = o.tieOutput() ? null : registerModule("output_projection", new Linear(o.dModel(), tgtVocab, false, g));
        this.positions = new SinusoidalPositionalEncoding(o.dModel(), o.maxLen());
        this.embedDropout = registerModule("dropout", new Dropout(o.dropout(), g));
    }

    private static Embedding embedding(int vocab, int dModel, int paddingIdx, Generator g) {
        final Embedding e = new Embedding(vocab, dModel, paddingIdx, g);
        Init.normal(e.weight(), 0, 1 / Math.sqrt(dModel), g);
        e.zeroPaddingRow();
        return e;
    }

    /** The encoder's output {@code [B, S, d_model]} for source ids {@code [B, S]}. */
    public Tensor encode(Tensor src) {
        return encoder.forward(embed(srcEmbed, src), paddingMask(src));
    }

    /**
     * The logits {@code [B, T, tgt_vocab]} of each next target token, given the target prefix
     * ids {@code [B, T]} (starting with the begin-of-sentence id), the encoder's output and the
     * source ids (for their padding).
     */
    public Tensor decode(Tensor tgtPrefix, Tensor memory, Tensor src) {
        return project(decoder.forward(embed(tgtEmbed, tgtPrefix), memory, paddingMask(tgtPrefix), paddingMask(src)));
    }

    /**
     * Decoding: the logits {@code [B, tgt_vocab]} of the token after the last one of each
     * prefix. Only the last position goes through the (large) output projection.
     */
    public Tensor nextTokenLogits(Tensor tgtPrefix, Tensor memory, Tensor src) {
        final Tensor h = decoder.forward(embed(tgtEmbed, tgtPrefix), memory, paddingMask(tgtPrefix), paddingMask(src));
        return project(Views.squeeze(Views.narrow(h, 1, h.size(1) - 1, 1), 1));
    }

    private Tensor project(Tensor h) {
        return outputProjection == null ? LinearOp.linear(h, tgtEmbed.weight(), null) : outputProjection.forward(h);
    }

    /** Training: the logits of every target position, teacher-forced. */
    public Tensor forward(Tensor src, Tensor tgtPrefix) {
        return decode(tgtPrefix, encode(src), src);
    }

    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("a translation model needs the source and the target prefix: call forward(src, tgtPrefix)");
    }

    private Tensor embed(Embedding table, Tensor ids) {
        // token ids may come from the CPU (a batcher, a decoder's prefix); the lookup runs where the table is
        final Tensor scaled = Arithmetic.mul(table.forward(Arena.to(ids, table.weight().device())), (float) Math.sqrt(options.dModel()));
        return embedDropout.forward(positions.forward(scaled));
    }

    /** 1 where {@code ids} is the padding token, as a key-padding mask; null when nothing is padded. */
    public Tensor paddingMask(Tensor ids) {
        final float[] v = ids.toArray();
        final float[] m = new float[v.length];
        boolean any = false;
        for (int i = 0; i < v.length; i++) {
            if (v[i] == paddingIdx) {
                m[i] = 1;
                any = true;
            }
        }
        return any ? new Tensor(m, ids.shape()) : null;
    }

    public TransformerOptions options() {
        return options;
    }

    /** The parameters outside the embedding tables (and untied output projection), as PyTorch's nn.Transformer counts them. */
    public long numParametersWithoutEmbeddings() {
        long n = 0;
        for (var e : namedParameters().entrySet()) {
            final String k = e.getKey();
            if (k.startsWith("encoder.") || k.startsWith("decoder.")) n += e.getValue().numel();
        }
        return n;
    }
}
