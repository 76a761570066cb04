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
