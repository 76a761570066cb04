-- A subsidiary's addresses on each channel. An inbound item belongs to the subsidiary
-- that owns the endpoint it arrived on, so an address is unique across the group.
CREATE TABLE endpoints (
  id             uuid PRIMARY KEY,
  subsidiary_id  uuid NOT NULL REFERENCES subsidiaries(id),
  channel        text NOT NULL CHECK (channel IN ('email', 'chat', 'sms', 'social', 'whatsapp', 'voice', 'mail')),
  address        text NOT NULL,
  name           text NOT NULL,
  active         boolean NOT NULL DEFAULT true,
  version        integer NOT NULL DEFAULT 1,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel, address)
);
CREATE INDEX endpoints_subsidiary ON endpoints (subsidiary_id, id);

-- The endpoint a conversation came in on: replies leave from the same address.
ALTER TABLE conversations ADD COLUMN endpoint_id uuid REFERENCES endpoints(id);

-- Outbound delivery: tries so far and the last error; after the last try the message
-- is 'failed' and stays visible on its conversation (the dead letter).
ALTER TABLE messages ADD COLUMN delivery_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN delivery_error text;

-- Every status a message went through, with when and why.
CREATE TABLE delivery_events (
  id          bigserial PRIMARY KEY,
  message_id  uuid NOT NULL REFERENCES messages(id),
  status      text NOT NULL,
  detail      text,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX delivery_events_message ON delivery_events (message_id, id);
