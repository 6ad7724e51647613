-- The role metrics: a token that may scrape /prometheus and nothing under /api/v1. It is never
-- confined to namespaces, since the scrape spans them all (the API refuses one that names some).
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check
  CHECK (role IN ('viewer', 'operator', 'admin', 'metrics'));
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_metrics_unscoped
  CHECK (role <> 'metrics' OR namespaces = '{}');
