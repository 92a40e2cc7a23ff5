package sau.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sau.data.DataError;

/**
 * Token strings and their ids. Ids 0 to 3 are the special tokens every sequence model here
 * uses: padding, begin and end of sentence, and the unknown token that stands for anything the
 * vocabulary lacks; the real tokens follow from id 4.
 */
public final class Vocabulary {

    public static final int PAD = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int UNK = 3;
    static final List<String> SPECIALS = List.of("<pad>", "<s>", "</s>", "<unk>");

    private final List<String> tokens;
    private final Map<String, Integer> ids = new HashMap<>();

    /** A vocabulary of the special tokens followed by {@code tokens} (duplicates and specials are skipped). */
    public Vocabulary(List<String> tokens) {
        this.tokens = new ArrayList<>(SPECIALS);
        for (String s : SPECIALS) ids.put(s, ids.size());
        for (String t : tokens) {
            if (!ids.containsKey(t)) {
                ids.put(t, this.tokens.size());
                this.tokens.add(t);
            }
        }
    }

    public int size() {
        return tokens.size();
    }

    public int id(String token) {
        return ids.getOrDefault(token, UNK);
    }

    public String token(int id) {
        return tokens.get(id);
    }

    /** One token per line, specials included, in id order. */
    public void save(Path file) throws IOException {
        Files.write(file, tokens);
    }

    public static Vocabulary load(Path file) throws IOException {
        if (!Files.exists(file)) throw new DataError(file + " is missing: a vocabulary file has one token per line");
        final List<String> lines = Files.readAllLines(file);
        if (lines.size() < SPECIALS.size() || !lines.subList(0, SPECIALS.size()).equals(SPECIALS)) {
            throw new DataError(file + " is not a sau vocabulary: it must start with the lines " + String.join(", ", SPECIALS));
        }
        return new Vocabulary(lines.subList(SPECIALS.size(), lines.size()));
    }
}
