import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs sau's JUnit tests from a plain {@code java} command, where there is no Maven: the test
 * runner of the GPU bundle ({@code bin/gpu-bundle}, {@code .gpu/run test}). It uses the JUnit
 * Platform Launcher API, prints one line per test (PASSED, FAILED with the failure's message,
 * SKIPPED with the reason) and a summary, and exits with status 1 when anything failed. A test
 * that fails for want of a JDK class whose module the bundle's runtime leaves out (java.awt, ...)
 * is NOT RUN, not FAILED.
 *
 * <pre>
 * TestLauncher [TAG...] [--all] [--class FQCN]... [--report FILE]
 *   TAG...         run the tests with any of these tags (default: cuda); "a,b" also works
 *   --all          run every test, whatever its tags
 *   --class FQCN   only this test class (repeatable); without it, every test class in package sau
 *   --report FILE  also write the results, with full stack traces, to FILE
 * </pre>
 *
 * Classes are chosen as Surefire's defaults do: Test*, *Test, *Tests, *TestCase.
 */
public final class TestLauncher {

    private TestLauncher() {}

    public static void main(String[] args) throws IOException {
        final List<String> tags = new ArrayList<>();
        final List<String> classes = new ArrayList<>();
        boolean all = false;
        Path report = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--all" -> all = true;
                case "--class" -> classes.add(value(args, ++i, "--class"));
                case "--report" -> report = Path.of(value(args, ++i, "--report"));
                case "-h", "--help" -> {
                    System.out.println("usage: test [TAG...] [--all] [--class FQCN]... [--report FILE]  (default tag: cuda)");
                    return;
                }
                default -> {
                    if (args[i].startsWith("-")) usage("unknown option " + args[i]);
                    Arrays.stream(args[i].split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(tags::add);
                }
            }
        }
        if (all && !tags.isEmpty()) usage("give tags or --all, not both");
        if (!all && tags.isEmpty()) tags.add("cuda");

        final LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        if (classes.isEmpty()) {
            request.selectors(selectPackage("sau"))
                    .filters(ClassNameFilter.includeClassNamePatterns("^(.*[.$])?(Test[^.$]*|[^.$]*Tests?|[^.$]*TestCase)$"));
        } else {
            classes.forEach(c -> request.selectors(selectClass(c)));
        }
        if (!all) request.filters(TagFilter.includeTags(tags));
        final LauncherDiscoveryRequest discovery = request.build();
        final String scope = (classes.isEmpty() ? "package sau" : String.join(", ", classes))
                + (all ? ", all tags" : ", tags " + String.join(" or ", tags));

        final Launcher launcher = LauncherFactory.create();
        final TestPlan plan = launcher.discover(discovery);
        final long count = plan.countTestIdentifiers(TestIdentifier::isTest);
        final Results results = new Results(plan);
        if (count == 0) {
            results.say("no tests matched (" + scope + ")" + (all ? "" : "; --all runs every test"));
            results.write(report);
            return;
        }
        results.say("running the tests of " + scope);
        final SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(plan, summary, results);
        final TestExecutionSummary s = summary.getSummary();
        if (!results.failures.isEmpty()) {
            results.say("failed:");
            results.failures.forEach(f -> results.say("  " + f));
        }
        results.say(String.format("%d tests: %d passed, %d failed, %d skipped (%d by an assumption)%s in %.1f s",
                s.getTestsFoundCount(), s.getTestsSucceededCount(), results.failures.size(),
                s.getTestsSkippedCount() + s.getTestsAbortedCount(), s.getTestsAbortedCount(),
                results.notRun == 0 ? "" : ", " + results.notRun + " not run (they need a module the runtime leaves out),",
                (s.getTimeFinished() - s.getTimeStarted()) / 1000.0));
        results.write(report);
        System.exit(results.failures.isEmpty() ? 0 : 1);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) usage(option + " needs a value");
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("test: " + problem + "; usage: test [TAG...] [--all] [--class FQCN]... [--report FILE]");
        System.exit(2);
    }

    /** Prints one line per finished or skipped test (and per failed or skipped class), and keeps them for the report. */
    private static final class Results implements TestExecutionListener {
        private final TestPlan plan;
        private final StringBuilder report = new StringBuilder();
        private final Map<String, Long> started = new ConcurrentHashMap<>();
        final List<String> failures = new ArrayList<>();
        int notRun;

        Results(TestPlan plan) {
            this.plan = plan;
        }

        synchronized void say(String line) {
            say(line, line);
        }

        /** Prints {@code console} and keeps {@code full} for the report. */
        synchronized void say(String console, String full) {
            System.out.println(console);
            System.out.flush();
            report.append(full).append('\n');
        }

        void write(Path file) throws IOException {
            if (file == null) return;
            if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
            synchronized (this) {
                Files.writeString(file, report);
            }
            System.out.println("report: " + file);
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            started.put(id.getUniqueId(), System.nanoTime());
            // a test that crashes the JVM (a native library's fault) is then the last one named
            if (id.isTest()) System.err.println("RUNNING " + name(id));
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            final String what = "SKIPPED " + name(id) + (reason == null || reason.isBlank() ? "" : ": ");
            say(what + brief(reason), what + full(reason));
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            final Long t0 = started.remove(id.getUniqueId());
            final String ms = t0 == null ? "" : String.format(" (%d ms)", (System.nanoTime() - t0) / 1_000_000);
            final Throwable t = result.getThrowable().orElse(null);
            switch (result.getStatus()) {
                case SUCCESSFUL -> {
                    if (id.isTest()) say("PASSED  " + name(id) + ms);
                }
                case ABORTED -> {
                    final String why = t == null ? "aborted" : message(t);
                    say("SKIPPED " + name(id) + ": " + brief(why), "SKIPPED " + name(id) + ": " + full(why));
                }
                case FAILED -> {
                    final String missing = missingJdkClass(t);
                    if (missing != null) { // java.awt, say: the bundle's runtime leaves java.desktop out
                        say("NOT RUN " + name(id) + ": needs " + missing + ", whose module the runtime leaves out");
                        synchronized (this) {
                            notRun++;
                        }
                        return;
                    }
                    final String n = name(id), why = t == null ? "failed" : message(t);
                    say("FAILED  " + n + ms + ": " + brief(why), "FAILED  " + n + ms + ": " + full(why));
                    synchronized (this) {
                        failures.add(n + ": " + brief(why));
                    }
                    if (t != null) {
                        final StringWriter trace = new StringWriter();
                        t.printStackTrace(new PrintWriter(trace));
                        final String[] lines = trace.toString().split("\n");
                        final int first = (int) t.toString().lines().count(); // the message's lines come first
                        // on the console, the frames of sau's code (JUnit's and the JDK's left out) and the causes
                        int shown = 0;
                        for (int i = first; i < lines.length && shown < 6; i++) {
                            final String line = lines[i].strip();
                            if (line.startsWith("at org.junit.") || line.startsWith("at org.opentest4j.") || line.startsWith("at java.base/")
                                    || line.startsWith("...")) continue;
                            System.out.println("        " + line);
                            shown++;
                        }
                        synchronized (this) { // all of it in the report
                            for (int i = first; i < lines.length; i++) report.append("        ").append(lines[i].strip()).append('\n');
                        }
                    }
                }
            }
        }

        private static String message(Throwable t) {
            final String m = t.getMessage();
            return t.getClass().getName() + (m == null ? "" : ": " + m.strip());
        }

        private static final Pattern JDK_CLASS =
                Pattern.compile("\\b(?:java|javax|jdk|org[/.]w3c|org[/.]xml)[/.][A-Za-z0-9_$/.]*[A-Za-z0-9_$]");

        /**
         * The JDK class that {@code t} or one of its causes could not find, or null: code compiled
         * against the whole JDK misses one only where the runtime lacks its module.
         */
        private static String missingJdkClass(Throwable t) {
            for (int depth = 0; t != null && depth < 10; t = t.getCause(), depth++) {
                if (!(t instanceof NoClassDefFoundError || t instanceof ExceptionInInitializerError || t instanceof ClassNotFoundException)) continue;
                final Matcher m = JDK_CLASS.matcher(String.valueOf(t.getMessage()));
                while (m.find()) {
                    final String name = m.group().replace('/', '.');
                    try {
                        Class.forName(name, false, ClassLoader.getPlatformClassLoader());
                    } catch (ClassNotFoundException | LinkageError e) {
                        return name;
                    }
                }
            }
            return null;
        }

        /** The first line of a message, at most 300 characters: for the console. */
        private static String brief(String message) {
            if (message == null) return "";
            final String first = message.strip().lines().findFirst().orElse("");
            final boolean cut = first.length() > 300 || !first.equals(message.strip());
            return (first.length() > 300 ? first.substring(0, 300) : first) + (cut ? " ..." : "");
        }

        /** The whole message, its lines after the first indented: for the report. */
        private static String full(String message) {
            return message == null ? "" : message.strip().replace("\n", "\n        ");
        }

        /** "sau.tensor.TensorTest > add() > [1] 3" */
        private String name(TestIdentifier id) {
            final List<String> parts = new ArrayList<>();
            for (TestIdentifier at = id; at != null; at = plan.getParent(at).orElse(null)) {
                if (plan.getParent(at).isEmpty()) break; // the engine
                if (at.getSource().orElse(null) instanceof ClassSource c && plan.getParent(at).flatMap(TestIdentifier::getSource).isEmpty()) {
                    parts.addFirst(c.getClassName()); // a top-level class: its full name
                } else {
                    parts.addFirst(at.getDisplayName());
                }
            }
            return String.join(" > ", parts);
        }
    }
}
