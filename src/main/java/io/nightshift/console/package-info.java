/**
 * Pieces of the server-rendered web console that turn runs and schedules into text and SVG.
 *
 * <p>They are pure and framework-free so the drawing can be tested without a server. Their SVG is
 * embedded in pages as it is, so every user-written string is escaped here ({@link
 * io.nightshift.console.Xml}), and the output carries no inline {@code style} and no script: the
 * console's Content-Security-Policy forbids both. Colour comes from CSS classes.
 */
package io.nightshift.console;
