package io.nightshift.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one peer managed in a round.
 *
 * @param unit what {@code perSecond} counts ("fires/s", "runs/s", "launches/s", "Jobs/s")
 * @param count how many it was given
 * @param done how many of those it did
 * @param lags scheduled to done, when the peer has a schedule; null when it has none
 * @param setup how it was configured, for the reader of the JSON
 */
record PeerResult(
    String unit, double perSecond, int count, long done, Lags lags, ObjectNode setup) {

  ObjectNode toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    Results.number(json, "per_second", perSecond);
    json.put("unit", unit);
    json.put("count", count);
    json.put("done", done);
    if (lags != null) {
      json.set("scheduled_to_done", lags.toJson());
    }
    json.set("setup", setup);
    return json;
  }
}
