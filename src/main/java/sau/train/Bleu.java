package sau.train;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Corpus BLEU (Papineni et al., 2002) computed as sacreBLEU 2.x computes it by default, so the
 * numbers are comparable with published ones: 13a tokenisation (the mteval-v13a.pl rules),
 * n-grams up to 4, one reference per sentence, "exp" smoothing.
 *
 * <p>Over the whole corpus, for n = 1..4: correct_n = Σ over sentences of the hypothesis'
 * n-grams that also occur in the reference (each counted at most as often as the reference has
 * it), total_n = Σ of the hypothesis' n-grams; p_n = correct_n / total_n. Then
 * <pre>
 *   BLEU = 100 · BP · exp((1/4)·Σ_n log p_n),   BP = 1 if c ≥ r, else e^(1 − r/c)
 * </pre>
 * with c and r the total hypothesis and reference lengths in tokens (the brevity penalty keeps
 * a system from scoring high precision by saying little). "exp" smoothing: the k-th precision
 * that has no correct n-gram counts as 1/(2^k·total_n) instead of 0; if some total_n is 0 the
 * score is 0.
 */
public final class Bleu {

    /** The score and its parts, as sacreBLEU prints them. */
    public record Score(double bleu, double[] precisions, double brevityPenalty, long hypothesisLength, long referenceLength) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "BLEU = %.2f %.1f/%.1f/%.1f/%.1f (BP = %.3f ratio = %.3f hyp_len = %d ref_len = %d)",
                    bleu, precisions[0], precisions[1], precisions[2], precisions[3], brevityPenalty,
                    (double) hypothesisLength / referenceLength, hypothesisLength, referenceLength);
        }
    }

    private static final int ORDER = 4;
    /** The 13a rules, in order: punctuation and symbols apart; . and , apart unless between digits; - after a digit apart. */
    private static final Pattern[] RULES = {
        Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])"),
        Pattern.compile("([^0-9])([\\.,])"),
        Pattern.compile("([\\.,])([^0-9])"),
        Pattern.compile("([0-9])(-)"),
    };
    private static final String[] REPLACEMENTS = {" $1 ", "$1 $2 ", " $1 $2", "$1 $2 "};

    private Bleu() {}

    /** sacreBLEU's {@code Tokenizer13a}: the tokens of one line. */
    public static String[] tokenize13a(String line) {
        if (line.isEmpty()) return new String[0];
        String s = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (s.contains("&")) s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        s = " " + s + " ";
        for (int i = 0; i < RULES.length; i++) s = RULES[i].matcher(s).replaceAll(REPLACEMENTS[i]);
        final String t = s.strip();
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }

    /** Corpus BLEU of hypotheses against one reference each (same order). */
    public static Score corpus(List<String> hypotheses, List<String> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException(hypotheses.size() + " hypotheses for " + references.size() + " references");
        }
        final long[] correct = new long[ORDER], total = new long[ORDER];
        long c = 0, r = 0;
        for (int i = 0; i < hypotheses.size(); i++) {
            final String[] hyp = tokenize13a(hypotheses.get(i)), ref = tokenize13a(references.get(i));
            c += hyp.length;
            r += ref.length;
            for (int n = 1; n <= ORDER; n++) {
                final Map<String, Integer> refCounts = ngrams(ref, n);
                for (Map.Entry<String, Integer> e : ngrams(hyp, n).entrySet()) {
                    correct[n - 1] += Math.min(e.getValue(), refCounts.getOrDefault(e.getKey(), 0));
                }
                total[n - 1] += Math.max(0, hyp.length - n + 1);
            }
        }
        final double[] precisions = new double[ORDER];
        double smooth = 1;
        for (int n = 0; n < ORDER; n++) {
            if (total[n] == 0) break;
            if (correct[n] == 0) {
                smooth *= 2;
                precisions[n] = 100.0 / (smooth * total[n]);
            } else {
                precisions[n] = 100.0 * correct[n] / total[n];
            }
        }
        final double bp = c >= r ? 1.0 : c > 0 ? Math.exp(1 - (double) r / c) : 0.0;
        double logSum = 0;
        for (double p : precisions) logSum += p == 0 ? -9999999999.0 : Math.log(p);
        return new Score(bp * Math.exp(logSum / ORDER), precisions, bp, c, r);
    }

    private static Map<String, Integer> ngrams(String[] tokens, int n) {
        final Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i + n <= tokens.length; i++) out.merge(String.join(" ", java.util.Arrays.copyOfRange(tokens, i, i + n)), 1, Integer::sum);
        return out;
    }
}
