import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/**
 * The tables as Kysely sees them. Each block is owned by the module named above it;
 * other modules reach that data only through the owner's index.ts.
 */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  checksum: string;
  applied_at: CreatedAt;
}

// organisation

export interface GroupsTable {
  id: string;
  name: string;
  created_at: CreatedAt;
}

export interface SubsidiariesTable {
  id: string;
  group_id: string;
  code: string;
  name: string;
  country: string;
  languages: string[];
  default_language: string;
  time_zone: string;
  currency: string;
  data_region: string;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface LanguageSkill {
  tag: string;
  proficiency: number;
}

export interface NamedSkill {
  name: string;
  proficiency: number;
}

export interface ShiftInterval {
  start: string;
  end: string;
}

export interface SiteCalendar {
  weekly: Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', ShiftInterval[]>>;
  holidays: Array<{ date: string; name: string }>;
  exceptions: Array<{ date: string; intervals: ShiftInterval[]; reason?: string | undefined }>;
}

export interface SitesTable {
  id: string;
  group_id: string;
  code: string;
  name: string;
  country: string;
  operator: 'in_house' | 'partner';
  partner_name: string | null;
  time_zone: string;
  calendar: Json<SiteCalendar>;
  languages: Json<LanguageSkill[]>;
  skills: string[];
  tiers: string[];
  subsidiary_ids: string[];
  cost_per_hour_minor: number;
  cost_currency: string;
  quality_index: ColumnType<number, number, number>;
  seats: number;
  /** Subsidiaries whose work the site takes at any hour (0014). */
  always_open_for: Generated<string[]>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface TeamsTable {
  id: string;
  site_id: string;
  name: string;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  locale: string;
  role: 'agent' | 'supervisor' | 'analyst' | 'admin';
  scope_kind: 'group' | 'subsidiary' | 'site';
  subsidiary_id: string | null;
  site_id: string | null;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ChannelCapacity {
  /** Most items at once of each channel, e.g. { chat: 3, email: 2 }. */
  perChannel: Partial<Record<string, number>>;
  /** Most items at once across channels. */
  total: number;
}

export interface AgentsTable {
  id: string;
  user_id: string;
  site_id: string;
  team_id: string | null;
  tier: 'level1' | 'level2' | 'expert' | 'back_office';
  languages: Json<LanguageSkill[]>;
  skills: Json<NamedSkill[]>;
  capacity: Json<ChannelCapacity>;
  presence: Generated<'available' | 'busy' | 'away' | 'offline'>;
  presence_since: Timestamp;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

// server (access)

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  permissions: string[];
  role: string;
  scope_kind: 'group' | 'subsidiary' | 'site';
  subsidiary_id: string | null;
  site_id: string | null;
  created_by: string;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

// customers

export interface ContactWindow {
  days: number[];
  start: string;
  end: string;
}

export interface Approach {
  formality?: 'formal' | 'informal' | undefined;
  notes?: string | undefined;
}

export interface CustomersTable {
  id: string;
  subsidiary_id: string;
  display_name: string;
  given_name: string | null;
  family_name: string | null;
  language: string;
  country: string;
  time_zone: string;
  consent_level: 'none' | 'service' | 'personalised' | 'marketing';
  preferred_channels: string[];
  contact_windows: Json<ContactWindow[]>;
  approach: Json<Approach>;
  /** Set when this customer was merged into another: see customer_merges. */
  merged_into: Generated<string | null>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface CustomerMergesTable {
  id: string;
  subsidiary_id: string;
  target_id: string;
  source_id: string;
  identity_ids: string[];
  conversation_ids: string[];
  merged_by: string;
  merged_at: CreatedAt;
  undone_by: string | null;
  undone_at: Date | null;
}

export interface MergeSuggestionsTable {
  id: string;
  subsidiary_id: string;
  customer_id: string;
  other_id: string;
  reason: string;
  status: Generated<'open' | 'merged' | 'dismissed'>;
  created_at: CreatedAt;
  decided_by: string | null;
  decided_at: Date | null;
}

export interface CustomerIdentitiesTable {
  id: string;
  customer_id: string;
  subsidiary_id: string;
  kind: 'email' | 'phone' | 'whatsapp' | 'facebook' | 'instagram' | 'x' | 'chat';
  value: string;
  created_at: CreatedAt;
}

export interface ConsentEventsTable {
  id: string;
  customer_id: string;
  subsidiary_id: string;
  level: 'none' | 'service' | 'personalised' | 'marketing';
  source: string;
  note: string | null;
  recorded_by: string;
  recorded_at: CreatedAt;
}

// conversations

export interface ConversationsTable {
  id: string;
  subsidiary_id: string;
  customer_id: string;
  site_id: string | null;
  assignee_id: string | null;
  endpoint_id: Generated<string | null>;
  channel: string;
  channels: string[];
  subject: string | null;
  language: string;
  tier: 'level1' | 'level2' | 'expert' | 'back_office';
  required_skills: string[];
  priority: 'low' | 'normal' | 'high' | 'urgent';
  status: 'open' | 'assigned' | 'pending' | 'resolved' | 'closed';
  first_response_due_at: Timestamp | null;
  resolution_due_at: Timestamp | null;
  first_responded_at: Timestamp | null;
  resolved_at: Timestamp | null;
  last_message_at: Timestamp;
  /** The routing queue whose rings apply (0014); a queue of the same subsidiary. */
  queue_id: Generated<string | null>;
  /** Pending until then, then woken (0017); cleared by any change of status. */
  snoozed_until: Generated<Date | null>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AttachmentMeta {
  filename: string;
  mediaType: string;
  size: number;
  sha256?: string | undefined;
  /** Shown inside the message's HTML (an image referenced as cid:<contentId>), not beside it. */
  inline?: boolean | undefined;
  contentId?: string | undefined;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  subsidiary_id: string;
  direction: 'inbound' | 'outbound';
  channel: string;
  author_kind: 'customer' | 'agent' | 'system';
  author_id: string | null;
  text: string;
  raw: string | null;
  raw_media_type: string | null;
  attachments: Json<AttachmentMeta[]>;
  language: string | null;
  delivery_status: 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
  external_id: string | null;
  delivery_attempts: Generated<number>;
  delivery_error: Generated<string | null>;
  next_attempt_at: Generated<Date | null>;
  /** Social: a public comment or a private message; an outbound reply says which (0007). */
  visibility: Generated<'public' | 'private' | null>;
  /** An internal note for colleagues: never sent, never shown to the customer (0017). */
  internal: Generated<boolean>;
  created_at: CreatedAt;
}

/** A file uploaded to a conversation to be sent in a reply (0017). */
export interface ConversationUploadsTable {
  conversation_id: string;
  sha256: string;
  subsidiary_id: string;
  filename: string;
  media_type: string;
  size: number;
  uploaded_by: string;
  created_at: Timestamp;
}

/** A subsidiary's saved reply in one language, with {{variables}} (0017). */
export interface SavedRepliesTable {
  id: string;
  subsidiary_id: string;
  language: string;
  title: string;
  body: string;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DeliveryEventsTable {
  id: Generated<number>;
  message_id: string;
  status: string;
  detail: string | null;
  at: CreatedAt;
}

// channels: SMS over SMPP (migration 0006)

export interface SmsInboundPartsTable {
  id: string;
  subsidiary_id: string;
  endpoint_id: string;
  sender: string;
  reference: number | null;
  total: Generated<number>;
  seq: Generated<number>;
  data_coding: number;
  /** The part's user data after its header, base64. */
  body: string;
  /** The whole deliver_sm as received, base64. */
  pdu: string;
  fingerprint: string;
  message_id: string | null;
  received_at: Timestamp;
}

export interface SmsOutboundPartsTable {
  message_id: string;
  part: number;
  parts: number;
  subsidiary_id: string;
  smsc_message_id: string;
  state: 'delivered' | 'failed' | null;
  detail: string | null;
  created_at: CreatedAt;
}

// channels

export interface EndpointsTable {
  id: string;
  subsidiary_id: string;
  channel: 'email' | 'chat' | 'sms' | 'social' | 'whatsapp' | 'voice' | 'mail';
  address: string;
  name: string;
  active: Generated<boolean>;
  /** Channel-specific, see EndpointSettings in channels/endpoints.ts. */
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
  secret: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A web chat visitor: its identity (kind chat) is its id; its token is kept hashed. */
export interface ChatVisitorsTable {
  id: string;
  subsidiary_id: string;
  endpoint_id: string;
  token_hash: string;
  language: string;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
}

/** Where polling an IMAP mailbox stopped, who polls it now, and its last error (0009). */
export interface ImapCursorsTable {
  endpoint_id: string;
  uid_validity: number | null;
  last_uid: Generated<number>;
  next_poll_at: Timestamp;
  leased_by: string | null;
  leased_until: Timestamp | null;
  failures: Generated<number>;
  last_polled_at: Timestamp | null;
  last_error: string | null;
  last_error_at: Timestamp | null;
  last_refusal: string | null;
}

// routing (migration 0011)

/** One decision of the router about a conversation, or an escalation: what a supervisor reads to see why. */
export interface RoutingDecisionsTable {
  id: string;
  conversation_id: string;
  subsidiary_id: string;
  kind: 'assigned' | 'waiting' | 'escalated';
  trigger: string;
  tier: 'level1' | 'level2' | 'expert' | 'back_office';
  agent_id: string | null;
  site_id: string | null;
  ring: number | null;
  language: string | null;
  fallback_language: Generated<boolean>;
  score_total: number | null;
  score_parts: Json<Array<{ name: string; value: number; weight: number; contribution: number }>>;
  reason_code: string | null;
  reason: string | null;
  actor_id: string | null;
  at: Timestamp;
}

// routing: offers (0012)

export interface RoutingOffersTable {
  id: string;
  conversation_id: string;
  subsidiary_id: string;
  agent_id: string;
  state: 'pending' | 'accepted' | 'declined' | 'expired' | 'withdrawn';
  trigger: string;
  tier: 'level1' | 'level2' | 'expert' | 'back_office';
  site_id: string;
  ring: number;
  language: string;
  fallback_language: boolean;
  score_total: number;
  score_parts: Json<Array<{ name: string; value: number; weight: number; contribution: number }>>;
  offered_at: Timestamp;
  expires_at: Timestamp;
  answered_at: Timestamp | null;
}

// routing: SLA policies and clocks (0013)

export interface SlaPoliciesTable {
  subsidiary_id: string;
  /** An SlaPolicy (src/routing/sla.ts). */
  policy: Json<{ targets: Array<Record<string, unknown>> }>;
  calendar: Json<SiteCalendar> | null;
  time_zone: string | null;
  version: Generated<number>;
  updated_at: Timestamp;
}

export interface SlaClocksTable {
  conversation_id: string;
  subsidiary_id: string;
  /** The SlaTarget the clocks were set from. */
  target: Json<Record<string, unknown>>;
  tier: 'level1' | 'level2' | 'expert' | 'back_office';
  started_at: Timestamp;
  first_response_at_risk_at: Timestamp | null;
  resolution_at_risk_at: Timestamp | null;
  first_response_at_risk_reported: Timestamp | null;
  first_response_breached_reported: Timestamp | null;
  resolution_at_risk_reported: Timestamp | null;
  resolution_breached_reported: Timestamp | null;
  /** The resolution clock's pauses while pending (0016): instants in ms, `to` null while open. */
  pauses: ColumnType<Array<{ from: number; to: number | null }>, string | undefined, string>;
}

// routing: configuration (0014)

export interface SkillRequirementJson {
  name: string;
  minProficiency: number;
}

/** A subsidiary's routing policy: score weights, language fallbacks, the plan's target shares. */
export interface RoutingPoliciesTable {
  subsidiary_id: string;
  weights: Json<Partial<Record<string, number>>>;
  fallbacks: Json<Array<{ language: string; fallback: string; afterSeconds: number }>>;
  target_shares: Json<Record<string, number>>;
  version: Generated<number>;
  updated_at: Timestamp;
}

/** A queue of a subsidiary: rings that widen as an item waits. */
export interface RoutingQueuesTable {
  id: string;
  subsidiary_id: string;
  name: string;
  required_skills: Json<SkillRequirementJson[]>;
  optional_skills: Json<SkillRequirementJson[]>;
  rings: Json<
    Array<{
      afterSeconds: number;
      sites: string[] | null;
      optionalSkills?: 'all' | 'none' | string[] | undefined;
      dropSkills?: string[] | undefined;
    }>
  >;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

// routing: automatic closed notices (0015)

/** The one automatic "closed, opens at …" reply of a conversation (src/routing/closed-notice-send.ts). */
export interface ClosedNoticesTable {
  conversation_id: string;
  subsidiary_id: string;
  message_id: string | null;
  opens_at: Timestamp;
  time_zone: string;
  language: string;
  created_at: Timestamp;
}

// planning: plans (0018)

/** A site mix asked for and solved: the request, the bestshore result, the scenarios (src/planning/plans.ts). */
export interface PlansTable {
  id: string;
  group_id: string;
  created_by: string;
  created_at: Timestamp;
  start: Timestamp;
  interval_minutes: number;
  intervals: number;
  weeks: number;
  subsidiary_ids: string[];
  status: 'planned' | 'no_plan';
  currency: string;
  cost: number;
  /** The request's options (PlanRequest). */
  options: Json<unknown>;
  /** The bestshore PlanResult. */
  result: Json<unknown>;
  /** The scenarios compared with it. */
  scenarios: Json<unknown>;
  applied_at: Timestamp | null;
  applied_by: string | null;
}

// bus and audit

export interface OutboxTable {
  id: Generated<number>;
  name: string;
  payload: Json<unknown>;
  created_at: CreatedAt;
  published_at: Timestamp | null;
  uid: Generated<string>;
  claimed_until: Timestamp | null;
  attempts: Generated<number>;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  actor_kind: 'user' | 'api_key' | 'system';
  actor_id: string;
  subsidiary_id: string | null;
  site_id: string | null;
  action: string;
  entity: string;
  entity_id: string;
  changes: Json<unknown>;
  request_id: string | null;
}

export interface Database {
  schema_migrations: SchemaMigrationsTable;
  groups: GroupsTable;
  subsidiaries: SubsidiariesTable;
  sites: SitesTable;
  teams: TeamsTable;
  users: UsersTable;
  agents: AgentsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  customers: CustomersTable;
  customer_identities: CustomerIdentitiesTable;
  customer_merges: CustomerMergesTable;
  merge_suggestions: MergeSuggestionsTable;
  consent_events: ConsentEventsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  conversation_uploads: ConversationUploadsTable;
  saved_replies: SavedRepliesTable;
  endpoints: EndpointsTable;
  imap_cursors: ImapCursorsTable;
  chat_visitors: ChatVisitorsTable;
  delivery_events: DeliveryEventsTable;
  sms_inbound_parts: SmsInboundPartsTable;
  sms_outbound_parts: SmsOutboundPartsTable;
  outbox: OutboxTable;
  audit_log: AuditLogTable;
  routing_decisions: RoutingDecisionsTable;
  routing_offers: RoutingOffersTable;
  sla_policies: SlaPoliciesTable;
  sla_clocks: SlaClocksTable;
  routing_policies: RoutingPoliciesTable;
  routing_queues: RoutingQueuesTable;
  closed_notices: ClosedNoticesTable;
  plans: PlansTable;
}

export type Row<T extends keyof Database> = Selectable<Database[T]>;
export type NewRow<T extends keyof Database> = Insertable<Database[T]>;
