package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentsTest {

  @Test
  void a_yaml_file_splits_at_marker_lines_keeping_line_numbers_and_dropping_empty_documents() {
    String file =
        """
        # leading comment
        ---
        a: 1
        ---   # second
        b: |
          --- not a marker: indented
        ...
        --- {c: 3}
        ---
        # only a comment
        """;

    List<Documents.Document> documents = Documents.split("f.yaml", file, false);

    assertThat(documents).hasSize(3);
    assertThat(documents.get(0).text()).isEqualTo("\n   \na: 1\n");
    assertThat(documents.get(1).text()).startsWith("\n\n\n      # second\nb: |\n  --- not");
    assertThat(documents.get(2).text()).isEqualTo("\n".repeat(7) + "    {c: 3}\n");
    assertThat(documents.get(1).label()).isEqualTo("f.yaml (document 2)");
    assertThat(documents.get(2).index()).isEqualTo(3);
  }

  @Test
  void a_single_document_is_labelled_by_its_file_alone() {
    List<Documents.Document> documents = Documents.split("one.yaml", "a: 1\n", false);

    assertThat(documents)
        .singleElement()
        .satisfies(d -> assertThat(d.label()).isEqualTo("one.yaml"));
  }

  @Test
  void a_json_file_is_one_document() {
    assertThat(Documents.split("w.json", "{\"a\": \"---\"}\n", true)).hasSize(1);
  }
}
