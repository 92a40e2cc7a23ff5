package sau.translation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import sau.models.Transformer;
import sau.models.TransformerOptions;
import sau.nn.activation.ActivationFactory;
import sau.ops.Losses;
import sau.ops.Views;
import sau.optim.Adam;
import sau.tensor.Generator;
import sau.tensor.Tensor;
import sau.text.SentencePair;
import sau.text.TokenBatcher;

/**
 * The end-to-end check of attention, masks and decoding: a tiny Transformer learns to output
 * its input reversed (which needs attention to look at the right source position for every
 * output position, and the causal mask to keep it from peeking at the answer), and greedy and
 * beam-search decoding reproduce the reversal on sentences it has not seen.
 */
class ReverseTaskTest {

    private static final int SYMBOLS = 10; // ids 4 .. 13

    private static List<SentencePair> pairs(Generator g, int n) {
        final List<SentencePair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final int[] s = new int[3 + g.nextInt(6)];
            for (int j = 0; j < s.length; j++) s[j] = 4 + g.nextInt(SYMBOLS);
            final int[] r = new int[s.length];
            for (int j = 0; j < s.length; j++) r[j] = s[s.length - 1 - j];
            out.add(new SentencePair(s, r));
        }
        return out;
    }

    @Test
    void tinyTransformerLearnsToReverseSequences() {
        final Generator g = new Generator(0);
        final Transformer model = new Transformer(new TransformerOptions(32, 4, 2, 2, 64, 0f, false, true, true, 32), 4 + SYMBOLS, 4 + SYMBOLS, 0,
                () -> ActivationFactory.create("relu"), g);
        final Adam adam = new Adam(model.parameters(), 2e-3, 0.9, 0.98, 1e-9, 0);
        final long start = System.nanoTime();
        for (int step = 0; step < 400; step++) {
            final TokenBatcher.Batch b = new TokenBatcher(pairs(g, 64), 10_000, false, 0).batch(0);
            final Tensor logits = model.forward(b.source(), b.targetIn());
            final Tensor loss = Losses.crossEntropy(Views.reshape(logits, -1, logits.size(2)), Views.reshape(b.targetOut(), -1), 0f, 0, Losses.Reduction.MEAN);
            adam.zeroGrad();
            loss.backward();
            adam.step();
        }
        final List<SentencePair> test = pairs(new Generator(99), 200);
        final List<int[]> sources = test.stream().map(p -> withEos(p.source())).toList();
        final Decoding.Settings settings = new Decoding.Settings(3, 1.0, 1.0, 5);
        final List<int[]> greedy = Decoding.greedy(model, sources, settings);
        int greedyRight = 0, beamRight = 0;
        for (int i = 0; i < test.size(); i++) {
            if (Arrays.equals(greedy.get(i), test.get(i).target())) greedyRight++;
            if (i < 50 && Arrays.equals(Decoding.beam(model, sources.get(i), settings), test.get(i).target())) beamRight++;
        }
        System.out.printf("reverse task: greedy exact match %d/200, beam 3 %d/50, %.1f s%n", greedyRight, beamRight, (System.nanoTime() - start) * 1e-9);
        assertTrue(greedyRight >= 198, "greedy exact match " + greedyRight + "/200");
        assertTrue(beamRight >= 49, "beam exact match " + beamRight + "/50");
    }

    private static int[] withEos(int[] s) {
        final int[] out = Arrays.copyOf(s, s.length + 1);
        out[s.length] = sau.text.Vocabulary.EOS;
        return out;
    }
}
