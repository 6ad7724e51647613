package io.nightshift.api;

import java.util.List;

/** A page of a listing; {@code nextCursor} is null on the last page. */
public record ItemList<T>(List<T> items, String nextCursor) {}
