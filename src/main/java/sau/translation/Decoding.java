package sau.translation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import sau.autograd.NoGrad;
import sau.models.Transformer;
import sau.ops.Softmax;
import sau.tensor.Tensor;
import sau.text.Vocabulary;

/**
 * Turning a trained {@link Transformer} into translations: the target is produced one token at a
 * time, each step feeding the tokens chosen so far back into the decoder.
 *
 * <ul>
 *   <li><b>Greedy</b>: take the most likely next token every step, for a whole batch of
 *       sentences at once, until every sentence has produced the end-of-sentence token.
 *   <li><b>Beam search</b>: keep the {@code beam} most likely prefixes (by the sum of their
 *       tokens' log-probabilities), extend each by every token, keep the best {@code beam} again.
 *       A prefix that ends (among the {@code beam} best extensions) is set aside; the search
 *       stops when {@code beam} have ended or the length limit is reached. The winner maximises
 *       score / length^α (length counting the end token), the length penalty of fairseq
 *       ({@code --lenpen}): α = 0 compares raw sums, which favour short outputs; α = 1 compares
 *       the mean log-probability per token.
 * </ul>
 * Neither ever ends before its first token: an empty translation is never the answer, but an
 * undertrained model often rates it most likely. Sequences are token ids without the
 * begin/end markers. The output may not be longer than {@code maxLenA·|source| + maxLenB}
 * tokens (greedy: of its batch's longest source), nor than the model's positional range.
 */
public final class Decoding {

    /** How long an output may be, and the beam search's settings. */
    public record Settings(int beam, double lengthPenalty, double maxLenA, int maxLenB) {
        public Settings {
            if (beam < 1) throw new IllegalArgumentException("beam size must be at least 1, got " + beam);
        }

        int maxLength(int sourceLength, int modelMax) {
            return (int) Math.max(1, Math.min(modelMax - 1, maxLenA * sourceLength + maxLenB));
        }
    }

    private Decoding() {}

    /** Greedy translations of a batch of sources (token ids, end-of-sentence included, no padding needed). */
    public static List<int[]> greedy(Transformer model, List<int[]> sources, Settings s) {
        model.eval();
        try (NoGrad scope = NoGrad.enter()) {
            final Tensor src = Batches.padded(sources);
            final int b = sources.size();
            final Tensor memory = model.encode(src);
            int longest = 0;
            for (int[] x : sources) longest = Math.max(longest, x.length);
            final int maxLen = s.maxLength(longest, model.options().maxLen());
            final List<List<Integer>> out = new ArrayList<>();
            for (int i = 0; i < b; i++) out.add(new ArrayList<>());
            final boolean[] done = new boolean[b];
            final float[] prefix = new float[b * (maxLen + 1)];
            for (int i = 0; i < b; i++) prefix[i * (maxLen + 1)] = Vocabulary.BOS;
            for (int t = 1; t <= maxLen; t++) {
                final Tensor p = prefixTensor(prefix, b, maxLen + 1, t);
                final Tensor logits = model.nextTokenLogits(p, memory, src);
                final int v = logits.size(1);
                final float[] l = logits.contiguousData().toArray();
                boolean all = true;
                for (int i = 0; i < b; i++) {
                    int best = -1;
                    for (int c = 0; c < v; c++) {
                        if (allowed(c, t) && (best < 0 || l[i * v + c] > l[i * v + best])) best = c;
                    }
                    if (done[i]) best = Vocabulary.PAD;
                    else if (best == Vocabulary.EOS) done[i] = true;
                    else out.get(i).add(best);
                    prefix[i * (maxLen + 1) + t] = best;
                    all &= done[i];
                }
                if (all) break;
            }
            final List<int[]> result = new ArrayList<>();
            for (List<Integer> o : out) result.add(o.stream().mapToInt(Integer::intValue).toArray());
            return result;
        }
    }

    /** Padding and begin-of-sentence are never produced, nor end-of-sentence as the first token (fairseq's min_len = 1). */
    private static boolean allowed(int token, int step) {
        return token != Vocabulary.PAD && token != Vocabulary.BOS && !(token == Vocabulary.EOS && step == 1);
    }

    private static Tensor prefixTensor(float[] prefix, int b, int stride, int t) {
        final float[] d = new float[b * t];
        for (int i = 0; i < b; i++) System.arraycopy(prefix, i * stride, d, i * t, t);
        return new Tensor(d, b, t);
    }

    /** One hypothesis: its tokens after the begin marker and the sum of their log-probabilities. */
    private record Hypothesis(int[] tokens, double score) {
        double normalised(double alpha) {
            return score / Math.pow(tokens.length + 1, alpha); // + 1: the end-of-sentence token
        }
    }

    /** An extension of live hypothesis {@code parent} by {@code token}. */
    private record Candidate(int parent, int token, double score) {}

    /** The beam-search translation of one source sentence. */
    public static int[] beam(Transformer model, int[] source, Settings s) {
        model.eval();
        try (NoGrad scope = NoGrad.enter()) {
            final int k = s.beam();
            final int maxLen = s.maxLength(source.length, model.options().maxLen());
            final Tensor oneSrc = Batches.padded(List.of(source));
            final Tensor oneMemory = model.encode(oneSrc);
            List<Hypothesis> live = List.of(new Hypothesis(new int[0], 0));
            final List<Hypothesis> finished = new ArrayList<>();
            for (int t = 1; t <= maxLen && finished.size() < k; t++) {
                final int n = live.size();
                final float[] prefix = new float[n * t];
                for (int i = 0; i < n; i++) {
                    prefix[i * t] = Vocabulary.BOS;
                    for (int j = 0; j < t - 1; j++) prefix[i * t + 1 + j] = live.get(i).tokens()[j];
                }
                final Tensor logits = model.nextTokenLogits(new Tensor(prefix, n, t), repeat(oneMemory, n), repeat(oneSrc, n));
                final float[] lp = Softmax.logSoftmax(logits, -1).toArray();
                final int v = logits.size(1);
                // the best 2k extensions over all live hypotheses: enough to find k that do not end
                final List<Candidate> candidates = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < v; c++) {
                        if (allowed(c, t)) candidates.add(new Candidate(i, c, live.get(i).score() + lp[i * v + c]));
                    }
                }
                candidates.sort(Comparator.comparingDouble(Candidate::score).reversed());
                // as fairseq: an ending counts only if it is among the k best candidates, so that a
                // few unlikely endings cannot fill the finished list and stop the search early
                final List<Hypothesis> next = new ArrayList<>();
                for (int rank = 0; rank < Math.min(2 * k, candidates.size()); rank++) {
                    final Candidate c = candidates.get(rank);
                    final int[] prev = live.get(c.parent()).tokens();
                    if (c.token() == Vocabulary.EOS) {
                        if (rank < k && finished.size() < k) finished.add(new Hypothesis(prev, c.score()));
                    } else if (next.size() < k) {
                        final int[] tokens = Arrays.copyOf(prev, prev.length + 1);
                        tokens[prev.length] = c.token();
                        next.add(new Hypothesis(tokens, c.score()));
                    }
                }
                live = next;
            }
            if (finished.isEmpty()) finished.addAll(live); // the length limit ended the search
            return finished.stream().max(Comparator.comparingDouble(h -> h.normalised(s.lengthPenalty()))).orElseThrow().tokens();
        }
    }

    /** {@code x} ({@code [1, ...]}) repeated n times along the first dimension. */
    private static Tensor repeat(Tensor x, int n) {
        final int[] shape = x.shape();
        shape[0] = n;
        return sau.ops.Views.expand(x, shape);
    }
}
