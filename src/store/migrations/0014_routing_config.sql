-- Routing configuration: each subsidiary's score weights, language fallbacks and the
-- plan's target shares; queues whose rings widen as work waits; sites that serve some
-- subsidiaries around the clock; and the queue a conversation is routed through.
CREATE TABLE routing_policies (
  subsidiary_id  uuid PRIMARY KEY REFERENCES subsidiaries(id),
  -- Partial ScoreWeights: a part left out keeps its default weight.
  weights        jsonb NOT NULL DEFAULT '{}',
  -- [{ language, fallback, afterSeconds }]
  fallbacks      jsonb NOT NULL DEFAULT '[]',
  -- { siteId: share 0..1 }; empty: equal shares over the sites serving the subsidiary.
  target_shares  jsonb NOT NULL DEFAULT '{}',
  version        integer NOT NULL DEFAULT 1,
  updated_at     timestamptz NOT NULL
);

CREATE TABLE routing_queues (
  id               uuid PRIMARY KEY,
  subsidiary_id    uuid NOT NULL REFERENCES subsidiaries(id),
  name             text NOT NULL,
  -- [{ name, minProficiency }]: never relaxed.
  required_skills  jsonb NOT NULL DEFAULT '[]',
  -- [{ name, minProficiency }]: demanded by the early rings, dropped by later ones.
  optional_skills  jsonb NOT NULL DEFAULT '[]',
  -- [{ afterSeconds, sites: uuid[] | null, optionalSkills?: 'all' | 'none' | string[], dropSkills?: string[] }]
  rings            jsonb NOT NULL,
  version          integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subsidiary_id, name),
  -- The target of conversations' (queue_id, subsidiary_id): a queue serves its own subsidiary only.
  UNIQUE (id, subsidiary_id)
);

-- A conversation routed through a queue: the store itself refuses another subsidiary's queue.
ALTER TABLE conversations ADD COLUMN queue_id uuid;
ALTER TABLE conversations ADD CONSTRAINT conversations_queue
  FOREIGN KEY (queue_id, subsidiary_id) REFERENCES routing_queues (id, subsidiary_id);
CREATE INDEX conversations_queue ON conversations (queue_id) WHERE queue_id IS NOT NULL;
-- The preferred agent: the last agent assigned a conversation of the same customer.
CREATE INDEX conversations_customer_assigned ON conversations (customer_id, created_at DESC)
  WHERE assignee_id IS NOT NULL;

-- Subsidiaries whose work the site takes at any hour, whatever its calendar says (24/7 cover).
ALTER TABLE sites ADD COLUMN always_open_for uuid[] NOT NULL DEFAULT '{}';
