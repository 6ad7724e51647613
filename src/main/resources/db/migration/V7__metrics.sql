-- Nightshift's own counters and histograms, written in the same transaction as the change they
-- count, so that every node serves the same values and a restart loses none of them.
-- A histogram is stored as one row per bucket (label "le", counts not cumulative), plus its
-- <name>_sum and <name>_count rows.
CREATE TABLE metric_values (
  name   TEXT COLLATE "C" NOT NULL,
  labels TEXT COLLATE "C" NOT NULL,   -- a JSON object, keys sorted
  value  DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (name, labels)
);
