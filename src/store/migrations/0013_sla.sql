-- SLA: each subsidiary's policy and business hours, and each conversation's clocks with
-- what has been reported about them (so 'at risk' and 'breached' go out once each,
-- even with several processes: a report is claimed by a conditional update).
CREATE TABLE sla_policies (
  subsidiary_id  uuid PRIMARY KEY REFERENCES subsidiaries(id),
  policy         jsonb NOT NULL,
  -- Business hours the 'business' clocks count in; null: Monday–Friday 09:00–18:00.
  calendar       jsonb,
  -- The zone the calendar is read in; null: the subsidiary's.
  time_zone      text,
  version        integer NOT NULL DEFAULT 1,
  updated_at     timestamptz NOT NULL
);

CREATE TABLE sla_clocks (
  conversation_id                 uuid PRIMARY KEY REFERENCES conversations(id),
  subsidiary_id                   uuid NOT NULL REFERENCES subsidiaries(id),
  -- The target the clocks were set from, and from when they count.
  target                          jsonb NOT NULL,
  tier                            text NOT NULL,
  started_at                      timestamptz NOT NULL,
  first_response_at_risk_at       timestamptz,
  resolution_at_risk_at           timestamptz,
  first_response_at_risk_reported timestamptz,
  first_response_breached_reported timestamptz,
  resolution_at_risk_reported     timestamptz,
  resolution_breached_reported    timestamptz
);
CREATE INDEX sla_clocks_subsidiary ON sla_clocks (subsidiary_id);
