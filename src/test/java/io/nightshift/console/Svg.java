package io.nightshift.console;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** Reads the drawings back with the JDK's XML parser, which fails on anything ill-formed. */
final class Svg {

  private Svg() {}

  static Document parse(String svg) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory
          .newDocumentBuilder()
          .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError("not well-formed XML: " + e.getMessage() + "\n" + svg, e);
    }
  }

  /** Every element named {@code tag}, in document order. */
  static List<Element> elements(Document document, String tag) {
    NodeList nodes = document.getElementsByTagName(tag);
    List<Element> elements = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      elements.add((Element) nodes.item(i));
    }
    return elements;
  }

  /** The elements carrying {@code data-step}, which are one per step. */
  static List<Element> steps(Document document) {
    List<Element> steps = new ArrayList<>();
    for (Element g : elements(document, "g")) {
      if (g.hasAttribute("data-step")) {
        steps.add(g);
      }
    }
    return steps;
  }

  /** The text of the first {@code <title>} found under {@code element}. */
  static String title(Element element) {
    return element.getElementsByTagName("title").item(0).getTextContent();
  }

  /** The element's direct children named {@code tag}. */
  static List<Element> children(Element element, String tag) {
    List<Element> children = new ArrayList<>();
    for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element e && e.getTagName().equals(tag)) {
        children.add(e);
      }
    }
    return children;
  }
}
