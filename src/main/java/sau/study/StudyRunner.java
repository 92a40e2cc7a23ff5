package sau.study;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import sau.backend.cpu.Parallel;
import sau.config.ConfigLoader;
import sau.config.Experiment;
import sau.config.TrainConfig;
import sau.nn.activation.ActivationFactory;
import sau.train.Trainer;
import sau.train.TrainingDiverged;

/**
 * Trains every (activation, seed) pair of a study that is not finished yet: in this process one
 * after another, or in {@code parallel} child processes of {@code bin/sau train}. Runs go seed by
 * seed (every activation with seed 0, then with seed 1, ...) so that a study stopped half-way
 * already compares every activation on the same seeds.
 *
 * <p>Each run's own {@code config.json} is written before it starts, and a child is always
 * started as {@code bin/sau train --resume RUN_DIR}: with no checkpoint that trains from the
 * beginning, with one it resumes. A stopped study therefore picks up where it was, whichever way
 * it was run.
 */
public final class StudyRunner {

    /**
     * How to run.
     *
     * @param parallel how many runs at once; 1 trains in this process
     * @param threads  CPU threads per run; 0: the config's own, or the cores shared among the parallel runs
     * @param progress the trainer's progress mode for in-process runs: bar, lines, none or auto
     */
    public record Options(int parallel, int threads, String progress) {}

    /** What a pass over the study did; {@code failed} names the runs that stopped with an error. */
    public record Outcome(int trained, int skipped, List<String> failed) {}

    private final Path studyDir;
    private final Study study;
    private final Options options;
    private final PrintStream console;

    public StudyRunner(Path studyDir, Options options, PrintStream console) throws IOException {
        this.studyDir = studyDir;
        this.study = Study.read(studyDir);
        this.options = options;
        this.console = console;
    }

    /**
     * Creates a study folder, or takes up the one of the same name when it holds the same base
     * config (its activations and seeds are then replaced by these, so a study can be extended
     * with more seeds). Returns the folder.
     */
    public static Path prepare(Path configFile, String name, List<String> overrides, List<String> activations, List<Long> seeds) throws IOException {
        final TrainConfig base = ConfigLoader.load(configFile, overrides);
        for (String a : activations) {
            try {
                ActivationFactory.create(a);
            } catch (IllegalArgumentException e) {
                throw new StudyError("--activations: " + e.getMessage());
            }
        }
        final String studyName = name != null ? name : base.name() + "-study";
        if (!studyName.matches("[A-Za-z0-9._-]+")) throw new StudyError("--name \"" + studyName + "\" must be letters, digits, '.', '_' or '-' (it names the study folder)");
        final Study study;
        try {
            study = new Study(configFile.toString(), overrides, activations, seeds);
        } catch (IllegalArgumentException e) {
            throw new StudyError(e.getMessage());
        }
        final Path dir = Path.of(base.logging().runsDir()).resolve(studyName);
        final String baseJson = ConfigLoader.toJson(base);
        final Path baseFile = dir.resolve(Study.BASE_CONFIG);
        if (Files.exists(baseFile) && !Files.readString(baseFile).equals(baseJson)) {
            throw new StudyError(dir + " holds a study of another config (its " + Study.BASE_CONFIG + " differs); choose another --name, or continue that one with --resume " + dir);
        }
        Files.createDirectories(dir);
        Files.writeString(baseFile, baseJson);
        study.write(dir);
        return dir;
    }

    /** The config of one run: the base config with this activation and seed. */
    public TrainConfig runConfig(String activation, long seed) {
        return ConfigLoader.load(studyDir.resolve(Study.BASE_CONFIG),
                List.of("model.activation=" + activation, "seed=" + seed, "name=" + Study.slug(activation) + "-seed-" + seed));
    }

    public Outcome run() throws IOException, InterruptedException {
        final List<Job> todo = new ArrayList<>();
        int skipped = 0;
        for (long seed : study.seeds()) {
            for (String activation : study.activations()) {
                final TrainConfig config = runConfig(activation, seed);
                final Path runDir = Study.runDir(studyDir, activation, seed);
                final RunState state = RunState.of(runDir, config.epochs());
                if (state == RunState.FINISHED) {
                    skipped++;
                    continue;
                }
                todo.add(new Job(activation, seed, config, runDir, state));
            }
        }
        console.printf(Locale.ROOT, "sau compare: %s: %d runs to train, %d finished already%s%n", studyDir, todo.size(), skipped,
                todo.isEmpty() || options.parallel() <= 1 ? "" : ", " + options.parallel() + " at a time");
        final List<String> failed = options.parallel() <= 1 ? inProcess(todo) : inChildren(todo);
        return new Outcome(todo.size() - failed.size(), skipped, failed);
    }

    private record Job(String activation, long seed, TrainConfig config, Path runDir, RunState state) {
        String label() {
            return activation + ", seed " + seed;
        }
    }

    /** Writes the run's config, after clearing what an attempt without a usable checkpoint left behind. */
    private static void prepareRun(Job job) throws IOException {
        if (job.state() == RunState.NOT_STARTED && Files.exists(job.runDir())) {
            for (String leftover : List.of("metrics.jsonl", "train.log", "console.log")) Files.deleteIfExists(job.runDir().resolve(leftover));
            deleteTree(job.runDir().resolve("checkpoints"));
        }
        Files.createDirectories(job.runDir());
        Files.writeString(job.runDir().resolve("config.json"), ConfigLoader.toJson(job.config()));
    }

    private List<String> inProcess(List<Job> todo) throws IOException {
        final List<String> failed = new ArrayList<>();
        for (int i = 0; i < todo.size(); i++) {
            final Job job = todo.get(i);
            prepareRun(job);
            console.printf(Locale.ROOT, "sau compare: [%d/%d] %s: %s%n", i + 1, todo.size(), job.label(),
                    job.state() == RunState.RESUMABLE ? "resuming" : "training");
            final TrainConfig c = job.config();
            final Experiment.Parts parts = Experiment.build(c, job.runDir().resolve("config.json").toString());
            if (options.threads() > 0) Parallel.setThreads(options.threads());
            final String mode = options.progress() != null ? options.progress() : c.logging().progress();
            final boolean tty = Boolean.getBoolean("sau.tty");
            final Trainer.Options trainerOptions = new Trainer.Options(c.epochs(), c.labelSmoothing(), c.checkpoint().everyEpochs(), c.checkpoint().everySteps(),
                    mode.equals("bar") || (mode.equals("auto") && tty), mode.equals("lines") || (mode.equals("auto") && !tty));
            final Trainer trainer = new Trainer(parts.model(), parts.optimizer(), parts.schedule(), parts.train(), parts.test(),
                    parts.modelRng(), job.runDir(), trainerOptions, console);
            try {
                final List<Map<String, Object>> history = trainer.fit(job.state() == RunState.RESUMABLE);
                if (!history.isEmpty()) {
                    console.printf(Locale.ROOT, "sau compare: %s: final test accuracy %.2f%%%n", job.label(), 100 * ((Number) history.get(history.size() - 1).get("test_acc")).doubleValue());
                }
            } catch (TrainingDiverged e) {
                // a diverging activation is a result of the study, not a reason to stop the others
                console.println("sau compare: " + job.label() + ": " + e.getMessage());
                failed.add(job.label());
            }
        }
        return failed;
    }

    /** The command line of a child that trains or resumes one run. */
    static List<String> childCommand(Path launcher, Path runDir, int threads) {
        return List.of(launcher.toString(), "train", "--resume", runDir.toString(), "--threads", Integer.toString(threads), "--progress", "none");
    }

    private List<String> inChildren(List<Job> todo) throws IOException, InterruptedException {
        final String home = System.getProperty("sau.home");
        if (home == null) throw new StudyError("--parallel starts bin/sau train processes, and this program was not started by bin/sau (sau.home is not set); use bin/sau, or --parallel 1");
        final Path launcher = Path.of(home, "bin", "sau");
        final int threads = options.threads() > 0 ? options.threads() : Math.max(1, Runtime.getRuntime().availableProcessors() / options.parallel());
        final List<Process> live = Collections.synchronizedList(new ArrayList<>());
        // children are not in this JVM: without this, killing the study would leave them training
        final Thread killChildren = new Thread(() -> live.forEach(Process::destroy));
        Runtime.getRuntime().addShutdownHook(killChildren);
        final ExecutorService pool = Executors.newFixedThreadPool(options.parallel());
        final AtomicInteger started = new AtomicInteger();
        try {
            final List<Future<String>> results = new ArrayList<>();
            for (Job job : todo) {
                prepareRun(job);
                results.add(pool.submit(() -> {
                    final int k = started.incrementAndGet();
                    final Path log = job.runDir().resolve("console.log");
                    console.printf(Locale.ROOT, "sau compare: [%d/%d] %s: %s in a child process (output in %s)%n", k, todo.size(), job.label(),
                            job.state() == RunState.RESUMABLE ? "resuming" : "training", log);
                    final Process p = new ProcessBuilder(childCommand(launcher, job.runDir(), threads))
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
                    live.add(p);
                    final int status = p.waitFor();
                    live.remove(p);
                    if (status == 0) {
                        console.printf(Locale.ROOT, "sau compare: %s: done%n", job.label());
                        return null;
                    }
                    console.printf(Locale.ROOT, "sau compare: %s: exit status %d, see %s%n", job.label(), status, log);
                    return job.label();
                }));
            }
            final List<String> failed = new ArrayList<>();
            for (Future<String> f : results) {
                try {
                    if (f.get() != null) failed.add(f.get());
                } catch (ExecutionException e) {
                    throw new IOException("a child process could not be started: " + e.getCause().getMessage(), e.getCause());
                }
            }
            return failed;
        } finally {
            pool.shutdownNow();
            live.forEach(Process::destroy);
            Runtime.getRuntime().removeShutdownHook(killChildren);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
