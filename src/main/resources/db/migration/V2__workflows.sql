-- Workflow definitions. The definition is the canonical JSON Nightshift writes (type json, not
-- jsonb: jsonb reorders keys, and a definition reads back in the order the user wrote it).
-- uid, generation, resource_version and the timestamps are server-set metadata.
CREATE TABLE workflows
(
  namespace        TEXT COLLATE "C" NOT NULL,
  name             TEXT COLLATE "C" NOT NULL,
  uid              UUID        NOT NULL UNIQUE,
  generation       BIGINT      NOT NULL,
  resource_version BIGINT      NOT NULL,
  definition       JSON        NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL,
  updated_at       TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (namespace, name)
);
