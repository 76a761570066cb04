-- The outbox relay claims events for a while before publishing them outside any
-- transaction; a claim that expires (the process died, the publish failed) is taken again.
-- Each event has a uuid of its own: serial ids restart when a store is re-created, and a
-- bus that deduplicates by id must never take a new event for an old one.
ALTER TABLE outbox ADD COLUMN uid uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE outbox ADD COLUMN claimed_until timestamptz;
ALTER TABLE outbox ADD COLUMN attempts integer NOT NULL DEFAULT 0;
