package sau.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Benchmark results: rows of named values (strings and numbers), printed either as an aligned
 * table for people or as JSON lines, one object per row, for scripts and plots.
 */
public final class Table {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Map<String, Object>> rows = new ArrayList<>();

    /** Makes a row from alternating column names and values, keeping their order. */
    public static Map<String, Object> row(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("row needs name, value pairs; got an odd count");
        }
        final Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return row;
    }

    public Table add(Map<String, Object> row) {
        rows.add(row);
        return this;
    }

    public Table addAll(List<Map<String, Object>> more) {
        rows.addAll(more);
        return this;
    }

    public List<Map<String, Object>> rows() {
        return List.copyOf(rows);
    }

    /** Prints as JSON lines when {@code json}, else as an aligned table. */
    public void print(PrintStream out, boolean json) {
        if (json) printJson(out);
        else printAligned(out);
    }

    public void printJson(PrintStream out) {
        for (Map<String, Object> row : rows) {
            try {
                out.println(JSON.writeValueAsString(row));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Columns in order of first appearance; numbers right-aligned, text left-aligned. */
    public void printAligned(PrintStream out) {
        final Set<String> columns = new LinkedHashSet<>();
        for (Map<String, Object> row : rows) columns.addAll(row.keySet());
        final Map<String, Integer> widths = new LinkedHashMap<>();
        for (String col : columns) {
            int w = col.length();
            for (Map<String, Object> row : rows) w = Math.max(w, format(row.get(col)).length());
            widths.put(col, w);
        }
        final StringBuilder line = new StringBuilder();
        for (String col : columns) line.append(pad(col, widths.get(col), isNumericColumn(col))).append("  ");
        out.println(line.toString().stripTrailing());
        for (Map<String, Object> row : rows) {
            line.setLength(0);
            for (String col : columns) {
                final Object v = row.get(col);
                line.append(pad(format(v), widths.get(col), v instanceof Number)).append("  ");
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private boolean isNumericColumn(String col) {
        for (Map<String, Object> row : rows) {
            if (row.get(col) instanceof Number) return true;
        }
        return false;
    }

    /** Three significant-looking decimals for small values, fewer for large ones. */
    private static String format(Object v) {
        if (v == null) return "";
        if (v instanceof Double || v instanceof Float) {
            final double d = ((Number) v).doubleValue();
            final double abs = Math.abs(d);
            if (abs >= 100) return String.format(Locale.ROOT, "%.1f", d);
            if (abs >= 1) return String.format(Locale.ROOT, "%.2f", d);
            return String.format(Locale.ROOT, "%.3f", d);
        }
        return v.toString();
    }

    private static String pad(String s, int width, boolean right) {
        final String fill = " ".repeat(width - s.length());
        return right ? fill + s : s + fill;
    }
}
