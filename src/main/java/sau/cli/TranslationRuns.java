package sau.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import com.fasterxml.jackson.databind.ObjectMapper;
import sau.config.ConfigLoader;
import sau.config.TrainConfig;
import sau.config.TranslationExperiment;
import sau.models.Transformer;
import sau.tensor.Generator;
import sau.text.ParallelCorpus;
import sau.text.Tokenizer;
import sau.train.Bleu;
import sau.train.Safetensors;
import sau.train.TrainingDiverged;
import sau.train.TranslationTrainer;
import sau.translation.Decoding;
import sau.train.TranslationEvaluation;

/** The translation side of {@code train}, {@code eval} and {@code translate}: runs whose dataset is parallel text. */
final class TranslationRuns {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How many test translations are printed as examples. */
    private static final int EXAMPLES = 10;

    private TranslationRuns() {}

    static Decoding.Settings decoding(TrainConfig c) {
        final TrainConfig.Translation t = c.translation();
        return new Decoding.Settings(t.beam(), t.lengthPenalty(), t.maxLenA(), t.maxLenB());
    }

    /** Trains, then scores the test split; the exit status. */
    static int train(TrainConfig config, String source, Path runDir, boolean resume, boolean progressInPlace, boolean progressLines) throws IOException {
        final TranslationExperiment.Parts parts = TranslationExperiment.build(config, source, runDir);
        Files.writeString(runDir.resolve("config.json"), ConfigLoader.toJson(config));
        final TranslationTrainer.Options options = new TranslationTrainer.Options(config.epochs(), config.labelSmoothing(), config.clipGradNorm(),
                config.checkpoint().everyEpochs(), config.checkpoint().everySteps(), config.translation().bleuSentences(),
                config.translation().averageCheckpoints(), decoding(config), progressInPlace, progressLines);
        System.err.printf(Locale.ROOT, "sau: training transformer (%,d parameters, %,d tokens in the joint vocabulary) with %s on %,d sentence pairs (%,d batches), %d epochs; writing %s%n",
                parts.model().numParameters(), parts.tokenizer().vocabulary().size(), config.model().activation(), parts.train().pairs().size(),
                parts.train().batchesPerEpoch(), config.epochs(), runDir);
        final TranslationTrainer trainer = new TranslationTrainer(parts.model(), parts.tokenizer(), parts.optimizer(), parts.schedule(), parts.train(), parts.valid(),
                parts.validText(), parts.modelRng(), runDir, options, System.err);
        try {
            final List<Map<String, Object>> history = trainer.fit(resume);
            if (history.isEmpty()) {
                System.out.println("nothing to do: " + runDir + " already finished its " + config.epochs() + " epochs");
                return 0;
            }
        } catch (TrainingDiverged e) {
            System.err.println("sau train: " + e.getMessage());
            return 3;
        }
        parts.model().loadStateDict(Safetensors.read(TranslationTrainer.weightsFor(runDir)).tensors(), true);
        testScores(config, parts.model(), parts.tokenizer(), runDir, config.translation().testSentences());
        return 0;
    }

    /**
     * Translates the test split greedily and with beam search, prints both BLEU scores and ten
     * example translations, and
     * writes {@code test.json}, {@code test.greedy.txt} and {@code test.beam.txt} into the run folder.
     */
    static void testScores(TrainConfig config, Transformer model, Tokenizer tokenizer, Path runDir, int limit) throws IOException {
        List<ParallelCorpus.Pair> test = TranslationExperiment.pairs(config, config.translation().test());
        if (limit > 0 && limit < test.size()) test = test.subList(0, limit);
        final List<String> sources = test.stream().map(ParallelCorpus.Pair::source).toList();
        final List<String> references = test.stream().map(ParallelCorpus.Pair::target).toList();
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("sentences", test.size());
        List<String> beamOutput = List.of();
        for (boolean beam : new boolean[] {false, true}) {
            final long t0 = System.nanoTime();
            final List<String> hyp = TranslationEvaluation.translate(model, tokenizer, sources, decoding(config), beam);
            if (beam) beamOutput = hyp;
            final Bleu.Score score = Bleu.corpus(hyp, references);
            final String name = beam ? "beam" : "greedy";
            Files.write(runDir.resolve("test." + name + ".txt"), hyp);
            result.put(name + "_bleu", score.bleu());
            result.put(name + "_s", (System.nanoTime() - t0) * 1e-9);
            System.out.printf(Locale.ROOT, "test %s%s (%,d sentences): %s%n", name,
                    beam ? String.format(Locale.ROOT, " (beam %d, length penalty %.2f)", config.translation().beam(), config.translation().lengthPenalty()) : "",
                    test.size(), score);
        }
        System.out.println("the first test sentences (source / reference / beam search):");
        for (int i = 0; i < Math.min(EXAMPLES, test.size()); i++) {
            System.out.printf("  %s%n    %s%n    %s%n", sources.get(i), references.get(i), beamOutput.get(i));
        }
        result.put("beam", config.translation().beam());
        result.put("length_penalty", config.translation().lengthPenalty());
        Files.writeString(runDir.resolve("test.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
    }

    /** A finished (or checkpointed) translation run, ready to translate. */
    record Loaded(TrainConfig config, Transformer model, Tokenizer tokenizer) {}

    static boolean isTranslationRun(Path runDir) {
        return Files.exists(runDir.resolve(Tokenizer.CODES_FILE)) && Files.exists(runDir.resolve("config.json"));
    }

    static Loaded load(Path runDir) throws IOException {
        if (!isTranslationRun(runDir)) throw new UserError(runDir + " is not a translation run folder (it needs config.json and " + Tokenizer.CODES_FILE + ")");
        final Path configFile = runDir.resolve("config.json");
        final TrainConfig config = ConfigLoader.load(configFile, List.of());
        final Tokenizer tokenizer = Tokenizer.load(runDir);
        final Transformer model = TranslationExperiment.model(config, configFile.toString(), tokenizer.vocabulary().size(), new Generator(config.seed()));
        final Path weights = TranslationTrainer.weightsFor(runDir);
        if (weights == null) throw new UserError(runDir + " has no checkpoint yet");
        model.loadStateDict(Safetensors.read(weights).tensors(), true);
        model.eval();
        return new Loaded(config, model, tokenizer);
    }
}
