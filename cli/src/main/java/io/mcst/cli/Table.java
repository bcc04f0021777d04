package io.mcst.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Rows printed as left-aligned columns, each as wide as its widest cell, two spaces apart. */
final class Table {
    private final List<List<String>> rows = new ArrayList<>();

    Table(List<String> header) {
        rows.add(List.copyOf(header));
    }

    void add(List<String> row) {
        rows.add(List.copyOf(row));
    }

    boolean isEmpty() {
        return rows.size() == 1;
    }

    void print(PrintWriter out) {
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i + 1 < row.size() ? String.format("%-" + widths[i] + "s  ", row.get(i)) : row.get(i));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }
}
