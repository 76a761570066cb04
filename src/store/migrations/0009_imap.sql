-- A mailbox hosted elsewhere, polled over IMAP: per email endpoint, where the last poll
-- stopped (the mailbox's UIDVALIDITY and the last UID committed), when the next poll is
-- due, which process holds it now (a lease: one process polls a mailbox at a time; an
-- expired lease is taken over), and what went wrong last, for operators to see.
CREATE TABLE imap_cursors (
  endpoint_id uuid PRIMARY KEY REFERENCES endpoints (id) ON DELETE CASCADE,
  uid_validity bigint,
  last_uid bigint NOT NULL DEFAULT 0,
  next_poll_at timestamptz NOT NULL DEFAULT 'epoch',
  leased_by text,
  leased_until timestamptz,
  failures integer NOT NULL DEFAULT 0,
  last_polled_at timestamptz,
  last_error text,
  last_error_at timestamptz,
  last_refusal text
);
