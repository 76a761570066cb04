-- Web chat visitors. A visitor is a browser that wrote through a chat widget: its
-- token (kept only as a SHA-256) lets it resume its conversation after a reload or a
-- lost connection; nobody else can read that conversation without the token.
-- A visitor is written with its first message, never for a mere page view.
CREATE TABLE chat_visitors (
  id             uuid PRIMARY KEY,
  subsidiary_id  uuid NOT NULL REFERENCES subsidiaries(id),
  endpoint_id    uuid NOT NULL REFERENCES endpoints(id),
  token_hash     text NOT NULL UNIQUE,
  language       text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_visitors_endpoint ON chat_visitors (endpoint_id, id);
