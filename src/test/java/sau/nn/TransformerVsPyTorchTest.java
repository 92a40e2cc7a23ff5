package sau.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import sau.nn.activation.ReLU;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * The encoder and decoder against PyTorch 1.13's {@code nn.Transformer(d_model=8, nhead=2,
 * num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16, dropout=0, batch_first=True)}
 * in eval mode, with every parameter set, in state-dict order, to 0.3·sin(0.37·k + 1) for its
 * running element index k, a padded source position, and the causal mask on the target. The
 * same order and the same numbers show that names, layout and arithmetic all agree. Expected
 * values printed by:
 * <pre>
 *   m = torch.nn.Transformer(8, 2, 1, 1, 16, 0.0, batch_first=True); m.encoder.enable_nested_tensor = False
 *   k = 0
 *   for name, t in m.state_dict().items():
 *       t.copy_(torch.tensor([0.3 * math.sin(0.37 * (k + i) + 1.0) for i in range(t.numel())]).reshape(t.shape)); k += t.numel()
 *   src = cos(0.1·i) as [2, 3, 8]; tgt = sin(0.13·i) as [2, 4, 8]; pad = [[F, F, T], [F, F, F]]
 *   m.eval(); m(src, tgt, tgt_mask=m.generate_square_subsequent_mask(4), src_key_padding_mask=pad, memory_key_padding_mask=pad)
 * </pre>
 */
class TransformerVsPyTorchTest {

    private static final float[] EXPECTED = {
        0.390066f, 0.080284f, 0.214345f, -0.033017f, 0.035180f, 0.103747f, -0.031154f, -0.348745f, 0.348191f, 0.126818f, 0.197772f, -0.033645f,
        0.037203f, 0.101254f, -0.030777f, -0.362625f, 0.378307f, 0.163271f, 0.125321f, -0.030513f, 0.049111f, 0.100869f, -0.026236f, -0.369369f,
        0.403453f, 0.160778f, 0.111652f, -0.033047f, 0.049550f, 0.101713f, -0.026872f, -0.360465f, 0.343466f, 0.172264f, 0.179359f, -0.043010f,
        0.035984f, 0.101151f, -0.028352f, -0.367696f, 0.370751f, 0.112329f, 0.211476f, -0.039241f, 0.032679f, 0.103015f, -0.030369f, -0.355342f,
        0.363710f, 0.103987f, 0.220360f, -0.035972f, 0.033844f, 0.102794f, -0.029529f, -0.359534f, 0.305896f, 0.141329f, 0.221954f, -0.027607f,
        0.040841f, 0.100758f, -0.023053f, -0.389496f};

    @Test
    void matchesNnTransformer() {
        final Generator g = new Generator(0);
        final TransformerEncoder encoder = new TransformerEncoder(1, 8, 2, 16, 0f, ReLU::new, false, g);
        final TransformerDecoder decoder = new TransformerDecoder(1, 8, 2, 16, 0f, ReLU::new, false, g);
        int k = 0;
        for (Module m : new Module[] {encoder, decoder}) {
            for (Tensor t : m.stateDict().values()) {
                final float[] d = t.data();
                for (int i = 0; i < d.length; i++) d[i] = (float) (0.3 * Math.sin(0.37 * (k + i) + 1.0));
                k += d.length;
            }
        }
        assertEquals(1536, k); // PyTorch's parameter count for these sizes
        final Tensor src = Tensor.zeros(2, 3, 8), tgt = Tensor.zeros(2, 4, 8);
        for (int i = 0; i < src.numel(); i++) src.data()[i] = (float) Math.cos(0.1 * i);
        for (int i = 0; i < tgt.numel(); i++) tgt.data()[i] = (float) Math.sin(0.13 * i);
        final Tensor pad = Tensor.of(new float[] {0, 0, 1, 0, 0, 0}, 2, 3);
        encoder.eval();
        decoder.eval();
        final Tensor out = decoder.forward(tgt, encoder.forward(src, pad), null, pad);
        assertArrayEquals(EXPECTED, out.toArray(), 2e-5f);
    }
}
