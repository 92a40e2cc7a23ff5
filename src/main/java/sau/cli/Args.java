package sau.cli;

import java.util.ArrayList;
import java.util.List;

/** A subcommand's arguments: {@code --flag value} pairs (a flag may repeat) and positional arguments. */
final class Args {

    private final List<String> rest;

    Args(List<String> args) {
        this.rest = new ArrayList<>(args);
    }

    /** The value of {@code flag} (its last occurrence), removed from the arguments; null if absent. */
    String value(String flag) {
        final List<String> all = all(flag);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** Every value given with {@code flag}, in order, removed from the arguments. Also accepts {@code flag=value}. */
    List<String> all(String flag) {
        final List<String> values = new ArrayList<>();
        for (int i = 0; i < rest.size(); ) {
            final String a = rest.get(i);
            if (a.equals(flag)) {
                if (i + 1 >= rest.size()) throw new UserError(flag + " needs a value");
                values.add(rest.get(i + 1));
                rest.remove(i + 1);
                rest.remove(i);
            } else if (a.startsWith(flag + "=")) {
                values.add(a.substring(flag.length() + 1));
                rest.remove(i);
            } else {
                i++;
            }
        }
        return values;
    }

    /** What is left once the flags are taken; an unknown flag is an error. */
    List<String> positional() {
        for (String a : rest) if (a.startsWith("--")) throw new UserError("unknown option " + a + " (see --help)");
        return List.copyOf(rest);
    }
}
