package io.nightshift.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The workflow documents of {@code -f} arguments: a file, {@code -} for stdin, or a directory (its
 * {@code *.yaml}, {@code *.yml} and {@code *.json} files, sorted by name, not recursing). A YAML
 * file may hold several documents separated by {@code ---} lines. Each document keeps its text as
 * written, preceded by as many empty lines as come before it in the file, so a parser's line
 * numbers are the file's.
 */
final class Documents {

  /** A line that starts or ends a YAML document: it can appear nowhere else at column 0. */
  private static final Pattern MARKER = Pattern.compile("^(---|\\.\\.\\.)(\\s.*)?$");

  /**
   * One document.
   *
   * @param file as named on the command line ({@code <stdin>} for {@code -})
   * @param index its number in its file, from 1
   * @param count how many documents its file has
   */
  record Document(String file, int index, int count, String text, boolean json) {

    /** {@code file}, or {@code file (document 2)} in a file of several. */
    String label() {
      return count > 1 ? file + " (document " + index + ")" : file;
    }

    byte[] bytes() {
      return text.getBytes(StandardCharsets.UTF_8);
    }
  }

  /** A document that is not YAML or JSON: its message names the line and column. */
  static final class UnreadableException extends Exception {
    UnreadableException(String message) {
      super(message);
    }
  }

  private Documents() {}

  /**
   * The document's tree.
   *
   * @throws UnreadableException naming the file, and the line and column where parsing failed
   */
  static JsonNode tree(Document document) throws UnreadableException {
    try {
      JsonNode tree =
          document.json()
              ? Json.JSON.readTree(document.text())
              : Json.yaml().readTree(document.text());
      return tree == null ? Json.JSON.missingNode() : tree;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new UnreadableException(
          document.label()
              + ": "
              + (at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ")
              + e.getOriginalMessage());
    }
  }

  static List<Document> read(List<String> arguments, InputStream stdin) {
    List<Document> documents = new ArrayList<>();
    for (String argument : arguments) {
      if (argument.equals("-")) {
        documents.addAll(split("<stdin>", readAll(stdin), false));
        continue;
      }
      Path path = Path.of(argument);
      if (Files.isDirectory(path)) {
        List<Path> files;
        try (Stream<Path> listing = Files.list(path)) {
          files = listing.filter(Documents::isDefinition).sorted().toList();
        } catch (IOException e) {
          throw new CliException(Exit.USAGE, "cannot list " + path + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
          throw new CliException(Exit.USAGE, path + " has no *.yaml, *.yml or *.json file to read");
        }
        for (Path file : files) {
          documents.addAll(readFile(file));
        }
      } else {
        documents.addAll(readFile(path));
      }
    }
    return documents;
  }

  private static boolean isDefinition(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(file)
        && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
  }

  private static List<Document> readFile(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
      return split(file.toString(), text, json);
    } catch (IOException e) {
      throw new CliException(Exit.USAGE, "cannot read " + file + ": " + e.getMessage());
    }
  }

  private static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException(Exit.USAGE, "cannot read stdin: " + e.getMessage());
    }
  }

  /** The documents of one file; a JSON file is one document. */
  static List<Document> split(String file, String text, boolean json) {
    List<String> chunks = new ArrayList<>();
    if (json) {
      chunks.add(text);
    } else {
      String[] lines = text.split("\n", -1);
      StringBuilder chunk = new StringBuilder();
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i];
        if (MARKER.matcher(line).matches()) {
          chunks.add(chunk.toString());
          chunk = new StringBuilder("\n".repeat(i));
          // the rest of a "--- {…}" line belongs to the document; its columns stay as they were
          if (line.startsWith("---")) {
            chunk.append("   ").append(line.substring(3));
          }
        } else {
          chunk.append(line);
        }
        if (i < lines.length - 1) {
          chunk.append('\n');
        }
      }
      chunks.add(chunk.toString());
    }
    List<String> kept = chunks.stream().filter(Documents::hasContent).toList();
    List<Document> documents = new ArrayList<>();
    for (int i = 0; i < kept.size(); i++) {
      documents.add(new Document(file, i + 1, kept.size(), kept.get(i), json));
    }
    return documents;
  }

  private static boolean hasContent(String chunk) {
    for (String line : chunk.split("\n")) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#") && !trimmed.startsWith("%")) {
        return true;
      }
    }
    return false;
  }
}
