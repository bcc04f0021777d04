package io.mcst.benchmarks;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every figure beside its baseline from the same run and their ratio, plus the target it is held to, if
 * any. Rendered as one Markdown table per section.
 */
public final class ResultsTable {
    /**
     * One figure. {@code target} is null when none was set; {@code met} says whether the figure met it.
     * {@code baselineValue} is NaN when the figure has no baseline.
     */
    public record Row(String section, String figure, double value, String unit, String baseline,
            double baselineValue, String target, Boolean met) {
        public Row {
            requireNonNull(section, "section");
            requireNonNull(figure, "figure");
            requireNonNull(unit, "unit");
            requireNonNull(baseline, "baseline");
        }

        public double ratio() {
            return value / baselineValue;
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** A figure against its baseline, without a target. */
    public void add(String section, String figure, double value, String unit, String baseline, double baselineValue) {
        rows.add(new Row(section, figure, value, unit, baseline, baselineValue, null, null));
        print(rows.get(rows.size() - 1));
    }

    /**
     * A figure against its baseline and a target it {@code met} or not. A figure or baseline that could not
     * be measured (NaN) neither met nor missed its target.
     */
    public void add(String section, String figure, double value, String unit, String baseline, double baselineValue,
            String target, boolean met) {
        boolean measured = !Double.isNaN(value) && !Double.isNaN(baselineValue);
        rows.add(new Row(section, figure, value, unit, baseline, baselineValue, target, measured ? met : null));
        print(rows.get(rows.size() - 1));
    }

    /** A remark printed under the tables: what was not measured and why, how to read a figure. */
    public void note(String note) {
        notes.add(requireNonNull(note, "note"));
        System.out.println("NOTE " + note);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public String toMarkdown() {
        StringBuilder out = new StringBuilder();
        String section = null;
        for (Row row : rows) {
            if (!row.section().equals(section)) {
                section = row.section();
                out.append("\n### ").append(section).append("\n\n")
                        .append("| Figure | Value | Baseline | Baseline value | Ratio | Target | Met |\n")
                        .append("|---|---:|---|---:|---:|---|---|\n");
            }
            out.append("| ").append(row.figure())
                    .append(" | ").append(number(row.value())).append(' ').append(row.unit())
                    .append(" | ").append(row.baseline())
                    .append(" | ").append(Double.isNaN(row.baselineValue()) ? "" : number(row.baselineValue()) + " " + row.unit())
                    .append(" | ").append(Double.isNaN(row.baselineValue()) ? "" : ratio(row.ratio()))
                    .append(" | ").append(row.target() == null ? "" : row.target())
                    .append(" | ").append(met(row))
                    .append(" |\n");
        }
        if (!notes.isEmpty()) {
            out.append("\n### Notes\n\n");
            notes.forEach(note -> out.append("- ").append(note).append('\n'));
        }
        return out.toString();
    }

    private static void print(Row row) {
        System.out.printf(Locale.ROOT, "%-28s %-58s %12s %-10s vs %-34s %12s  ratio %s%s%n", row.section(), row.figure(),
                number(row.value()), row.unit(), row.baseline(),
                Double.isNaN(row.baselineValue()) ? "-" : number(row.baselineValue()),
                Double.isNaN(row.baselineValue()) ? "-" : ratio(row.ratio()),
                row.target() == null ? "" : "  target " + row.target() + " " + met(row));
    }

    private static String met(Row row) {
        if (row.target() == null) {
            return "";
        }
        return row.met() == null ? "not measured" : row.met() ? "yes" : "**no**";
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 100 || value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, magnitude >= 10 ? "%.1f" : "%.2f", value);
    }

    private static String ratio(double ratio) {
        return Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2fx", ratio) : "n/a";
    }
}
