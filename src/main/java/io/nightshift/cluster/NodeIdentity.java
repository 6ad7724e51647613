package io.nightshift.cluster;

import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Who this node is in the cluster. */
@Singleton
public class NodeIdentity {

  private final String id;

  public NodeIdentity(ClusterConfig config) {
    this.id =
        config.nodeId() != null && !config.nodeId().isBlank()
            ? config.nodeId()
            : hostName() + "-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
  }

  public String id() {
    return id;
  }

  private static String hostName() {
    String fromEnvironment = System.getenv("HOSTNAME");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "node";
    }
  }
}
