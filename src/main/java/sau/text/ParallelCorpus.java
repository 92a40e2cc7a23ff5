package sau.text;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sau.data.DataError;

/**
 * Reads aligned sentences: line i of the source file translates line i of the target file. Two
 * formats are accepted, told apart by the file name: plain text (one sentence per line, UTF-8),
 * and WMT's SGML test sets ({@code .sgm}, e.g. {@code newstest2014-deen-src.en.sgm}), whose
 * sentences are the {@code <seg id="N">...</seg>} elements, in document order.
 */
public final class ParallelCorpus {

    /** Sentence pairs as text. */
    public record Pair(String source, String target) {}

    private static final Pattern SEG = Pattern.compile("<seg[^>]*>(.*?)</seg>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private ParallelCorpus() {}

    /** The aligned pairs of two files; their sentence counts must agree. */
    public static List<Pair> read(Path sourceFile, Path targetFile) {
        final List<String> src = sentences(sourceFile), tgt = sentences(targetFile);
        if (src.size() != tgt.size()) {
            throw new DataError(sourceFile + " has " + src.size() + " sentences but " + targetFile + " has " + tgt.size() + "; aligned files need one translation per sentence");
        }
        final List<Pair> out = new ArrayList<>(src.size());
        for (int i = 0; i < src.size(); i++) out.add(new Pair(src.get(i), tgt.get(i)));
        return out;
    }

    /** The sentences of one file: its lines, or its {@code <seg>} elements for {@code .sgm}. */
    public static List<String> sentences(Path file) {
        if (!Files.isRegularFile(file)) throw new DataError(file + " is missing");
        final String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new DataError(file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new DataError(file + ": " + e.getMessage(), e);
        }
        if (file.getFileName().toString().endsWith(".sgm")) return segments(text, file);
        return text.lines().toList();
    }

    /** The text of every {@code <seg>} element, with the XML entities decoded. */
    static List<String> segments(String sgml, Path file) {
        final List<String> out = new ArrayList<>();
        final Matcher m = SEG.matcher(sgml);
        while (m.find()) out.add(unescape(m.group(1).strip()));
        if (out.isEmpty()) throw new DataError(file + " has no <seg> elements; is it a WMT SGML file?");
        return out;
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
    }
}
