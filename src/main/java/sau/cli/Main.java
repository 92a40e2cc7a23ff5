package sau.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sau.backend.cuda.CudaError;
import sau.config.ConfigError;
import sau.data.DataError;

/** {@code bin/sau}: dispatches to a subcommand and turns errors into one clear message. */
public final class Main {

    /** A subcommand: its one-line summary, its help text and what it does. */
    interface Command {
        String summary();

        String help();

        int run(List<String> args) throws Exception;
    }

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("train", new TrainCommand());
        COMMANDS.put("eval", new EvalCommand());
        COMMANDS.put("detect", new DetectCommand());
        COMMANDS.put("translate", new TranslateCommand());
        COMMANDS.put("info", new InfoCommand());
        COMMANDS.put("compare", new CompareCommand());
        COMMANDS.put("plot", new PlotCommand());
        COMMANDS.put("bench", new BenchCommand());
    }

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            System.out.print(usage());
            return args.length == 0 ? 2 : 0;
        }
        final Command command = COMMANDS.get(args[0]);
        if (command == null) {
            System.err.println("sau: unknown command \"" + args[0] + "\"; the commands are " + String.join(", ", COMMANDS.keySet()) + " (bin/sau --help)");
            return 2;
        }
        final List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (rest.contains("--help") || rest.contains("-h")) {
            System.out.print(command.help());
            return 0;
        }
        try {
            return command.run(rest);
        } catch (UserError | ConfigError | DataError | CudaError e) {
            System.err.println("sau " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("sau " + args[0] + ": " + e);
            if (System.getenv("SAU_DEBUG") != null) e.printStackTrace();
            else System.err.println("(set SAU_DEBUG=1 for the stack trace)");
            return 1;
        }
    }

    private static String usage() {
        final StringBuilder sb = new StringBuilder("usage: bin/sau COMMAND [ARGS...]\n\ncommands:\n");
        COMMANDS.forEach((name, c) -> sb.append(String.format("  %-8s %s%n", name, c.summary())));
        return sb.append("\nbin/sau COMMAND --help tells more about one.\n").toString();
    }
}
