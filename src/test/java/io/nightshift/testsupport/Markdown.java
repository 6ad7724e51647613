package io.nightshift.testsupport;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading the repository's Markdown as GitHub renders it: its headings' anchors, its code. */
public final class Markdown {

  private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
  private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})[ \\t]+(.*?)[ \\t]*$");
  private static final Pattern CLOSING_HASHES = Pattern.compile("[ \\t]+#+$");
  private static final Pattern EXPLICIT_ANCHOR =
      Pattern.compile("<a\\s+[^>]*?\\b(?:id|name)\\s*=\\s*[\"']([^\"']+)[\"']");

  private Markdown() {}

  /**
   * The anchors of a page: each heading's GitHub anchor (lowercase, punctuation but {@code -} and
   * {@code _} removed, each space a {@code -}; a repeated one gets {@code -1}, {@code -2}, …), and
   * every {@code <a id="…">} or {@code <a name="…">}.
   */
  public static Set<String> anchors(String markdown) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    String text = withoutFencedCode(markdown);
    for (String line : text.split("\n", -1)) {
      Matcher heading = HEADING.matcher(line);
      if (!heading.matches()) {
        continue;
      }
      String slug = slug(CLOSING_HASHES.matcher(heading.group(2)).replaceFirst(""));
      int count = seen.merge(slug, 1, Integer::sum);
      anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
    }
    Matcher explicit = EXPLICIT_ANCHOR.matcher(text);
    while (explicit.find()) {
      anchors.add(explicit.group(1));
    }
    return anchors;
  }

  private static String slug(String heading) {
    String text =
        heading
            .replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
            .replaceAll("<[^>]+>", "")
            .toLowerCase(Locale.ROOT);
    return text.replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
  }

  /** The page with fenced code blocks blanked out, line for line. */
  public static String withoutFencedCode(String markdown) {
    StringBuilder out = new StringBuilder();
    String fence = null;
    for (String line : markdown.split("\n", -1)) {
      Matcher opening = FENCE.matcher(line);
      if (fence == null && opening.find()) {
        fence = opening.group(1);
        out.append('\n');
      } else if (fence != null) {
        String stripped = line.strip();
        char mark = fence.charAt(0);
        if (stripped.startsWith(fence) && stripped.chars().allMatch(c -> c == mark)) {
          fence = null;
        }
        out.append('\n');
      } else {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }
}
