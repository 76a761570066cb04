-- Offers: the router picked an agent and asked them (RELAIS_ROUTING_OFFERS=offer). One
-- pending offer per conversation at most, across every process; accepting claims the
-- conversation with the same conditional update as an automatic assignment. Declined and
-- expired offers stay, so the router does not ask the same agent again right away and an
-- agent who lets offers expire twice in a row is set away.
CREATE TABLE routing_offers (
  id                 uuid PRIMARY KEY,
  conversation_id    uuid NOT NULL REFERENCES conversations(id),
  subsidiary_id      uuid NOT NULL REFERENCES subsidiaries(id),
  agent_id           uuid NOT NULL REFERENCES agents(id),
  state              text NOT NULL CHECK (state IN ('pending', 'accepted', 'declined', 'expired', 'withdrawn')),
  -- The router's decision, kept to be recorded when the offer is accepted.
  trigger            text NOT NULL,
  tier               text NOT NULL,
  site_id            uuid NOT NULL REFERENCES sites(id),
  ring               integer NOT NULL,
  language           text NOT NULL,
  fallback_language  boolean NOT NULL,
  score_total        double precision NOT NULL,
  score_parts        jsonb NOT NULL,
  offered_at         timestamptz NOT NULL,
  expires_at         timestamptz NOT NULL,
  answered_at        timestamptz
);
CREATE UNIQUE INDEX routing_offers_one_pending ON routing_offers (conversation_id) WHERE state = 'pending';
CREATE INDEX routing_offers_agent ON routing_offers (agent_id, offered_at);
CREATE INDEX routing_offers_expiry ON routing_offers (expires_at) WHERE state = 'pending';
