-- Routing: every decision the router made about a conversation (who took it, why,
-- with the score's parts; or why it waits), and escalations, so a supervisor can see
-- why. Agents' presence and its time already live on agents (0001).
CREATE TABLE routing_decisions (
  id                 uuid PRIMARY KEY,
  conversation_id    uuid NOT NULL REFERENCES conversations(id),
  subsidiary_id      uuid NOT NULL REFERENCES subsidiaries(id),
  kind               text NOT NULL CHECK (kind IN ('assigned', 'waiting', 'escalated')),
  trigger            text NOT NULL,
  tier               text NOT NULL CHECK (tier IN ('level1', 'level2', 'expert', 'back_office')),
  agent_id           uuid REFERENCES agents(id),
  site_id            uuid REFERENCES sites(id),
  ring               integer,
  language           text,
  fallback_language  boolean NOT NULL DEFAULT false,
  score_total        double precision,
  score_parts        jsonb NOT NULL DEFAULT '[]',
  reason_code        text,
  reason             text,
  actor_id           text,
  at                 timestamptz NOT NULL
);
CREATE INDEX routing_decisions_conversation ON routing_decisions (conversation_id, at);
-- The observed service rate: assignments per subsidiary, language and tier over a recent window.
CREATE INDEX routing_decisions_assigned ON routing_decisions (subsidiary_id, at) WHERE kind = 'assigned';
