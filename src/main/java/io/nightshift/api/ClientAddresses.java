package io.nightshift.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.util.DefaultHttpClientAddressResolver;
import io.micronaut.http.server.util.HttpClientAddressResolver;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The client address the audit and the refusal log record: the socket's peer, unless that peer is a
 * trusted proxy ({@link AuditConfig#trustedProxies()}); then the right-most address of {@code
 * X-Forwarded-For} that is not a trusted proxy. Only an IP literal of at most {@value #MAX_LENGTH}
 * characters is ever returned, in its canonical form: a header that holds anything else (a host
 * name, control characters, kilobytes) yields the socket's peer, so that a client cannot forge or
 * flood what is logged and stored. Replaces Micronaut's resolver, which believes {@code Forwarded}
 * and {@code X-Forwarded-For} from anyone.
 */
@Singleton
@Replaces(DefaultHttpClientAddressResolver.class)
public class ClientAddresses implements HttpClientAddressResolver {

  /** The longest text form of an IPv6 address (an IPv4-mapped one, fully written). */
  static final int MAX_LENGTH = 45;

  /** At most this many entries of X-Forwarded-For are looked at, from the right. */
  private static final int MAX_HOPS = 16;

  private static final String FORWARDED_FOR = "X-Forwarded-For";
  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private final List<Cidr> trusted;

  public ClientAddresses(AuditConfig config) {
    List<Cidr> cidrs = new ArrayList<>();
    for (String cidr : config.trustedProxies()) {
      cidrs.add(
          Cidr.parse(cidr)
              .orElseThrow(
                  () ->
                      new ConfigurationException(
                          "nightshift.audit.trusted-proxies: \""
                              + cidr
                              + "\" is not a CIDR such as 10.0.0.0/8 or fd00::/8, nor an IP"
                              + " address")));
    }
    this.trusted = List.copyOf(cidrs);
  }

  @Override
  public String resolve(HttpRequest request) {
    InetSocketAddress remote = request.getRemoteAddress();
    InetAddress peer = remote == null ? null : remote.getAddress();
    if (peer == null) {
      return "-";
    }
    if (trusted.isEmpty() || !isTrusted(peer)) {
      return canonical(peer);
    }
    List<String> headers = request.getHeaders().getAll(FORWARDED_FOR);
    List<String> hops = new ArrayList<>();
    for (String header : headers) {
      for (String hop : header.split(",", -1)) {
        hops.add(hop.strip());
      }
    }
    InetAddress client = peer;
    for (int i = hops.size() - 1; i >= 0 && i >= hops.size() - MAX_HOPS; i--) {
      Optional<InetAddress> hop = literal(hops.get(i));
      if (hop.isEmpty()) {
        // Not an address: forged or mangled. What is known for sure is the proxy's address.
        return canonical(peer);
      }
      client = hop.get();
      if (!isTrusted(client)) {
        break;
      }
    }
    return canonical(client);
  }

  private boolean isTrusted(InetAddress address) {
    return trusted.stream().anyMatch(cidr -> cidr.contains(address));
  }

  private static String canonical(InetAddress address) {
    String text = address.getHostAddress();
    int zone = text.indexOf('%');
    return zone >= 0 ? text.substring(0, zone) : text;
  }

  /**
   * The address {@code text} spells as an IP literal (IPv4 dotted quad or IPv6), never looking up a
   * name; empty for anything else, including anything longer than {@value #MAX_LENGTH} characters.
   */
  static Optional<InetAddress> literal(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    boolean v4 = IPV4.matcher(text).matches();
    if (!v4 && !(text.indexOf(':') >= 0 && IPV6.matcher(text).matches())) {
      return Optional.empty();
    }
    try {
      // A dotted quad or a text with ':' of only these characters is parsed, never resolved.
      return Optional.of(InetAddress.getByName(text));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** A network: an address and how many of its leading bits count. */
  record Cidr(byte[] network, int bits) {

    static Optional<Cidr> parse(String text) {
      int slash = text.indexOf('/');
      Optional<InetAddress> address = literal(slash < 0 ? text : text.substring(0, slash));
      if (address.isEmpty()) {
        return Optional.empty();
      }
      byte[] bytes = address.get().getAddress();
      int bits = bytes.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
        if (bits < 0 || bits > bytes.length * 8) {
          return Optional.empty();
        }
      }
      return Optional.of(new Cidr(bytes, bits));
    }

    boolean contains(InetAddress address) {
      byte[] bytes = address.getAddress();
      if (bytes.length != network.length) {
        return false;
      }
      for (int bit = 0; bit < bits; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
