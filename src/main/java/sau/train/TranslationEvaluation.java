package sau.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import sau.autograd.NoGrad;
import sau.models.Transformer;
import sau.ops.Losses;
import sau.ops.Views;
import sau.tensor.Tensor;
import sau.text.ParallelCorpus;
import sau.text.TokenBatcher;
import sau.text.Tokenizer;
import sau.translation.Decoding;

/** Scoring a translation model: mean cross-entropy per target token, and BLEU of its translations. */
public final class TranslationEvaluation {

    /** Greedy decoding works on this many sentences at a time. */
    private static final int GREEDY_BATCH = 64;

    private TranslationEvaluation() {}

    /** Mean cross-entropy (no label smoothing) per target token, padding ignored. */
    public static double loss(Transformer model, TokenBatcher data) {
        model.eval();
        double sum = 0;
        long tokens = 0;
        try (NoGrad scope = NoGrad.enter()) {
            for (int i = 0; i < data.batchesPerEpoch(); i++) {
                final TokenBatcher.Batch b = data.batch(i);
                final Tensor logits = model.forward(b.source(), b.targetIn());
                sum += (double) Losses.crossEntropy(Views.reshape(logits, -1, logits.size(2)), Views.reshape(b.targetOut(), -1), 0f,
                        sau.text.Vocabulary.PAD, Losses.Reduction.SUM).item();
                tokens += b.targetTokens();
            }
        }
        model.train();
        return sum / tokens;
    }

    /** The translations of {@code sources} (text), greedy when {@code beam} is false. */
    public static List<String> translate(Transformer model, Tokenizer tokenizer, List<String> sources, Decoding.Settings settings, boolean beam) {
        final int longest = model.options().maxLen() - 1; // the positional encoding's range, with end-of-sentence
        final List<int[]> ids = sources.stream().map(s -> withEos(tokenizer.encode(s), longest)).toList();
        final String[] out = new String[sources.size()];
        if (beam) {
            for (int i = 0; i < ids.size(); i++) out[i] = tokenizer.decode(Decoding.beam(model, ids.get(i), settings));
        } else {
            // sentences of similar length together: less padding, and the batch stops when its longest is done
            final int[] order = IntStream.range(0, ids.size()).boxed().sorted(Comparator.comparingInt(i -> ids.get(i).length)).mapToInt(Integer::intValue).toArray();
            for (int start = 0; start < order.length; start += GREEDY_BATCH) {
                final List<int[]> batch = new ArrayList<>();
                for (int j = start; j < Math.min(order.length, start + GREEDY_BATCH); j++) batch.add(ids.get(order[j]));
                final List<int[]> hyp = Decoding.greedy(model, batch, settings);
                for (int j = 0; j < hyp.size(); j++) out[order[start + j]] = tokenizer.decode(hyp.get(j));
            }
        }
        model.train();
        return List.of(out);
    }

    /** BLEU of the model's translations of the pairs' sources against their targets. */
    public static Bleu.Score bleu(Transformer model, Tokenizer tokenizer, List<ParallelCorpus.Pair> pairs, Decoding.Settings settings, boolean beam) {
        final List<String> hyp = translate(model, tokenizer, pairs.stream().map(ParallelCorpus.Pair::source).toList(), settings, beam);
        return Bleu.corpus(hyp, pairs.stream().map(ParallelCorpus.Pair::target).toList());
    }

    /** The ids, cut to {@code longest - 1} if longer, then end-of-sentence. */
    static int[] withEos(int[] ids, int longest) {
        final int n = Math.min(ids.length, longest - 1);
        final int[] out = java.util.Arrays.copyOf(ids, n + 1);
        out[n] = sau.text.Vocabulary.EOS;
        return out;
    }
}
