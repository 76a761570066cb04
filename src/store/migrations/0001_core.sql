-- Relais core model: organisation, customers, conversations, access, audit.
-- Time is UTC (timestamptz); money is integer minor units with an ISO 4217 currency.

-- organisation ---------------------------------------------------------------

CREATE TABLE groups (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE subsidiaries (
  id                uuid PRIMARY KEY,
  group_id          uuid NOT NULL REFERENCES groups(id),
  code              text NOT NULL UNIQUE,
  name              text NOT NULL,
  country           char(2) NOT NULL,
  languages         text[] NOT NULL,
  default_language  text NOT NULL,
  time_zone         text NOT NULL,
  currency          char(3) NOT NULL,
  data_region       text NOT NULL,
  version           integer NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sites (
  id                  uuid PRIMARY KEY,
  group_id            uuid NOT NULL REFERENCES groups(id),
  code                text NOT NULL UNIQUE,
  name                text NOT NULL,
  country             char(2) NOT NULL,
  operator            text NOT NULL CHECK (operator IN ('in_house', 'partner')),
  partner_name        text,
  time_zone           text NOT NULL,
  calendar            jsonb NOT NULL,
  languages           jsonb NOT NULL,
  skills              text[] NOT NULL DEFAULT '{}',
  tiers               text[] NOT NULL,
  subsidiary_ids      uuid[] NOT NULL DEFAULT '{}',
  cost_per_hour_minor integer NOT NULL CHECK (cost_per_hour_minor >= 0),
  cost_currency       char(3) NOT NULL,
  quality_index       numeric(5, 2) NOT NULL CHECK (quality_index BETWEEN 0 AND 100),
  seats               integer NOT NULL CHECK (seats >= 0),
  version             integer NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((operator = 'partner') = (partner_name IS NOT NULL))
);
CREATE INDEX sites_subsidiaries ON sites USING gin (subsidiary_ids);

CREATE TABLE teams (
  id          uuid PRIMARY KEY,
  site_id     uuid NOT NULL REFERENCES sites(id),
  name        text NOT NULL,
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (site_id, name)
);

-- people and access --------------------------------------------------------------

-- A user's scope is the group, one subsidiary or one site; only group scope sees across.
CREATE TABLE users (
  id             uuid PRIMARY KEY,
  email          text NOT NULL UNIQUE CHECK (email = lower(email)),
  display_name   text NOT NULL,
  password_hash  text,
  locale         text NOT NULL DEFAULT 'en',
  role           text NOT NULL CHECK (role IN ('agent', 'supervisor', 'analyst', 'admin')),
  scope_kind     text NOT NULL CHECK (scope_kind IN ('group', 'subsidiary', 'site')),
  subsidiary_id  uuid REFERENCES subsidiaries(id),
  site_id        uuid REFERENCES sites(id),
  active         boolean NOT NULL DEFAULT true,
  version        integer NOT NULL DEFAULT 1,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((scope_kind = 'subsidiary') = (subsidiary_id IS NOT NULL)),
  CHECK ((scope_kind = 'site') = (site_id IS NOT NULL)),
  CHECK (role <> 'agent' OR scope_kind = 'site')
);

CREATE TABLE agents (
  id              uuid PRIMARY KEY,
  user_id         uuid NOT NULL UNIQUE REFERENCES users(id),
  site_id         uuid NOT NULL REFERENCES sites(id),
  team_id         uuid REFERENCES teams(id),
  tier            text NOT NULL CHECK (tier IN ('level1', 'level2', 'expert', 'back_office')),
  languages       jsonb NOT NULL,
  skills          jsonb NOT NULL,
  capacity        jsonb NOT NULL,
  presence        text NOT NULL DEFAULT 'offline' CHECK (presence IN ('available', 'busy', 'away', 'offline')),
  presence_since  timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agents_site ON agents (site_id);

CREATE TABLE sessions (
  id_hash     text PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES users(id),
  csrf_token  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- An API key acts with the scope of a user-like principal and a subset of permissions.
CREATE TABLE api_keys (
  id             uuid PRIMARY KEY,
  name           text NOT NULL,
  prefix         text NOT NULL UNIQUE,
  secret_hash    text NOT NULL,
  permissions    text[] NOT NULL,
  role           text NOT NULL,
  scope_kind     text NOT NULL CHECK (scope_kind IN ('group', 'subsidiary', 'site')),
  subsidiary_id  uuid REFERENCES subsidiaries(id),
  site_id        uuid REFERENCES sites(id),
  created_by     uuid NOT NULL REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  revoked_at     timestamptz,
  last_used_at   timestamptz
);

-- customers ------------------------------------------------------------------------

CREATE TABLE customers (
  id                  uuid PRIMARY KEY,
  subsidiary_id       uuid NOT NULL REFERENCES subsidiaries(id),
  display_name        text NOT NULL,
  given_name          text,
  family_name         text,
  language            text NOT NULL,
  country             char(2) NOT NULL,
  time_zone           text NOT NULL,
  consent_level       text NOT NULL DEFAULT 'service' CHECK (consent_level IN ('none', 'service', 'personalised', 'marketing')),
  preferred_channels  text[] NOT NULL DEFAULT '{}',
  contact_windows     jsonb NOT NULL DEFAULT '[]',
  approach            jsonb NOT NULL DEFAULT '{}',
  version             integer NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_subsidiary ON customers (subsidiary_id, id);
CREATE INDEX customers_name ON customers (subsidiary_id, lower(display_name) text_pattern_ops);

CREATE TABLE customer_identities (
  id             uuid PRIMARY KEY,
  customer_id    uuid NOT NULL REFERENCES customers(id),
  subsidiary_id  uuid NOT NULL REFERENCES subsidiaries(id),
  kind           text NOT NULL CHECK (kind IN ('email', 'phone', 'whatsapp', 'facebook', 'instagram', 'x', 'chat')),
  value          text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subsidiary_id, kind, value)
);
CREATE INDEX customer_identities_customer ON customer_identities (customer_id);

-- Consent history is append-only; customers.consent_level is the latest entry.
CREATE TABLE consent_events (
  id             uuid PRIMARY KEY,
  customer_id    uuid NOT NULL REFERENCES customers(id),
  subsidiary_id  uuid NOT NULL REFERENCES subsidiaries(id),
  level          text NOT NULL CHECK (level IN ('none', 'service', 'personalised', 'marketing')),
  source         text NOT NULL,
  note           text,
  recorded_by    text NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consent_events_customer ON consent_events (customer_id, recorded_at);

-- conversations --------------------------------------------------------------------

CREATE TABLE conversations (
  id                     uuid PRIMARY KEY,
  subsidiary_id          uuid NOT NULL REFERENCES subsidiaries(id),
  customer_id            uuid NOT NULL REFERENCES customers(id),
  site_id                uuid REFERENCES sites(id),
  assignee_id            uuid REFERENCES agents(id),
  channel                text NOT NULL CHECK (channel IN ('email', 'chat', 'sms', 'social', 'whatsapp', 'voice', 'mail')),
  channels               text[] NOT NULL CHECK (channels <@ ARRAY['email', 'chat', 'sms', 'social', 'whatsapp', 'voice', 'mail']::text[]),
  subject                text,
  language               text NOT NULL,
  tier                   text NOT NULL DEFAULT 'level1' CHECK (tier IN ('level1', 'level2', 'expert', 'back_office')),
  required_skills        text[] NOT NULL DEFAULT '{}',
  priority               text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  status                 text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'assigned', 'pending', 'resolved', 'closed')),
  first_response_due_at  timestamptz,
  resolution_due_at      timestamptz,
  first_responded_at     timestamptz,
  resolved_at            timestamptz,
  last_message_at        timestamptz NOT NULL DEFAULT now(),
  version                integer NOT NULL DEFAULT 1,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'assigned') <= (assignee_id IS NOT NULL))
);
CREATE INDEX conversations_subsidiary ON conversations (subsidiary_id, id);
CREATE INDEX conversations_site ON conversations (site_id, id);
CREATE INDEX conversations_customer ON conversations (customer_id);
CREATE INDEX conversations_status ON conversations (subsidiary_id, status);
CREATE INDEX conversations_assignee ON conversations (assignee_id, status) WHERE assignee_id IS NOT NULL;

CREATE TABLE messages (
  id               uuid PRIMARY KEY,
  conversation_id  uuid NOT NULL REFERENCES conversations(id),
  subsidiary_id    uuid NOT NULL REFERENCES subsidiaries(id),
  direction        text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  channel          text NOT NULL CHECK (channel IN ('email', 'chat', 'sms', 'social', 'whatsapp', 'voice', 'mail')),
  author_kind      text NOT NULL CHECK (author_kind IN ('customer', 'agent', 'system')),
  author_id        uuid,  -- agents.id for an agent's message; null for the customer and the system
  text             text NOT NULL,
  raw              text,
  raw_media_type   text,
  attachments      jsonb NOT NULL DEFAULT '[]',
  language         text,
  delivery_status  text NOT NULL CHECK (delivery_status IN ('received', 'queued', 'sent', 'delivered', 'read', 'failed')),
  external_id      text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE UNIQUE INDEX messages_external ON messages (subsidiary_id, channel, external_id) WHERE external_id IS NOT NULL;

-- events and audit -------------------------------------------------------------------

-- Domain events recorded in the same transaction as the change; published after commit.
CREATE TABLE outbox (
  id            bigserial PRIMARY KEY,
  name          text NOT NULL,
  payload       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  published_at  timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

CREATE TABLE audit_log (
  id             bigserial PRIMARY KEY,
  at             timestamptz NOT NULL DEFAULT now(),
  actor_kind     text NOT NULL CHECK (actor_kind IN ('user', 'api_key', 'system')),
  actor_id       text NOT NULL,
  subsidiary_id  uuid,
  site_id        uuid,
  action         text NOT NULL,
  entity         text NOT NULL,
  entity_id      text NOT NULL,
  changes        jsonb NOT NULL DEFAULT '{}',
  request_id     text
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_subsidiary ON audit_log (subsidiary_id, id);

CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION append_only();

CREATE TRIGGER consent_events_no_update BEFORE UPDATE OR DELETE ON consent_events
  FOR EACH STATEMENT EXECUTE FUNCTION append_only();
