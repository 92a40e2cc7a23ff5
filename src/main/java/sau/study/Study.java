package sau.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sau.nn.activation.ActivationSpec;

/**
 * What a study trains, as recorded in {@code runs/<study>/study.json}: the config it started
 * from, the {@code --set} overrides, the activation specs and the seeds. Every (activation, seed)
 * pair is an ordinary run folder, {@code <study>/<activation slug>/seed-<k>/}; the base config,
 * with the overrides applied and every default filled in, is kept beside it in
 * {@code base-config.json}, so that the study folder alone is enough to resume or report it.
 *
 * @param config      the config file the study was started from, as given (for the reader; resuming uses base-config.json)
 * @param overrides   the {@code --set key=value} overrides applied to it
 * @param activations the activation specs, in the order of the tables and legends
 * @param seeds       the seeds each activation is trained with
 */
public record Study(String config, List<String> overrides, List<String> activations, List<Long> seeds) {

    public static final String FILE = "study.json";
    public static final String BASE_CONFIG = "base-config.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Study {
        overrides = List.copyOf(overrides);
        activations = List.copyOf(activations);
        seeds = List.copyOf(seeds);
        if (activations.isEmpty()) throw new IllegalArgumentException("a study needs at least one activation");
        if (seeds.isEmpty()) throw new IllegalArgumentException("a study needs at least one seed");
        final Map<String, String> bySlug = new HashMap<>();
        for (String a : activations) {
            final String earlier = bySlug.put(slug(a), a);
            if (earlier != null) throw new IllegalArgumentException("activations " + earlier + " and " + a + " would share the folder " + slug(a));
        }
        if (seeds.stream().distinct().count() != seeds.size()) throw new IllegalArgumentException("seed listed twice in " + seeds);
    }

    public static boolean isStudy(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    public static Study read(Path studyDir) throws IOException {
        try {
            return JSON.readValue(studyDir.resolve(FILE).toFile(), Study.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new IllegalArgumentException(studyDir + " is not a study folder (it has no " + FILE + ")");
        }
    }

    public void write(Path studyDir) throws IOException {
        Files.createDirectories(studyDir);
        final Path tmp = studyDir.resolve(FILE + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, studyDir.resolve(FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The run folder of one (activation, seed) pair. */
    public static Path runDir(Path studyDir, String activation, long seed) {
        return studyDir.resolve(slug(activation)).resolve("seed-" + seed);
    }

    /**
     * A folder name for an activation spec: lower case, every run of characters other than
     * letters, digits, '.' and '_' turned into one '-': {@code leaky_relu(0.15)} → {@code leaky_relu-0.15},
     * {@code sau(n=1, alpha=0.2)} → {@code sau-n-1-alpha-0.2}.
     */
    public static String slug(String activation) {
        final String s = activation.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._]+", "-");
        return s.replaceAll("^-+|-+$", "");
    }

    /** The activation's family name, without arguments: {@code sau(n=1)} → {@code sau}. */
    public static String family(String activation) {
        return ActivationSpec.parse(activation).name();
    }

    /**
     * Splits a comma-separated list of activation specs at the commas that are outside
     * parentheses: {@code relu,sau(n=1, alpha=0.2),elu} → {@code relu}, {@code sau(n=1, alpha=0.2)}, {@code elu}.
     */
    public static List<String> splitTopLevel(String list) {
        final List<String> parts = new ArrayList<>();
        int depth = 0, start = 0;
        for (int i = 0; i < list.length(); i++) {
            final char c = list.charAt(i);
            if (c == '(') depth++;
            else if (c == ')') {
                if (--depth < 0) throw new IllegalArgumentException("unbalanced ')' in \"" + list + "\"");
            } else if (c == ',' && depth == 0) {
                parts.add(list.substring(start, i).trim());
                start = i + 1;
            }
        }
        if (depth != 0) throw new IllegalArgumentException("unclosed '(' in \"" + list + "\"");
        parts.add(list.substring(start).trim());
        if (parts.stream().anyMatch(String::isEmpty)) throw new IllegalArgumentException("empty entry in \"" + list + "\"");
        return parts;
    }
}
