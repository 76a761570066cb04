-- Plans: the site mix an administrator asked for (the request, the bestshore result with
-- its staff and target shares, and the scenarios compared with it), kept so that it can be
-- read again, downloaded, and applied to the routing policies of its subsidiaries.
CREATE TABLE plans (
  id                uuid PRIMARY KEY,
  group_id          uuid NOT NULL REFERENCES groups(id),
  -- The person or key that asked for it (the actor's id, as in the audit log).
  created_by        text NOT NULL,
  created_at        timestamptz NOT NULL,
  -- The first interval (a UTC midnight) and the period's shape.
  start             timestamptz NOT NULL,
  interval_minutes  integer NOT NULL CHECK (interval_minutes > 0 AND 1440 % interval_minutes = 0),
  intervals         integer NOT NULL CHECK (intervals > 0),
  weeks             integer NOT NULL CHECK (weeks BETWEEN 1 AND 8),
  -- The subsidiaries planned: only people who see every one of them see the plan.
  subsidiary_ids    uuid[] NOT NULL CHECK (cardinality(subsidiary_ids) > 0),
  status            text NOT NULL CHECK (status IN ('planned', 'no_plan')),
  currency          text NOT NULL,
  -- The bestshore plan's cost in the plan's currency (major units, as the planner reckons it).
  cost              double precision NOT NULL,
  -- What was asked: weeks, interval, currency, rates, rules, what-ifs, subsidiaries.
  options           jsonb NOT NULL,
  -- The bestshore PlanResult (src/planning/sitemix.ts): totals, sites, staff, shares, reasons.
  result            jsonb NOT NULL,
  -- The scenarios compared with it: all onshore, all offshore, the what-ifs.
  scenarios         jsonb NOT NULL DEFAULT '[]',
  -- When its shares last became the routing policies' target shares, and by whom.
  applied_at        timestamptz,
  applied_by        text,
  CHECK ((applied_at IS NULL) = (applied_by IS NULL)),
  CHECK (applied_at IS NULL OR status = 'planned')
);
-- Newest first, per group.
CREATE INDEX plans_group_created ON plans (group_id, id DESC);
-- The plans of a subsidiary (the scope of its administrators).
CREATE INDEX plans_subsidiaries ON plans USING gin (subsidiary_ids);
