package io.nightshift.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A table as kubectl prints one: upper-case headers, columns left-aligned and three spaces apart,
 * {@code <none>} for an empty cell, no trailing spaces.
 */
final class Table {

  static final String NONE = "<none>";
  private static final String GAP = "   ";

  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  Table(String... headers) {
    String[] upper = new String[headers.length];
    for (int i = 0; i < headers.length; i++) {
      upper[i] = headers[i].toUpperCase(Locale.ROOT);
    }
    rows.add(upper);
    columns = headers.length;
  }

  Table row(Object... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(cells.length + " cells for " + columns + " columns");
    }
    String[] row = new String[columns];
    for (int i = 0; i < columns; i++) {
      String text = cells[i] == null ? "" : cells[i].toString();
      row[i] = text.isEmpty() ? NONE : text.replace('\n', ' ');
    }
    rows.add(row);
    return this;
  }

  boolean isEmpty() {
    return rows.size() == 1;
  }

  /** The table, one line per row, each ending in a newline. */
  String render() {
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - row[i].length())).append(GAP);
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
