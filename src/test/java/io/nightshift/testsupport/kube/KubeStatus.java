package io.nightshift.testsupport.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Bodies of kind {@code Status}, as the API server answers errors and deletions. */
final class KubeStatus {

  /** The API server's {@code reason} for each status code it answers with. */
  private static final Map<Integer, String> REASONS =
      Map.ofEntries(
          Map.entry(400, "BadRequest"),
          Map.entry(401, "Unauthorized"),
          Map.entry(403, "Forbidden"),
          Map.entry(404, "NotFound"),
          Map.entry(405, "MethodNotAllowed"),
          Map.entry(406, "NotAcceptable"),
          Map.entry(409, "Conflict"),
          Map.entry(410, "Expired"),
          Map.entry(413, "RequestEntityTooLarge"),
          Map.entry(415, "UnsupportedMediaType"),
          Map.entry(422, "Invalid"),
          Map.entry(429, "TooManyRequests"),
          Map.entry(500, "InternalError"),
          Map.entry(503, "ServiceUnavailable"),
          Map.entry(504, "Timeout"));

  private KubeStatus() {}

  /** The reason for a status code, or the empty string (the API's "unknown") for others. */
  static String reason(int code) {
    return REASONS.getOrDefault(code, "");
  }

  /** A {@code status: Failure} body with the reason that goes with the code. */
  static ObjectNode failure(int code, String message) {
    return failure(code, reason(code), message);
  }

  static ObjectNode failure(int code, String reason, String message) {
    ObjectNode status = base("Failure");
    status.put("message", message);
    if (!reason.isEmpty()) {
      status.put("reason", reason);
    }
    status.put("code", code);
    return status;
  }

  /** What a successful DELETE answers once the object is gone. */
  static ObjectNode deleted(ResourcePath path, String uid) {
    ObjectNode status = base("Success");
    ObjectNode details = status.putObject("details");
    details.put("name", path.name());
    details.put("group", path.type().group());
    details.put("kind", path.type().plural());
    if (uid != null) {
      details.put("uid", uid);
    }
    return status;
  }

  private static ObjectNode base(String outcome) {
    ObjectNode status = KubeJson.MAPPER.createObjectNode();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", outcome);
    return status;
  }
}
