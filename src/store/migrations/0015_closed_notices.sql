-- The automatic reply that tells a customer the team is closed and when it opens again:
-- at most one per conversation. The row is claimed (INSERT … ON CONFLICT DO NOTHING) in
-- the transaction that queues the message, so two processes, or a restart, never send a
-- second one.
CREATE TABLE closed_notices (
  conversation_id  uuid PRIMARY KEY REFERENCES conversations(id),
  subsidiary_id    uuid NOT NULL REFERENCES subsidiaries(id),
  -- Set in the claiming transaction, once the message is queued.
  message_id       uuid REFERENCES messages(id),
  -- The first opening the notice names, and the zone and language it was written in.
  opens_at         timestamptz NOT NULL,
  time_zone        text NOT NULL,
  language         text NOT NULL,
  created_at       timestamptz NOT NULL
);
CREATE INDEX closed_notices_subsidiary ON closed_notices (subsidiary_id, created_at);
