package io.nightshift.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class XmlTest {

  @Test
  void escapes_the_five_characters_that_open_tags_or_close_attributes() {
    assertThat(Xml.escape("<a href=\"x\" title='y'>&</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  }

  @Test
  void leaves_plain_and_non_ascii_text_alone() {
    assertThat(Xml.escape("load-orders · étape ✓ 🚀")).isEqualTo("load-orders · étape ✓ 🚀");
  }

  @Test
  void null_escapes_to_nothing() {
    assertThat(Xml.escape(null)).isEmpty();
  }

  @Test
  void does_not_escape_twice_what_it_is_given_already_escaped() {
    assertThat(Xml.escape("&amp;")).isEqualTo("&amp;amp;");
  }

  @Test
  void hostile_text_round_trips_through_an_attribute_and_element_content() {
    String hostile = "\"><img src=x onerror=alert(1)> <script>alert('x')</script> a\tb\r\nc &amp;";
    String doc =
        "<e a=\""
            + Xml.escape(hostile)
            + "\" b='"
            + Xml.escape(hostile)
            + "'>"
            + Xml.escape(hostile)
            + "</e>";

    Element e = Svg.parse(doc).getDocumentElement();

    assertThat(doc).doesNotContain("<img").doesNotContain("<script");
    assertThat(e.getAttribute("a")).isEqualTo(hostile);
    assertThat(e.getAttribute("b")).isEqualTo(hostile);
    assertThat(e.getTextContent()).isEqualTo(hostile);
  }

  @Test
  void characters_xml_cannot_carry_become_replacement_characters() {
    String escaped = Xml.escape("a\u0000b\u001bc\uFFFEd\uD800e");

    assertThat(escaped).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe");
    assertThat(Svg.parse("<e>" + escaped + "</e>").getDocumentElement().getTextContent())
        .isEqualTo(escaped);
  }
}
