package sau.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sau.nn.activation.ActivationFactory;
import sau.tensor.Generator;
import sau.tensor.Tensor;

class TransformerModelTest {

    /** PyTorch: sum(p.numel() for p in nn.Transformer(512, 8, 6, 6, 2048).parameters()) == 44,140,544 (final norms included). */
    @Test
    void baseModelHasPyTorchsParameterCountWithoutEmbeddings() {
        final Transformer base = new Transformer(TransformerOptions.from(new ModelOptions("transformer", Map.of(), TransformerOptions.KEYS)),
                100, 100, 0, () -> ActivationFactory.create("relu"), new Generator(0));
        assertEquals(44_140_544L, base.numParametersWithoutEmbeddings());
        assertEquals(44_140_544L + 100 * 512, base.numParameters()); // one shared, tied table
    }

    @Test
    void stateDictKeysFollowNnTransformerAndEmbeddingsCanBeSeparate() {
        final TransformerOptions o = new TransformerOptions(16, 2, 1, 1, 32, 0.1f, false, false, false, 64);
        final Transformer m = new Transformer(o, 11, 13, 0, () -> ActivationFactory.create("sau"), new Generator(0));
        final List<String> keys = List.copyOf(m.stateDict().keySet());
        assertEquals("encoder.layers.0.self_attn.in_proj_weight", keys.get(0));
        assertTrue(keys.contains("encoder.norm.weight"));
        assertTrue(keys.contains("decoder.layers.0.multihead_attn.out_proj.bias"));
        assertTrue(keys.contains("decoder.layers.0.activation.alpha"));
        assertArrayEquals(new int[] {11, 16}, m.stateDict().get("src_embed.weight").shape());
        assertArrayEquals(new int[] {13, 16}, m.stateDict().get("tgt_embed.weight").shape());
        assertArrayEquals(new int[] {13, 16}, m.stateDict().get("output_projection.weight").shape());
        final Transformer shared = new Transformer(new TransformerOptions(16, 2, 1, 1, 32, 0.1f, false, true, true, 64), 11, 11, 0,
                () -> ActivationFactory.create("relu"), new Generator(0));
        assertFalse(shared.stateDict().containsKey("tgt_embed.weight"));
        assertFalse(shared.stateDict().containsKey("output_projection.weight"));
        assertThrows(BadModelSpec.class, () -> new Transformer(new TransformerOptions(16, 2, 1, 1, 32, 0.1f, false, true, true, 64), 11, 13, 0,
                () -> ActivationFactory.create("relu"), new Generator(0)));
        assertThrows(BadModelSpec.class, () -> new TransformerOptions(15, 2, 1, 1, 32, 0.1f, false, true, true, 64));
    }

    @Test
    void logitsHaveOneRowPerTargetPosition() {
        final Transformer m = new Transformer(new TransformerOptions(16, 2, 1, 1, 32, 0f, true, true, true, 64), 9, 9, 0,
                () -> ActivationFactory.create("relu"), new Generator(1));
        final Tensor src = Tensor.of(new float[] {4, 5, 6, 2, 7, 8, 2, 0}, 2, 4);
        final Tensor tgt = Tensor.of(new float[] {1, 4, 5, 1, 7, 0}, 2, 3);
        assertArrayEquals(new int[] {2, 3, 9}, m.forward(src, tgt).shape());
    }
}
