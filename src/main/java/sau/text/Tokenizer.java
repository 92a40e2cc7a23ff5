package sau.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Text to token ids and back: {@link BytePairEncoding} splits words into subword units, and a
 * {@link Vocabulary} numbers the units. One tokenizer serves both languages (a joint vocabulary,
 * as in the paper's English–German setup), so the model can share one embedding table. A run
 * saves it as two plain-text files, {@code bpe.codes} and {@code vocab.txt}.
 */
public final class Tokenizer {

    public static final String CODES_FILE = "bpe.codes";
    public static final String VOCAB_FILE = "vocab.txt";

    private final BytePairEncoding bpe;
    private final Vocabulary vocabulary;

    public Tokenizer(BytePairEncoding bpe, Vocabulary vocabulary) {
        this.bpe = bpe;
        this.vocabulary = vocabulary;
    }

    /** Learns {@code merges} merges from the sentences, then takes every unit they are written in as the vocabulary. */
    public static Tokenizer learn(List<String> sentences, int merges) {
        final BytePairEncoding bpe = BytePairEncoding.learn(sentences, merges);
        final TreeSet<String> units = new TreeSet<>();
        for (String s : sentences) units.addAll(bpe.encode(s));
        return new Tokenizer(bpe, new Vocabulary(new ArrayList<>(units)));
    }

    public int[] encode(String sentence) {
        return bpe.encode(sentence).stream().mapToInt(vocabulary::id).toArray();
    }

    /** The text of token ids; special tokens are left out. */
    public String decode(int[] ids) {
        final List<String> units = new ArrayList<>();
        for (int id : ids) {
            if (id > Vocabulary.UNK) units.add(vocabulary.token(id));
            else if (id == Vocabulary.UNK) units.add("<unk>" + BytePairEncoding.END_OF_WORD);
        }
        return BytePairEncoding.decode(units);
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public void save(Path dir) throws IOException {
        bpe.save(dir.resolve(CODES_FILE));
        vocabulary.save(dir.resolve(VOCAB_FILE));
    }

    public static Tokenizer load(Path dir) throws IOException {
        return new Tokenizer(BytePairEncoding.load(dir.resolve(CODES_FILE)), Vocabulary.load(dir.resolve(VOCAB_FILE)));
    }
}
