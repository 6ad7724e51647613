package io.nightshift.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testsupport.Markdown;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The repository's Markdown, checked the way a reader follows it on GitHub: every relative link and
 * image leads to a file that exists, and every {@code #anchor} names a heading of the page it
 * points into (GitHub's anchors) or an explicit {@code <a id>} / {@code <a name>} there. Links in
 * fenced code blocks and inline code are not links; absolute URLs ({@code https:}, {@code mailto:},
 * …) are not followed.
 */
class MarkdownLinksTest {

  private static final Path ROOT = Path.of("").toAbsolutePath().normalize();

  /** Build output, Git's own files, installed packages and local data: not the repository's. */
  private static final Set<String> SKIPPED_DIRECTORIES =
      Set.of("target", ".git", "node_modules", "nightshift-data");

  /** A code span: a run of backticks, its content, and a closing run of the same length. */
  private static final Pattern CODE_SPAN =
      Pattern.compile("(?<!`)(`+)(?!`)([\\s\\S]*?[^`])\\1(?!`)");

  /** The target of an inline link or image: {@code ](target)} or {@code ](target "title")}. */
  private static final Pattern INLINE_LINK =
      Pattern.compile(
          "\\]\\(\\s*(<[^>\\n]*>|[^)\\s]*)(?:\\s+(?:\"[^\"]*\"|'[^']*'|\\([^)]*\\)))?\\s*\\)");

  /** A reference-style definition: {@code [label]: target}. */
  private static final Pattern REFERENCE =
      Pattern.compile("(?m)^ {0,3}\\[([^\\]]+)\\]:[ \\t]*(<[^>\\n]*>|\\S+)");

  private static final Pattern ABSOLUTE = Pattern.compile("^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)");
  private static final Pattern LINE_ANCHOR = Pattern.compile("^L\\d+(?:-L\\d+)?$");

  @Test
  void every_relative_link_and_anchor_in_the_markdown_resolves() throws IOException {
    List<Path> pages = markdownFiles();
    assertThat(pages).as("Markdown files found under " + ROOT).isNotEmpty();
    Map<Path, Set<String>> anchors = new HashMap<>();
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      String text = withoutCode(Files.readString(page));
      List<Target> targets = new ArrayList<>();
      Matcher inline = INLINE_LINK.matcher(text);
      while (inline.find()) {
        targets.add(new Target(inline.group(1), lineOf(text, inline.start())));
      }
      Matcher reference = REFERENCE.matcher(text);
      while (reference.find()) {
        targets.add(new Target(reference.group(2), lineOf(text, reference.start())));
      }
      for (Target target : targets) {
        String problem = problem(page, target.target(), anchors);
        if (problem != null) {
          broken.add(
              "%s:%d: (%s) %s"
                  .formatted(ROOT.relativize(page), target.line(), target.target(), problem));
        }
      }
    }
    assertThat(broken)
        .withFailMessage(
            "%d broken link(s) in the Markdown:%n%s", broken.size(), String.join("\n", broken))
        .isEmpty();
  }

  @Test
  void no_markdown_file_mentions_design_md() throws IOException {
    List<String> mentions = new ArrayList<>();
    for (Path page : markdownFiles()) {
      List<String> lines = Files.readAllLines(page);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains("DESIGN.md")) {
          mentions.add(ROOT.relativize(page) + ":" + (i + 1) + ": " + lines.get(i).strip());
        }
      }
    }
    assertThat(mentions)
        .withFailMessage(
            "there is no DESIGN.md; point to docs/ instead:%n%s", String.join("\n", mentions))
        .isEmpty();
  }

  @Test
  void anchors_are_made_from_headings_as_github_makes_them() {
    assertThat(Markdown.anchors("### Runbook: NightshiftRunFailed\n"))
        .containsExactly("runbook-nightshiftrunfailed");
    assertThat(Markdown.anchors("## Trying it without a database: the embedded mode\n"))
        .containsExactly("trying-it-without-a-database-the-embedded-mode");
    assertThat(Markdown.anchors("# `GET /runs/{id}` and [the run](api.md), again!\n"))
        .containsExactly("get-runsid-and-the-run-again");
    assertThat(Markdown.anchors("## Snake_case and-hyphens ##\n"))
        .containsExactly("snake_case-and-hyphens");
    assertThat(Markdown.anchors("## Notes\n\n## Notes\n\n## Notes\n"))
        .containsExactlyInAnyOrder("notes", "notes-1", "notes-2");
    assertThat(Markdown.anchors("```sh\n# not a heading\n```\n<a id=\"kept\"></a>\n"))
        .containsExactly("kept");
  }

  /** Why a link from {@code page} to {@code target} is broken, or null when it resolves. */
  private static String problem(Path page, String target, Map<Path, Set<String>> anchors)
      throws IOException {
    String link = target.startsWith("<") ? target.substring(1, target.length() - 1) : target;
    if (link.isEmpty()) {
      return "is empty";
    }
    if (ABSOLUTE.matcher(link).find()) {
      return null;
    }
    int hash = link.indexOf('#');
    String path = decode(hash < 0 ? link : link.substring(0, hash));
    String anchor = hash < 0 ? null : decode(link.substring(hash + 1));
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    Path file;
    if (path.isEmpty()) {
      file = page;
    } else {
      file =
          (path.startsWith("/") ? ROOT.resolve(path.substring(1)) : page.getParent().resolve(path))
              .normalize();
      if (!file.startsWith(ROOT)) {
        return "leads outside the repository";
      }
      if (!Files.exists(file)) {
        return "no such file: " + ROOT.relativize(file);
      }
    }
    if (anchor == null || anchor.isEmpty()) {
      return null;
    }
    if (!isMarkdown(file)) {
      return LINE_ANCHOR.matcher(anchor).matches()
          ? null
          : "#" + anchor + " on " + ROOT.relativize(file) + ", which is not a Markdown file";
    }
    Set<String> known = anchors.get(file);
    if (known == null) {
      known = Markdown.anchors(Files.readString(file));
      anchors.put(file, known);
    }
    return known.contains(anchor)
        ? null
        : "no heading with the anchor #" + anchor + " in " + ROOT.relativize(file);
  }

  /** The page without fenced code blocks and code spans; line breaks stay where they were. */
  private static String withoutCode(String markdown) {
    String text = Markdown.withoutFencedCode(markdown);
    Matcher span = CODE_SPAN.matcher(text);
    StringBuilder out = new StringBuilder();
    while (span.find()) {
      span.appendReplacement(out, Matcher.quoteReplacement(span.group().replaceAll("[^\\n]", " ")));
    }
    span.appendTail(out);
    return out.toString();
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static String decode(String part) {
    return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static boolean isMarkdown(Path file) {
    return Files.isRegularFile(file)
        && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".md");
  }

  private static List<Path> markdownFiles() throws IOException {
    List<Path> pages = new ArrayList<>();
    Files.walkFileTree(
        ROOT,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
            return !dir.equals(ROOT) && SKIPPED_DIRECTORIES.contains(dir.getFileName().toString())
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            if (attributes.isRegularFile() && isMarkdown(file)) {
              pages.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    pages.sort(null);
    return pages;
  }

  private record Target(String target, int line) {}
}
