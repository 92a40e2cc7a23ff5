package sau.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sau.data.DataError;

class TextPipelineTest {

    @TempDir
    Path dir;

    /** The classic example of Sennrich et al.: low×5, lower×2, newest×6, widest×3. */
    @Test
    void bpeLearnsTheMostFrequentPairsFirst() {
        final List<String> text = new ArrayList<>();
        for (int i = 0; i < 5; i++) text.add("low");
        for (int i = 0; i < 2; i++) text.add("lower");
        for (int i = 0; i < 6; i++) text.add("newest");
        for (int i = 0; i < 3; i++) text.add("widest");
        final BytePairEncoding bpe = BytePairEncoding.learn(text, 4);
        // e s (9: newest, widest), es t</w> (9), l o (7), then e w, n e and w est</w> tie at 6: e w sorts first
        assertEquals(List.of("e s", "es t</w>", "l o", "e w"), bpe.merges().stream().map(m -> m[0] + " " + m[1]).toList());
        assertEquals(List.of("lo", "w", "est</w>"), bpe.encode("lowest"));
        assertEquals(List.of("n", "ew", "est</w>", "lo", "w</w>"), bpe.encode("newest low"));
        assertEquals("lowest widest", BytePairEncoding.decode(bpe.encode("  lowest \t widest ")));
    }

    @Test
    void tokenizerRoundTripsThroughItsFiles() throws Exception {
        final List<String> text = List.of("the house is small", "das Haus ist klein", "the small house", "ein kleines Haus");
        final Tokenizer tok = Tokenizer.learn(text, 20);
        tok.save(dir);
        final Tokenizer back = Tokenizer.load(dir);
        for (String s : text) {
            assertArrayEquals(tok.encode(s), back.encode(s));
            assertEquals(s, back.decode(back.encode(s)));
        }
        assertEquals(Vocabulary.UNK, tok.encode("é")[0]); // a character never seen in training
        Files.writeString(dir.resolve(Tokenizer.VOCAB_FILE), "a\nb\n");
        assertThrows(DataError.class, () -> Tokenizer.load(dir));
    }

    @Test
    void readsAlignedFilesAndWmtSgml() throws Exception {
        Files.writeString(dir.resolve("a.en"), "one\ntwo\n");
        Files.writeString(dir.resolve("a.de"), "eins\nzwei\n");
        assertEquals(List.of(new ParallelCorpus.Pair("one", "eins"), new ParallelCorpus.Pair("two", "zwei")),
                ParallelCorpus.read(dir.resolve("a.en"), dir.resolve("a.de")));
        Files.writeString(dir.resolve("b.de"), "eins\n");
        final DataError e = assertThrows(DataError.class, () -> ParallelCorpus.read(dir.resolve("a.en"), dir.resolve("b.de")));
        assertTrue(e.getMessage().contains("has 2 sentences but"), e.getMessage());
        Files.writeString(dir.resolve("t.en.sgm"), """
                <srcset setid="newstest2014" srclang="any">
                <doc sysid="ref" docid="1" genre="news" origlang="en">
                <p>
                <seg id="1">Gutach: Increased safety for pedestrians</seg>
                <seg id="2">They are &quot;not even 100 metres&quot; apart &amp; more</seg>
                </p>
                </doc>
                </srcset>
                """);
        assertEquals(List.of("Gutach: Increased safety for pedestrians", "They are \"not even 100 metres\" apart & more"),
                ParallelCorpus.sentences(dir.resolve("t.en.sgm")));
        assertThrows(DataError.class, () -> ParallelCorpus.sentences(dir.resolve("missing.en")));
    }

    @Test
    void batchesRespectTheTokenBudgetAndPadTheirEnds() {
        final List<SentencePair> pairs = new ArrayList<>();
        for (int n = 1; n <= 10; n++) {
            final int[] s = new int[n], t = new int[11 - n];
            java.util.Arrays.fill(s, 5);
            java.util.Arrays.fill(t, 6);
            pairs.add(new SentencePair(s, t));
        }
        final TokenBatcher b = new TokenBatcher(pairs, 24, true, 1);
        int sentences = 0;
        for (int i = 0; i < b.batchesPerEpoch(); i++) {
            final TokenBatcher.Batch batch = b.batch(i);
            assertTrue(batch.source().numel() <= 24 && batch.targetIn().numel() <= 24, "batch " + i + " exceeds the budget");
            sentences += batch.sentences();
        }
        assertEquals(10, sentences);
        assertArrayEquals(b.order(3), new TokenBatcher(pairs, 24, true, 1).order(3));
        final TokenBatcher.Batch one = new TokenBatcher(List.of(new SentencePair(new int[] {7, 8}, new int[] {9}), new SentencePair(new int[] {7}, new int[] {9, 10})), 100, false, 0).batch(0);
        assertArrayEquals(new float[] {7, 8, 2, 7, 2, 0}, one.source().toArray());
        assertArrayEquals(new float[] {1, 9, 0, 1, 9, 10}, one.targetIn().toArray());
        assertArrayEquals(new float[] {9, 2, 0, 9, 10, 2}, one.targetOut().toArray());
        assertEquals(5, one.targetTokens());
    }
}
