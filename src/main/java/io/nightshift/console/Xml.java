package io.nightshift.console;

/** Escapes user text for XML and HTML, in element content and in quoted attribute values alike. */
final class Xml {

  private static final char REPLACEMENT = '\uFFFD';

  private Xml() {}

  /**
   * The text with {@code & < > " '} escaped, so it can neither open a tag nor close an attribute.
   *
   * <p>Tab, line feed and carriage return become character references, because an XML parser folds
   * them to spaces in attribute values and turns a carriage return into a line feed everywhere; a
   * reference keeps the name exactly as written. Characters XML 1.0 cannot carry at all (control
   * characters, unpaired surrogates, U+FFFE and U+FFFF) become U+FFFD, so hostile input never makes
   * the document ill-formed. {@code null} escapes to the empty string.
   */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        case '\t' -> out.append("&#9;");
        case '\n' -> out.append("&#10;");
        case '\r' -> out.append("&#13;");
        default -> {
          if (Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1))) {
            out.append(c).append(text.charAt(++i));
          } else if (c < 0x20 || Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF') {
            out.append(REPLACEMENT);
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
