-- What an agent works with inside a conversation: internal notes, snoozing, files to
-- send, and saved replies.

-- An internal note is a message for colleagues only: written by an agent, never sent on
-- any channel (it is never queued and has no channel id), never shown to the customer.
ALTER TABLE messages ADD COLUMN internal boolean NOT NULL DEFAULT false;
ALTER TABLE messages ADD CONSTRAINT messages_note_never_sent
  CHECK (NOT internal OR (author_kind = 'agent' AND delivery_status = 'received' AND external_id IS NULL));

-- A snoozed conversation is pending until this instant, then wakes (assigned again if it
-- has an assignee, else open for routing). Woken by a conditional update, so of two
-- processes one does it.
ALTER TABLE conversations ADD COLUMN snoozed_until timestamptz;
CREATE INDEX conversations_snoozed ON conversations (snoozed_until) WHERE snoozed_until IS NOT NULL;

-- Any change of status away from pending ends the snooze, whoever makes it (an agent, the
-- router, an escalation, a customer's message): the waker never acts on a stale one.
CREATE FUNCTION conversations_end_snooze() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.snoozed_until := NULL;
  RETURN NEW;
END;
$$;
CREATE TRIGGER conversations_end_snooze BEFORE INSERT OR UPDATE ON conversations
  FOR EACH ROW WHEN (NEW.snoozed_until IS NOT NULL AND NEW.status <> 'pending')
  EXECUTE FUNCTION conversations_end_snooze();

-- Files an agent uploaded to a conversation to send in a reply (the bytes are in the file
-- store, by SHA-256): an outbound message may attach only these, or files of its own
-- conversation's messages.
CREATE TABLE conversation_uploads (
  conversation_id  uuid NOT NULL REFERENCES conversations(id),
  sha256           text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  subsidiary_id    uuid NOT NULL REFERENCES subsidiaries(id),
  filename         text NOT NULL,
  media_type       text NOT NULL,
  size             integer NOT NULL CHECK (size >= 0),
  uploaded_by      text NOT NULL,
  created_at       timestamptz NOT NULL,
  PRIMARY KEY (conversation_id, sha256)
);

-- A subsidiary's saved replies in its languages, with {{variables}} filled in when used.
CREATE TABLE saved_replies (
  id             uuid PRIMARY KEY,
  subsidiary_id  uuid NOT NULL REFERENCES subsidiaries(id),
  language       text NOT NULL,
  title          text NOT NULL,
  body           text NOT NULL,
  version        integer NOT NULL DEFAULT 1,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);
CREATE INDEX saved_replies_subsidiary ON saved_replies (subsidiary_id, language, id);
