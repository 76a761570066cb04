-- The resolution clock stands still while a conversation is pending on the customer:
-- the pauses it has had, [{ "from": ms, "to": ms | null }], the last one open while pending.
ALTER TABLE sla_clocks ADD COLUMN pauses jsonb NOT NULL DEFAULT '[]';
