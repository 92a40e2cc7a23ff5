package sau.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import sau.data.DataError;

/**
 * Byte-pair encoding (Sennrich, Haddow and Birch, 2016) of words into subword units, in the
 * format of subword-nmt.
 *
 * <p>Text is split into words at whitespace; a word starts as its characters, the last one
 * marked {@code </w>} (end of word). <b>Learning</b> repeats: count every adjacent pair of units
 * over the training words (weighted by word frequency), and merge the most frequent pair into one
 * new unit everywhere; the list of merges, in order, is the model. Frequent words end up as one
 * unit, rare words as a few pieces, and every word can still be written (down to characters), so
 * a fixed vocabulary covers open-ended text. <b>Applying</b> to a word repeats: merge the adjacent
 * pair that was learned earliest, until no learned pair is left. Decoding joins the units and
 * turns {@code </w>} back into spaces, which gives the whitespace-normalised text exactly.
 *
 * <p>Learning keeps the pair counts up to date incrementally (only words that contain the merged
 * pair change) and picks the best pair from a priority queue, so it takes seconds on a few
 * hundred thousand sentences. Ties go to the pair whose units sort first, so the merges are
 * the same on every run.
 */
public final class BytePairEncoding {

    public static final String END_OF_WORD = "</w>";
    private static final String HEADER = "#version: 0.2";

    private final List<String[]> merges;
    private final Map<String, Integer> rank = new HashMap<>();
    private final Map<String, String[]> cache = new HashMap<>();

    public BytePairEncoding(List<String[]> merges) {
        this.merges = List.copyOf(merges);
        for (int i = 0; i < merges.size(); i++) rank.putIfAbsent(merges.get(i)[0] + " " + merges.get(i)[1], i);
    }

    public List<String[]> merges() {
        return merges;
    }

    // ---- learning -----------------------------------------------------------------------------

    /** Learns up to {@code numMerges} merges from the words of {@code lines}. */
    public static BytePairEncoding learn(Iterable<String> lines, int numMerges) {
        final Map<String, Integer> wordFreq = new LinkedHashMap<>();
        for (String line : lines) for (String w : words(line)) wordFreq.merge(w, 1, Integer::sum);
        // the units, interned as ids so that pairs are longs
        final List<String> unitNames = new ArrayList<>();
        final Map<String, Integer> unitIds = new HashMap<>();
        final List<int[]> words = new ArrayList<>();
        final int[] freq = new int[wordFreq.size()];
        int w = 0;
        for (Map.Entry<String, Integer> e : wordFreq.entrySet()) {
            final String[] chars = characters(e.getKey());
            final int[] ids = new int[chars.length];
            for (int i = 0; i < chars.length; i++) ids[i] = unitIds.computeIfAbsent(chars[i], k -> { unitNames.add(k); return unitNames.size() - 1; });
            words.add(ids);
            freq[w++] = e.getValue();
        }
        final Map<Long, Long> counts = new HashMap<>();
        final Map<Long, Set<Integer>> where = new HashMap<>();
        for (int i = 0; i < words.size(); i++) addPairs(words.get(i), i, freq[i], counts, where);
        record Entry(long pair, long count) {}
        final Comparator<Entry> best = Comparator.comparingLong(Entry::count).reversed()
                .thenComparing(e -> unitNames.get(left(e.pair())))
                .thenComparing(e -> unitNames.get(right(e.pair())));
        final PriorityQueue<Entry> queue = new PriorityQueue<>(best);
        counts.forEach((p, c) -> queue.add(new Entry(p, c)));
        final List<String[]> merges = new ArrayList<>();
        while (merges.size() < numMerges && !queue.isEmpty()) {
            final Entry top = queue.poll();
            final Long current = counts.get(top.pair());
            if (current == null || current != top.count()) continue; // a stale entry: the count changed since
            if (current < 2) break; // merging a pair seen once only memorises a word
            final int a = left(top.pair()), b = right(top.pair());
            final String merged = unitNames.get(a) + unitNames.get(b);
            merges.add(new String[] {unitNames.get(a), unitNames.get(b)});
            final int ab = unitIds.computeIfAbsent(merged, k -> { unitNames.add(k); return unitNames.size() - 1; });
            final Set<Long> changed = new HashSet<>();
            for (int i : where.remove(top.pair())) {
                final int[] before = words.get(i);
                if (!contains(before, a, b)) continue;
                removePairs(before, freq[i], counts, changed);
                final int[] after = merge(before, a, b, ab);
                words.set(i, after);
                addPairs(after, i, freq[i], counts, where);
                pairsOf(after, changed);
            }
            counts.remove(top.pair());
            for (long p : changed) {
                final Long c = counts.get(p);
                if (c != null && c > 0) queue.add(new Entry(p, c));
                else counts.remove(p);
            }
        }
        return new BytePairEncoding(merges);
    }

    private static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    private static int left(long p) {
        return (int) (p >>> 32);
    }

    private static int right(long p) {
        return (int) p;
    }

    private static void addPairs(int[] word, int index, int f, Map<Long, Long> counts, Map<Long, Set<Integer>> where) {
        for (int j = 0; j + 1 < word.length; j++) {
            final long p = pair(word[j], word[j + 1]);
            counts.merge(p, (long) f, Long::sum);
            where.computeIfAbsent(p, k -> new HashSet<>()).add(index);
        }
    }

    private static void removePairs(int[] word, int f, Map<Long, Long> counts, Set<Long> changed) {
        for (int j = 0; j + 1 < word.length; j++) {
            final long p = pair(word[j], word[j + 1]);
            counts.merge(p, (long) -f, Long::sum);
            changed.add(p);
        }
    }

    private static void pairsOf(int[] word, Set<Long> out) {
        for (int j = 0; j + 1 < word.length; j++) out.add(pair(word[j], word[j + 1]));
    }

    private static boolean contains(int[] word, int a, int b) {
        for (int j = 0; j + 1 < word.length; j++) if (word[j] == a && word[j + 1] == b) return true;
        return false;
    }

    private static int[] merge(int[] word, int a, int b, int ab) {
        final int[] out = new int[word.length];
        int n = 0;
        for (int j = 0; j < word.length; j++) {
            if (j + 1 < word.length && word[j] == a && word[j + 1] == b) {
                out[n++] = ab;
                j++;
            } else {
                out[n++] = word[j];
            }
        }
        return Arrays.copyOf(out, n);
    }

    // ---- applying -----------------------------------------------------------------------------

    /** The subword units of a line of text. */
    public List<String> encode(String line) {
        final List<String> out = new ArrayList<>();
        for (String w : words(line)) out.addAll(Arrays.asList(encodeWord(w)));
        return out;
    }

    private String[] encodeWord(String word) {
        final String[] cached = cache.get(word);
        if (cached != null) return cached;
        List<String> units = new ArrayList<>(Arrays.asList(characters(word)));
        while (units.size() > 1) {
            int bestAt = -1, bestRank = Integer.MAX_VALUE;
            for (int j = 0; j + 1 < units.size(); j++) {
                final Integer r = rank.get(units.get(j) + " " + units.get(j + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    bestAt = j;
                }
            }
            if (bestAt < 0) break;
            final String a = units.get(bestAt), b = units.get(bestAt + 1);
            final List<String> next = new ArrayList<>();
            for (int j = 0; j < units.size(); j++) { // merge every occurrence of the pair, left to right
                if (j + 1 < units.size() && units.get(j).equals(a) && units.get(j + 1).equals(b)) {
                    next.add(a + b);
                    j++;
                } else {
                    next.add(units.get(j));
                }
            }
            units = next;
        }
        final String[] result = units.toArray(String[]::new);
        if (cache.size() < 1_000_000) cache.put(word, result);
        return result;
    }

    /** Units back to text: joined, with every end-of-word mark a space. */
    public static String decode(List<String> units) {
        final StringBuilder sb = new StringBuilder();
        for (String u : units) sb.append(u);
        return sb.toString().replace(END_OF_WORD, " ").strip();
    }

    private static List<String> words(String line) {
        final String t = line.strip();
        return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
    }

    /** A word's characters (whole code points), the last one marked as the end of the word. */
    private static String[] characters(String word) {
        final String[] chars = word.codePoints().mapToObj(Character::toString).toArray(String[]::new);
        chars[chars.length - 1] += END_OF_WORD;
        return chars;
    }

    // ---- files --------------------------------------------------------------------------------

    /** subword-nmt's codes file: a version line, then one merge per line, "left right". */
    public void save(Path file) throws IOException {
        final List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        for (String[] m : merges) lines.add(m[0] + " " + m[1]);
        Files.write(file, lines);
    }

    public static BytePairEncoding load(Path file) throws IOException {
        if (!Files.exists(file)) throw new DataError(file + " is missing: it holds the byte-pair-encoding merges a translation run learned");
        final List<String[]> merges = new ArrayList<>();
        final List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            final String line = lines.get(i);
            if (i == 0 && line.startsWith("#version")) continue;
            final String[] parts = line.split(" ");
            if (parts.length != 2) throw new DataError(file + ":" + (i + 1) + ": a merge must be two units separated by one space, got \"" + line + "\"");
            merges.add(parts);
        }
        return new BytePairEncoding(merges);
    }
}
