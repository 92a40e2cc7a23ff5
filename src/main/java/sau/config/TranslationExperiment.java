package sau.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import sau.data.DataError;
import sau.models.BadModelSpec;
import sau.models.ModelOptions;
import sau.models.Transformer;
import sau.models.TransformerOptions;
import sau.nn.activation.ActivationFactory;
import sau.optim.Optimizer;
import sau.optim.schedule.LrSchedule;
import sau.tensor.Device;
import sau.tensor.Generator;
import sau.text.ParallelCorpus;
import sau.text.SentencePair;
import sau.text.TokenBatcher;
import sau.text.Tokenizer;
import sau.text.Vocabulary;

/**
 * Turns a translation config ({@code dataset.name: "parallel-text"}) into the engine's objects:
 * the sentence pairs of each split, the tokenizer (learned from the training text on a new
 * run, read from the run folder otherwise), the batches, the Transformer, the optimizer and
 * the schedule. The counterpart of {@link Experiment} for image classification.
 */
public final class TranslationExperiment {

    public static final String DATASET = "parallel-text";
    static final String DEFAULT_PATH = "datasets/ding-en-de";

    /** Everything a translation run needs. */
    public record Parts(Tokenizer tokenizer, Transformer model, Optimizer optimizer, LrSchedule schedule,
                        TokenBatcher train, TokenBatcher valid, List<ParallelCorpus.Pair> validText, Generator modelRng) {}

    private TranslationExperiment() {}

    public static boolean handles(TrainConfig c) {
        return c.dataset().name().equals(DATASET);
    }

    /** Builds a run; the tokenizer is read from {@code runDir} when it holds one, else learned there and saved. */
    public static Parts build(TrainConfig c, String source, Path runDir) throws IOException {
        final Device device = Experiment.selectDevice(c, source);
        final TrainConfig.Translation t = c.translation();
        final List<ParallelCorpus.Pair> trainText = limit(pairs(c, t.train()), c.dataset().trainLimit());
        final List<ParallelCorpus.Pair> validText = limit(pairs(c, t.valid()), c.dataset().testLimit());
        final Tokenizer tokenizer;
        if (Files.exists(runDir.resolve(Tokenizer.CODES_FILE))) {
            tokenizer = Tokenizer.load(runDir);
        } else {
            final List<String> text = new ArrayList<>();
            for (ParallelCorpus.Pair p : trainText) {
                text.add(p.source());
                text.add(p.target());
            }
            tokenizer = Tokenizer.learn(text, t.bpeMerges());
            Files.createDirectories(runDir);
            tokenizer.save(runDir);
        }
        final Generator rng = new Generator(c.seed());
        final Transformer model = model(c, source, tokenizer.vocabulary().size(), rng);
        model.to(device);
        final TokenBatcher train = new TokenBatcher(encode(tokenizer, trainText, t.maxLength()), t.maxTokens(), true, c.seed());
        final TokenBatcher valid = new TokenBatcher(encode(tokenizer, validText, t.maxLength()), t.maxTokens(), false, 0);
        final Optimizer optimizer = Experiment.optimizer(c.optimizer(), model);
        final LrSchedule schedule = Experiment.schedule(c, train.batchesPerEpoch());
        return new Parts(tokenizer, model, optimizer, schedule, train, valid, validText, rng);
    }

    /** The model a config describes, for a joint vocabulary of {@code vocabulary} tokens. */
    public static Transformer model(TrainConfig c, String source, int vocabulary, Generator rng) {
        if (!c.model().name().equals("transformer")) {
            throw new ConfigError(source + ": model.name: a parallel-text dataset needs the \"transformer\" model, got \"" + c.model().name() + "\"");
        }
        try {
            ActivationFactory.create(c.model().activation());
            final TransformerOptions o = TransformerOptions.from(new ModelOptions("transformer", c.model().options(), TransformerOptions.KEYS));
            if (c.translation().maxLength() + 1 > o.maxLen()) {
                throw new BadModelSpec("options.max_len", o.maxLen() + " positions cannot hold sentences of translation.max_length " + c.translation().maxLength() + " tokens plus an end marker");
            }
            return new Transformer(o, vocabulary, vocabulary, Vocabulary.PAD, () -> ActivationFactory.create(c.model().activation()), rng);
        } catch (BadModelSpec e) {
            throw new ConfigError(source + ": model." + e.field() + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigError(source + ": model.activation: " + e.getMessage());
        }
    }

    /** The text pairs of split {@code prefix} in the dataset folder. */
    public static List<ParallelCorpus.Pair> pairs(TrainConfig c, String prefix) {
        final Path dir = Experiment.resolve(c.dataset().path() == null ? DEFAULT_PATH : c.dataset().path());
        final TrainConfig.Translation t = c.translation();
        try {
            return ParallelCorpus.read(file(dir, prefix, t.source(), "src"), file(dir, prefix, t.target(), "ref"));
        } catch (DataError e) {
            throw new DataError("dataset.path: " + e.getMessage());
        }
    }

    /**
     * A split's file for one language: {@code PREFIX.LANG} (plain text), or one of WMT's SGML names
     * {@code PREFIX.LANG.sgm}, {@code PREFIX-src.LANG.sgm} / {@code PREFIX-ref.LANG.sgm}.
     */
    static Path file(Path dir, String prefix, String lang, String role) {
        final List<Path> candidates = List.of(dir.resolve(prefix + "." + lang), dir.resolve(prefix + "." + lang + ".sgm"), dir.resolve(prefix + "-" + role + "." + lang + ".sgm"));
        for (Path p : candidates) if (Files.isRegularFile(p)) return p;
        final String hint = dir.toString().endsWith("ding-en-de")
                ? "; create the Ding English-German pairs with: python3 datasets/ding-to-pairs.py (see datasets/README.md)"
                : "; a parallel-text folder holds PREFIX.LANG files, one sentence per line (see datasets/README.md)";
        throw new DataError(candidates.get(0) + " is missing (also looked for " + candidates.get(1).getFileName() + ", " + candidates.get(2).getFileName() + ")" + hint);
    }

    private static List<ParallelCorpus.Pair> limit(List<ParallelCorpus.Pair> pairs, int limit) {
        return limit > 0 && limit < pairs.size() ? pairs.subList(0, limit) : pairs;
    }

    /** Token ids of each pair; pairs with a side longer than {@code maxLength} tokens, or an empty side, are left out. */
    public static List<SentencePair> encode(Tokenizer tokenizer, List<ParallelCorpus.Pair> pairs, int maxLength) {
        final List<SentencePair> out = new ArrayList<>();
        for (ParallelCorpus.Pair p : pairs) {
            final int[] s = tokenizer.encode(p.source()), t = tokenizer.encode(p.target());
            if (s.length > 0 && t.length > 0 && s.length <= maxLength && t.length <= maxLength) out.add(new SentencePair(s, t));
        }
        if (out.isEmpty()) throw new DataError("dataset.path: no sentence pair has both sides between 1 and translation.max_length (" + maxLength + ") tokens");
        return out;
    }
}
