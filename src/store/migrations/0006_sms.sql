-- SMS over SMPP.

-- Every deliver_sm Relais acknowledged, one row per part. A part is committed before
-- its deliver_sm_resp, so an acknowledged part of a long message survives a crash
-- while its other parts are still on their way; the message is written when the last
-- part arrives, and message_id then points at it. The fingerprint recognises a part
-- the SMSC delivers again (see channels/sms/inbound.ts).
CREATE TABLE sms_inbound_parts (
  id             uuid PRIMARY KEY,
  subsidiary_id  uuid NOT NULL REFERENCES subsidiaries(id),
  endpoint_id    uuid NOT NULL REFERENCES endpoints(id),
  sender         text NOT NULL,
  reference      integer,
  total          integer NOT NULL DEFAULT 1,
  seq            integer NOT NULL DEFAULT 1,
  data_coding    integer NOT NULL,
  body           text NOT NULL,
  pdu            text NOT NULL,
  fingerprint    text NOT NULL,
  message_id     uuid REFERENCES messages(id),
  received_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sms_inbound_parts_fingerprint ON sms_inbound_parts (subsidiary_id, fingerprint, received_at);
CREATE INDEX sms_inbound_parts_waiting ON sms_inbound_parts (subsidiary_id, endpoint_id, sender, reference, total)
  WHERE message_id IS NULL;

-- The SMSC's id of each part of an outbound message, so each part's delivery receipt
-- finds its message: delivered when every part is, failed when one fails.
CREATE TABLE sms_outbound_parts (
  message_id       uuid NOT NULL REFERENCES messages(id),
  part             integer NOT NULL,
  parts            integer NOT NULL,
  subsidiary_id    uuid NOT NULL REFERENCES subsidiaries(id),
  smsc_message_id  text NOT NULL,
  state            text CHECK (state IN ('delivered', 'failed')),
  detail           text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, part)
);
CREATE INDEX sms_outbound_parts_smsc ON sms_outbound_parts (smsc_message_id);
