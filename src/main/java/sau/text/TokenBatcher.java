package sau.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * Groups sentence pairs into batches by length under a token budget, as fairseq's
 * {@code --max-tokens}: pairs are sorted by length, and consecutive pairs join a batch while
 * (pairs in it) × (its longest sequence) stays within {@code maxTokens}. Sentences of similar
 * length together waste little padding, and a budget in tokens rather than sentences keeps every
 * step about the same amount of work. The batches are fixed; only their order changes from epoch
 * to epoch (a seeded shuffle, so runs and resumed runs repeat it).
 *
 * <p>Each batch holds the source ids followed by end-of-sentence, the decoder's input (begin
 * marker, then the target) and the expected output (the target, then end-of-sentence), all
 * padded with {@link Vocabulary#PAD}; padding positions are masked in attention and ignored by the loss.
 */
public final class TokenBatcher {

    /** One batch: {@code source [B, S]}, {@code targetIn} and {@code targetOut} {@code [B, T]}, and how many real target tokens it has. */
    public record Batch(Tensor source, Tensor targetIn, Tensor targetOut, int targetTokens, int sentences) {}

    private final List<SentencePair> pairs;
    private final List<int[]> batches = new ArrayList<>();
    private final boolean shuffle;
    private final long seed;

    public TokenBatcher(List<SentencePair> pairs, int maxTokens, boolean shuffle, long seed) {
        if (pairs.isEmpty()) throw new IllegalArgumentException("no sentence pairs to batch");
        this.pairs = pairs;
        this.shuffle = shuffle;
        this.seed = seed;
        final int[] order = IntStream.range(0, pairs.size()).boxed().sorted(Comparator.comparingInt(this::length)).mapToInt(Integer::intValue).toArray();
        int start = 0;
        while (start < order.length) {
            int end = start + 1, longest = length(order[start]);
            if (longest > maxTokens) {
                throw new IllegalArgumentException("pair " + order[start] + " has " + longest + " tokens, more than the batch budget of " + maxTokens + "; raise max_tokens or filter long sentences");
            }
            while (end < order.length && (end - start + 1) * Math.max(longest, length(order[end])) <= maxTokens) {
                longest = Math.max(longest, length(order[end]));
                end++;
            }
            batches.add(java.util.Arrays.copyOfRange(order, start, end));
            start = end;
        }
    }

    /** The longer side of a pair, counting the end (or begin) marker. */
    private int length(int i) {
        return Math.max(pairs.get(i).source().length, pairs.get(i).target().length) + 1;
    }

    public int batchesPerEpoch() {
        return batches.size();
    }

    /** The batch order of an epoch: shuffled with a generator seeded by the seed and the epoch, or as built. */
    public int[] order(int epoch) {
        final int[] o = IntStream.range(0, batches.size()).toArray();
        if (!shuffle) return o;
        final Generator g = new Generator(seed * 1_000_003L + epoch);
        for (int i = o.length - 1; i > 0; i--) {
            final int j = g.nextInt(i + 1);
            final int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }

    /** Batch {@code index} (in build order) as tensors. */
    public Batch batch(int index) {
        final int[] members = batches.get(index);
        int s = 1, t = 1, tokens = 0;
        for (int i : members) {
            s = Math.max(s, pairs.get(i).source().length + 1);
            t = Math.max(t, pairs.get(i).target().length + 1);
        }
        final int b = members.length;
        final float[] src = new float[b * s], in = new float[b * t], out = new float[b * t]; // PAD is 0
        for (int r = 0; r < b; r++) {
            final SentencePair p = pairs.get(members[r]);
            for (int j = 0; j < p.source().length; j++) src[r * s + j] = p.source()[j];
            src[r * s + p.source().length] = Vocabulary.EOS;
            in[r * t] = Vocabulary.BOS;
            for (int j = 0; j < p.target().length; j++) {
                in[r * t + j + 1] = p.target()[j];
                out[r * t + j] = p.target()[j];
            }
            out[r * t + p.target().length] = Vocabulary.EOS;
            tokens += p.target().length + 1;
        }
        return new Batch(new Tensor(src, b, s), new Tensor(in, b, t), new Tensor(out, b, t), tokens, b);
    }

    public List<SentencePair> pairs() {
        return pairs;
    }
}
