package sau.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Corpus BLEU against values worked out by hand and with a few lines of Python that implement
 * sacreBLEU's formula (13a tokenisation, exp smoothing); sacreBLEU itself is not installed here.
 */
class BleuTest {

    @Test
    void tokenisesAs13a() {
        assertArrayEquals(new String[] {"He", "said", ":", "\"", "It", "costs", "$", "3.50", "-", "4,000", "(", "approx", ".", ")", "\"", ",",
            "e", ".", "g", ".", "1", "-", "2", "&", "<", "b", ">"}, Bleu.tokenize13a("He said: \"It costs $3.50-4,000 (approx.)\", e.g. 1-2 &amp; <b>"));
        assertArrayEquals(new String[0], Bleu.tokenize13a(""));
    }

    @Test
    void identicalIsOneHundred() {
        final Bleu.Score s = Bleu.corpus(List.of("The cat sat on the mat."), List.of("The cat sat on the mat."));
        assertEquals(100.0, s.bleu(), 1e-9);
        assertEquals(7, s.hypothesisLength());
    }

    /** Two of six tokens: p1 = p2 = 100, no 3-grams at all, so the score is 0; BP = e^(1 − 6/2) = e^−2. */
    @Test
    void aHypothesisWithoutTrigramsScoresZero() {
        final Bleu.Score s = Bleu.corpus(List.of("the cat"), List.of("the cat sat on the mat"));
        assertEquals(0.0, s.bleu(), 1e-12);
        assertEquals(Math.exp(-2), s.brevityPenalty(), 1e-12);
    }

    /**
     * Hyp "Das Haus ist klein , aber fein ." vs ref "Das Haus ist sehr klein .": 1-grams 5/8,
     * 2-grams 2/7 (Das Haus, Haus ist), 3-grams 1/6, 4-grams 0/5, smoothed to 1/(2·5);
     * BLEU = exp(¼·(ln 62.5 + ln 28.571 + ln 16.667 + ln 10)) = 23.3569.
     */
    @Test
    void missingFourGramsAreSmoothed() {
        final Bleu.Score s = Bleu.corpus(List.of("Das Haus ist klein, aber fein."), List.of("Das Haus ist sehr klein."));
        assertArrayEquals(new double[] {62.5, 200.0 / 7, 100.0 / 6, 10.0}, s.precisions(), 1e-9);
        assertEquals(23.356898886410015, s.bleu(), 1e-9);
        assertEquals(1.0, s.brevityPenalty());
    }

    @Test
    void corpusCountsArePooledOverSentences() {
        final Bleu.Score s = Bleu.corpus(
                List.of("It is a guide to action which ensures that the military always obeys the commands of the party.",
                        "he read the book because he was interested in world history"),
                List.of("It is a guide to action that ensures that the military will forever heed Party commands.",
                        "he was interested in world history because he read the book"));
        assertArrayEquals(new double[] {76.66666666666667, 60.714285714285715, 46.15384615384615, 33.333333333333336}, s.precisions(), 1e-9);
        assertEquals(51.73042288331883, s.bleu(), 1e-9);
    }
}
