package sau.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import sau.autograd.GradCheck;
import sau.nn.activation.ActivationFactory;
import sau.ops.EmbeddingOp;
import sau.ops.LayerNormOp;
import sau.ops.Reductions;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/** Gradient checks and values of the Transformer's layers: embedding, layer norm, positions, attention, encoder and decoder layers. */
class TransformerLayersTest {

    private final Generator gen = new Generator(7);
    private static final GradCheck CHECK = GradCheck.create().maxElementsPerInput(48);

    private Tensor randn(int... shape) {
        return Tensor.randn(gen, shape).requiresGrad(true);
    }

    @Test
    void embeddingLooksUpRowsAndScatterAddsGradientsExceptAtPadding() {
        final Tensor w = randn(5, 3);
        final Tensor ids = Tensor.of(new float[] {1, 0, 1, 4, 2, 0}, 2, 3);
        final Tensor out = EmbeddingOp.embedding(ids, w, 0);
        assertArrayEquals(new int[] {2, 3, 3}, out.shape());
        assertEquals(w.get(4, 2), out.get(1, 0, 2));
        CHECK.check(t -> EmbeddingOp.embedding(ids, t[0], -1), w);
        w.zeroGrad();
        Reductions.sum(EmbeddingOp.embedding(ids, w, 0)).backward();
        assertArrayEquals(new float[] {0, 0, 0, 2, 2, 2, 1, 1, 1, 0, 0, 0, 1, 1, 1}, w.grad().toArray()); // row 1 twice, row 0 (padding) none
        assertThrows(IllegalArgumentException.class, () -> EmbeddingOp.embedding(Tensor.of(5f), w, 0));
    }

    @Test
    void embeddingModuleStartsWithAZeroPaddingRow() {
        final Embedding e = new Embedding(6, 4, 2, gen);
        assertArrayEquals(new float[4], java.util.Arrays.copyOfRange(e.weight().data(), 8, 12));
        assertEquals(24, e.numParameters());
    }

    @Test
    void layerNormGradients() {
        CHECK.check(t -> LayerNormOp.layerNorm(t[0], t[1], t[2], 1e-5f), randn(3, 2, 7), randn(7), randn(7));
    }

    @Test
    void sinusoidalPositionsFollowThePaper() {
        final SinusoidalPositionalEncoding pe = new SinusoidalPositionalEncoding(6, 10);
        final Tensor table = pe.encoding(4);
        assertEquals((float) Math.sin(3), table.get(3, 0), 1e-6f);
        assertEquals((float) Math.cos(3), table.get(3, 1), 1e-6f);
        assertEquals((float) Math.sin(3 / Math.pow(10000, 4.0 / 6)), table.get(3, 4), 1e-6f);
        assertEquals(1f, table.get(0, 5), 0f);
        assertThrows(IllegalArgumentException.class, () -> pe.encoding(11));
    }

    @Test
    void attentionMasksAreMinusInfinityWherePaddedOrInTheFuture() {
        final Tensor pad = Tensor.of(new float[] {0, 0, 1, 0, 0, 0}, 2, 3);
        final Tensor m = MultiheadAttention.additiveMask(pad, 2, 3, 3, true);
        assertArrayEquals(new int[] {2, 1, 3, 3}, m.shape());
        final float inf = Float.NEGATIVE_INFINITY;
        assertArrayEquals(new float[] {0, inf, inf, 0, 0, inf, 0, 0, inf, 0, inf, inf, 0, 0, inf, 0, 0, 0}, m.toArray());
        assertEquals(null, MultiheadAttention.additiveMask(null, 2, 3, 3, false));
    }

    /** Attention's gradient with respect to query, key and value, and every parameter, with both masks. */
    @Test
    void attentionGradientsWithKeyPaddingAndCausalMasks() {
        final MultiheadAttention attn = new MultiheadAttention(8, 2, 0f, gen);
        final Tensor pad = Tensor.of(new float[] {0, 0, 0, 1, 0, 0, 0, 0}, 2, 4);
        final List<Tensor> params = attn.parameters();
        // cross-attention with key padding: query [2, 3, 8], key = value [2, 4, 8]
        CHECK.check(t -> attn.forward(t[0], t[1], t[2], pad, false), randn(2, 3, 8), randn(2, 4, 8), randn(2, 4, 8));
        // causal self-attention with key padding
        CHECK.check(t -> attn.forward(t[0], t[0], t[0], pad, true), randn(2, 4, 8));
        // the parameters, through causal self-attention
        final Tensor x = Tensor.randn(gen, 2, 4, 8);
        CHECK.check(t -> attn.forward(x, x, x, pad, true), params.toArray(Tensor[]::new));
    }

    @Test
    void maskedPositionsDoNotChangeTheOutput() {
        final MultiheadAttention attn = new MultiheadAttention(8, 2, 0f, gen);
        final Tensor q = Tensor.randn(gen, 1, 3, 8), kv = Tensor.randn(gen, 1, 4, 8);
        final Tensor pad = Tensor.of(new float[] {0, 0, 1, 1}, 1, 4);
        final Tensor full = attn.forward(q, kv, kv, pad, false);
        final Tensor kvChanged = Tensor.of(kv.toArray(), 1, 4, 8);
        for (int i = 16; i < 32; i++) kvChanged.data()[i] += 5; // change only the padded keys and values
        assertArrayEquals(full.toArray(), attn.forward(q, kvChanged, kvChanged, pad, false).toArray(), 1e-6f);
        // causal: the output at position 0 does not depend on later positions
        final Tensor x = Tensor.randn(gen, 1, 4, 8);
        final Tensor y = attn.forward(x, x, x, null, true);
        final Tensor x2 = Tensor.of(x.toArray(), 1, 4, 8);
        for (int i = 8; i < 32; i++) x2.data()[i] = 0;
        assertArrayEquals(java.util.Arrays.copyOf(y.toArray(), 8), java.util.Arrays.copyOf(attn.forward(x2, x2, x2, null, true).toArray(), 8), 1e-6f);
    }

    @Test
    void attentionDropoutActsOnlyInTraining() {
        final MultiheadAttention attn = new MultiheadAttention(8, 2, 0.5f, gen);
        final Tensor x = Tensor.randn(gen, 2, 5, 8);
        attn.eval();
        final float[] evalOut = attn.forward(x).toArray();
        assertArrayEquals(evalOut, attn.forward(x).toArray(), 0f);
        attn.train();
        final float[] a = attn.forward(x).toArray(), b = attn.forward(x).toArray();
        assertFalse(java.util.Arrays.equals(a, evalOut));
        assertFalse(java.util.Arrays.equals(a, b)); // a new mask each call
    }

    @Test
    void encoderAndDecoderLayerGradientsPostNormAndPreNorm() {
        // SAU with a small n, and GELU: smooth, so that finite differences never step across a kink
        for (boolean normFirst : new boolean[] {false, true}) {
            final TransformerEncoderLayer enc = new TransformerEncoderLayer(8, 2, 12, 0f, () -> ActivationFactory.create("sau(n=2)"), normFirst, gen);
            final TransformerDecoderLayer dec = new TransformerDecoderLayer(8, 2, 12, 0f, () -> ActivationFactory.create("gelu"), normFirst, gen);
            final Tensor srcPad = Tensor.of(new float[] {0, 0, 1, 0, 0, 0}, 2, 3);
            CHECK.check(t -> enc.forward(t[0], srcPad), randn(2, 3, 8));
            CHECK.check(t -> dec.forward(t[0], t[1], null, srcPad), randn(2, 4, 8), randn(2, 3, 8));
        }
    }

    @Test
    void layerStateDictKeysMatchPyTorch() {
        final TransformerDecoderLayer dec = new TransformerDecoderLayer(16, 2, 32, 0.1f, () -> ActivationFactory.create("relu"), false, gen);
        assertEquals(List.of("self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
                "multihead_attn.in_proj_weight", "multihead_attn.in_proj_bias", "multihead_attn.out_proj.weight", "multihead_attn.out_proj.bias",
                "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
                "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias", "norm3.weight", "norm3.bias"), List.copyOf(dec.stateDict().keySet()));
    }
}
