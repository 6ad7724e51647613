package io.nightshift.api;

import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.function.Function;

/** A page of a listing; {@code nextCursor} is null on the last page. */
public record ItemList<T>(List<T> items, @Nullable String nextCursor) {

  /**
   * The page of the first {@code size} of {@code rows}, read one more than asked so that a further
   * row tells there is a next page; its cursor is that of the page's last row.
   */
  static <R, T> ItemList<T> firstOf(
      List<R> rows, int size, Function<R, T> item, Function<R, String> cursor) {
    List<T> items = rows.stream().limit(size).map(item).toList();
    return new ItemList<>(items, rows.size() > size ? cursor.apply(rows.get(size - 1)) : null);
  }
}
