-- Outbound delivery is scheduled in the store: a queued message is due when its
-- next_attempt_at has passed (NULL: due since it was created). A worker claims due
-- messages by moving next_attempt_at forward (SKIP LOCKED, so several processes share
-- the work); a failed try moves it further, doubling each time.
ALTER TABLE messages ADD COLUMN next_attempt_at timestamptz;
CREATE INDEX messages_due ON messages ((coalesce(next_attempt_at, created_at)))
  WHERE delivery_status = 'queued' AND direction = 'outbound';
