-- Merging two customers moves the identities and conversations of one (the source)
-- to the other (the target). The source row stays, pointing at the target; the merge
-- row lists exactly what moved, so an unmerge moves exactly that back. Messages never
-- move: they belong to their conversation.
ALTER TABLE customers ADD COLUMN merged_into uuid REFERENCES customers(id);

CREATE TABLE customer_merges (
  id                uuid PRIMARY KEY,
  subsidiary_id     uuid NOT NULL REFERENCES subsidiaries(id),
  target_id         uuid NOT NULL REFERENCES customers(id),
  source_id         uuid NOT NULL REFERENCES customers(id),
  identity_ids      uuid[] NOT NULL,
  conversation_ids  uuid[] NOT NULL,
  merged_by         text NOT NULL,
  merged_at         timestamptz NOT NULL DEFAULT now(),
  undone_by         text,
  undone_at         timestamptz
);
CREATE INDEX customer_merges_subsidiary ON customer_merges (subsidiary_id, id);

-- An inbound contact whose identities belong to two customers joins one of them and
-- leaves this suggestion for an agent: never a silent merge.
CREATE TABLE merge_suggestions (
  id             uuid PRIMARY KEY,
  subsidiary_id  uuid NOT NULL REFERENCES subsidiaries(id),
  customer_id    uuid NOT NULL REFERENCES customers(id),
  other_id       uuid NOT NULL REFERENCES customers(id),
  reason         text NOT NULL,
  status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'dismissed')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  decided_by     text,
  decided_at     timestamptz,
  UNIQUE (customer_id, other_id)
);
CREATE INDEX merge_suggestions_subsidiary ON merge_suggestions (subsidiary_id, status, id);
