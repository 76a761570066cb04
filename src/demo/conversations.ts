import { newId } from '../core/index.ts';
import { isSiteOpen } from '../organisation/index.ts';
import type { NewRow } from '../store/index.ts';
import { type BuiltCustomer, type ChannelName, CUSTOMER_PROFILES } from './customers.ts';
import type { BuiltAgent, BuiltSite, SubsidiaryCode, TierName } from './organisation.ts';
import type { Random } from './random.ts';
import { fill, type Topic, textsFor } from './texts.ts';

/**
 * Past conversations of the last 60 days: routed to a site that serves the customer's
 * subsidiary and speaks their language, assigned to an agent of that site, with 1–6
 * messages whose times, statuses and SLA clocks agree with each other.
 */

type Status = NewRow<'conversations'>['status'];
type Priority = NewRow<'conversations'>['priority'];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const HISTORY = 60 * DAY;

const SKILLS: Record<Topic, string[]> = {
  billing: ['billing'],
  fibre: ['technical', 'fibre'],
  mobile: ['technical', 'mobile'],
  roaming: ['roaming'],
  retention: ['retention'],
  sales: ['sales'],
  complaints: ['complaints'],
};

const TOPIC_WEIGHTS: ReadonlyArray<readonly [Topic, number]> = [
  ['billing', 25],
  ['mobile', 20],
  ['fibre', 15],
  ['sales', 12],
  ['complaints', 12],
  ['roaming', 8],
  ['retention', 8],
];

/** Minutes an agent takes to answer, and a customer to write back, on each channel. */
const REPLY_MINUTES: Record<ChannelName, readonly [number, number]> = {
  voice: [0, 2],
  chat: [0, 3],
  whatsapp: [4, 60],
  sms: [10, 120],
  social: [15, 180],
  email: [60, 1200],
  mail: [1440, 5760],
};
const FOLLOW_UP_MINUTES: Record<ChannelName, readonly [number, number]> = {
  voice: [60, 1440],
  chat: [1, 5],
  whatsapp: [5, 240],
  sms: [10, 240],
  social: [30, 600],
  email: [60, 2880],
  mail: [2880, 10080],
};
/** Service-level targets: first response and resolution, in minutes, at normal priority. */
const FIRST_RESPONSE_TARGET: Record<ChannelName, number> = {
  voice: 2,
  chat: 2,
  whatsapp: 30,
  sms: 60,
  social: 60,
  email: 1440,
  mail: 7200,
};
const RESOLUTION_TARGET: Record<ChannelName, number> = {
  voice: 1440,
  chat: 1440,
  whatsapp: 2880,
  sms: 2880,
  social: 2880,
  email: 4320,
  mail: 14400,
};
const PRIORITY_FACTOR: Record<Priority, number> = { urgent: 0.5, high: 0.75, normal: 1, low: 2 };

/** The subsidiary's customer-care mailbox: sender of replies, recipient of customers' mail. */
const MAILBOX: Record<SubsidiaryCode, { name: string; address: string }> = {
  FR: { name: 'Relais Telecom France', address: 'service-client@fr.relais.example' },
  MA: { name: 'Relais Telecom Maroc', address: 'service-client@ma.relais.example' },
  SN: { name: 'Relais Telecom Sénégal', address: 'service-client@sn.relais.example' },
  MG: { name: 'Relais Telecom Madagascar', address: 'service-client@mg.relais.example' },
  EG: { name: 'Relais Telecom Egypt', address: 'customer-care@eg.relais.example' },
};

interface Showcase {
  code: SubsidiaryCode;
  language: string;
  tier: TierName;
  statuses: Status[];
  /** The demo agent who has these conversations, or the site they are routed to. */
  agentEmail?: string;
  siteKey?: BuiltSite['spec']['key'];
}

/**
 * Conversations that the demo sign-ins rely on: each demo agent has work of their own,
 * and France has conversations at both partner sites, Casablanca and Bucharest, so that
 * site scope can be seen to keep one partner out of the other's work.
 */
const SHOWCASE: readonly Showcase[] = [
  {
    code: 'FR',
    language: 'fr',
    tier: 'level2',
    statuses: ['assigned', 'assigned', 'pending', 'resolved'],
    agentEmail: 'agent.paris@relais.example',
  },
  {
    code: 'FR',
    language: 'fr',
    tier: 'level1',
    statuses: ['assigned', 'pending', 'closed'],
    agentEmail: 'agent.casablanca@relais.example',
  },
  {
    code: 'MA',
    language: 'ar',
    tier: 'level1',
    statuses: ['assigned', 'resolved'],
    agentEmail: 'agent.casablanca@relais.example',
  },
  {
    code: 'EG',
    language: 'ar',
    tier: 'level1',
    statuses: ['assigned', 'pending'],
    agentEmail: 'agent.cairo@relais.example',
  },
  {
    code: 'EG',
    language: 'en',
    tier: 'level1',
    statuses: ['assigned', 'resolved'],
    agentEmail: 'agent.cairo@relais.example',
  },
  {
    code: 'FR',
    language: 'fr',
    tier: 'level1',
    statuses: ['open', 'assigned', 'resolved'],
    siteKey: 'bucharest',
  },
  { code: 'FR', language: 'fr', tier: 'level1', statuses: ['open', 'open'], siteKey: 'casablanca' },
];

interface MessageDraft {
  direction: 'inbound' | 'outbound';
  channel: ChannelName;
  text: string;
  at: Date;
}

interface ConversationDraft {
  customer: BuiltCustomer;
  site: BuiltSite;
  agent: BuiltAgent | null;
  channel: ChannelName;
  subject: string;
  tier: TierName;
  requiredSkills: string[];
  priority: Priority;
  status: Status;
  createdAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  messages: MessageDraft[];
}

export interface ConversationRows {
  conversations: NewRow<'conversations'>[];
  messages: NewRow<'messages'>[];
}

const hourFormats = new Map<string, Intl.DateTimeFormat>();
function localHour(at: Date, timeZone: string): number {
  let format = hourFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' });
    hourFormats.set(timeZone, format);
  }
  return Number(format.format(at));
}

function availableChannels(customer: BuiltCustomer): ChannelName[] {
  const out: ChannelName[] = ['chat', 'mail'];
  if (customer.email) out.push('email');
  if (customer.phone) out.push('voice', 'sms');
  if (customer.whatsapp) out.push('whatsapp');
  if (customer.facebook) out.push('social');
  return out;
}

function pickChannel(rng: Random, customer: BuiltCustomer, except: readonly ChannelName[] = []): ChannelName {
  const profile = CUSTOMER_PROFILES.find((p) => p.code === customer.code);
  const available = new Set(availableChannels(customer));
  const weights = (profile?.channels ?? []).filter(([c]) => available.has(c) && !except.includes(c));
  return weights.length > 0 ? rng.weighted(weights) : 'chat';
}

const speaks = (languages: ReadonlyArray<{ tag: string; proficiency: number }>, tag: string, atLeast = 3) =>
  languages.some((l) => l.tag === tag && l.proficiency >= atLeast);

/** Sites that serve the customer's subsidiary in their language. */
function eligibleSites(sites: readonly BuiltSite[], customer: BuiltCustomer): BuiltSite[] {
  return sites.filter(
    (s) => s.subsidiaryIds.includes(customer.subsidiaryId) && speaks(s.spec.languages, customer.language),
  );
}

/** Where the router would have sent it: open sites first, then skills, then by seats. */
function route(
  rng: Random,
  candidates: readonly BuiltSite[],
  tier: TierName,
  skills: string[],
  at: Date,
): BuiltSite {
  const withTier = candidates.filter((s) => s.spec.tiers.includes(tier));
  const pool = withTier.length > 0 ? withTier : candidates;
  return rng.weighted(
    pool.map((s) => {
      const open = isSiteOpen(s.calendar, s.spec.timeZone, at) ? 1 : 0.05;
      const skilled = skills.every((k) => s.spec.skills.includes(k)) ? 1 : 0.25;
      return [s, s.spec.seats * open * skilled] as const;
    }),
  );
}

function pickAgent(
  rng: Random,
  agents: readonly BuiltAgent[],
  site: BuiltSite,
  tier: TierName,
  language: string,
) {
  const here = agents.filter((a) => a.siteKey === site.spec.key);
  const speaking = here.filter((a) => speaks(a.languages, language));
  const exact = speaking.filter((a) => a.tier === tier);
  const pool = exact.length > 0 ? exact : speaking.length > 0 ? speaking : here;
  return pool.length > 0 ? rng.pick(pool) : null;
}

function statusForAge(rng: Random, ageMs: number): Status {
  if (ageMs < DAY) {
    return rng.weighted<Status>([
      ['open', 30],
      ['assigned', 35],
      ['pending', 15],
      ['resolved', 20],
    ]);
  }
  if (ageMs < 7 * DAY) {
    return rng.weighted<Status>([
      ['open', 8],
      ['assigned', 22],
      ['pending', 25],
      ['resolved', 33],
      ['closed', 12],
    ]);
  }
  return rng.weighted<Status>([
    ['pending', 4],
    ['resolved', 16],
    ['closed', 80],
  ]);
}

function messageCount(rng: Random, status: Status, channel: ChannelName): number {
  if (status === 'open') return 1;
  if (status === 'assigned') return rng.pick([1, 1, 3]);
  if (status === 'pending') return rng.pick([2, 2, 4]);
  if (channel === 'voice') return rng.pick([2, 2, 4]);
  return rng.pick([2, 2, 3, 4, 4, 5, 6]);
}

function priorityFor(rng: Random, topic: Topic): Priority {
  if (topic === 'complaints' || topic === 'retention') {
    return rng.weighted<Priority>([
      ['normal', 50],
      ['high', 40],
      ['urgent', 10],
    ]);
  }
  return rng.weighted<Priority>([
    ['normal', 70],
    ['low', 15],
    ['high', 12],
    ['urgent', 3],
  ]);
}

/** A time `ageMs` or so before now, nudged into the customer's waking hours most of the time. */
function contactTime(rng: Random, now: Date, customer: BuiltCustomer, minAge: number, maxAge: number): Date {
  const oldest = Math.min(maxAge, now.getTime() - customer.createdAt.getTime() - MINUTE);
  const high = Math.max(minAge, oldest);
  let at = new Date(now.getTime() - minAge);
  for (let attempt = 0; attempt < 12; attempt++) {
    at = new Date(now.getTime() - Math.floor(minAge + rng.next() * (high - minAge)));
    const hour = localHour(at, customer.timeZone);
    if ((hour >= 7 && hour < 22) || rng.chance(0.08)) break;
  }
  return at;
}

interface DraftInput {
  customer: BuiltCustomer;
  status: Status;
  createdAt: Date;
  tier?: TierName;
  site?: BuiltSite;
  agent?: BuiltAgent;
}

function draft(
  rng: Random,
  now: Date,
  input: DraftInput,
  sites: readonly BuiltSite[],
  agents: readonly BuiltAgent[],
): ConversationDraft {
  const { customer, status, createdAt } = input;
  const texts = textsFor(customer.language);
  const channel = pickChannel(rng, customer);
  const topic = rng.weighted(TOPIC_WEIGHTS);
  const requiredSkills = SKILLS[topic];
  const candidates = eligibleSites(sites, customer);
  if (candidates.length === 0)
    throw new Error(`no demo site serves ${customer.code} in ${customer.language}`);
  const tiers = new Set(candidates.flatMap((s) => s.spec.tiers));
  const tier =
    input.tier ??
    rng.weighted(
      (
        [
          ['level1', 72],
          ['level2', 20],
          ['expert', 5],
          ['back_office', 3],
        ] as const
      ).filter(([t]) => tiers.has(t)),
    );
  const site = input.site ?? route(rng, candidates, tier, requiredSkills, createdAt);
  const agent =
    status === 'open' ? null : (input.agent ?? pickAgent(rng, agents, site, tier, customer.language));
  const priority = priorityFor(rng, topic);
  const [subject, opening] = texts.topics[topic];

  // Offsets from the first message, then squeezed if the story would run past now.
  const count = agent ? messageCount(rng, status, channel) : 1;
  const offsets = [0];
  const channels: ChannelName[] = [channel];
  for (let k = 1; k < count; k++) {
    const previous = channels[k - 1] ?? channel;
    const outbound = k % 2 === 1;
    // Now and then the customer follows up on another channel: the conversation keeps them together.
    const switches = !outbound && k >= 2 && rng.chance(0.12);
    const next = switches ? pickChannel(rng, customer, [previous, 'mail']) : previous;
    const [low, high] = (outbound ? REPLY_MINUTES : FOLLOW_UP_MINUTES)[next];
    offsets.push((offsets[k - 1] ?? 0) + rng.int(low, high) * MINUTE);
    channels.push(next);
  }
  const resolves = status === 'resolved' || status === 'closed';
  const last = offsets[offsets.length - 1] ?? 0;
  const resolvedOffset = resolves ? last + rng.int(1, 60) * MINUTE : last;
  const room = now.getTime() - createdAt.getTime() - MINUTE;
  const squeeze = resolvedOffset > room ? Math.max(0, room) / resolvedOffset : 1;
  const at = (offset: number) => new Date(createdAt.getTime() + Math.floor(offset * squeeze));

  const signature =
    customer.language === 'ar' ? (agent?.givenNameArabic ?? agent?.givenName) : agent?.givenName;
  const names = { given: customer.greeting, agent: signature ?? '' };
  let replies = 0;
  const messages: MessageDraft[] = offsets.map((offset, k) => {
    const outbound = k % 2 === 1;
    const isLast = k === count - 1;
    let text: string;
    if (k === 0) text = opening;
    else if (outbound && isLast && resolves) text = fill(rng.pick(texts.agentClosings), names);
    else if (outbound)
      text = fill(texts.agentReplies[Math.min(replies++, texts.agentReplies.length - 1)] ?? '', names);
    else if (isLast && resolves) text = texts.customerFollowUps[texts.customerFollowUps.length - 1] ?? '';
    else text = rng.pick(texts.customerFollowUps.slice(0, -1));
    const messageChannel = channels[k] ?? channel;
    if (messageChannel === 'voice') {
      const seconds = rng.int(45, 600);
      const label = texts.call[outbound ? 1 : 0];
      text = `${label} (${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}) — ${text}`;
    }
    return { direction: outbound ? 'outbound' : 'inbound', channel: messageChannel, text, at: at(offset) };
  });
  const resolvedAt = resolves ? at(resolvedOffset) : null;
  // Squeezed above, so resolvedAt is at least a minute before now and closedAt never precedes it.
  const closedAt =
    status === 'closed' && resolvedAt
      ? new Date(Math.min(now.getTime() - MINUTE, resolvedAt.getTime() + rng.int(1, 5) * DAY))
      : null;
  return {
    customer,
    site,
    agent,
    channel,
    subject,
    tier,
    requiredSkills,
    priority,
    status,
    createdAt,
    resolvedAt,
    closedAt,
    messages,
  };
}

function showcaseDrafts(
  rng: Random,
  now: Date,
  customers: readonly BuiltCustomer[],
  sites: readonly BuiltSite[],
  agents: readonly BuiltAgent[],
): ConversationDraft[] {
  const out: ConversationDraft[] = [];
  for (const show of SHOWCASE) {
    const agent = show.agentEmail ? agents.find((a) => a.demoEmail === show.agentEmail) : undefined;
    const site = sites.find((s) => s.spec.key === (agent?.siteKey ?? show.siteKey));
    if (!site) continue;
    const matching = customers.filter((c) => c.code === show.code && c.language === show.language);
    const pool = matching.length > 0 ? matching : customers.filter((c) => c.code === show.code);
    if (pool.length === 0) continue;
    for (const status of show.statuses) {
      const customer = rng.pick(pool);
      const [minAge, maxAge] =
        status === 'closed'
          ? [8 * DAY, 40 * DAY]
          : status === 'resolved'
            ? [DAY, 6 * DAY]
            : [10 * MINUTE, 2 * DAY];
      const createdAt = contactTime(rng, now, customer, minAge, maxAge);
      const siteAgent =
        status === 'open' ? undefined : (agent ?? pickAgent(rng, agents, site, show.tier, customer.language));
      out.push(
        draft(
          rng,
          now,
          { customer, status, createdAt, tier: show.tier, site, ...(siteAgent ? { agent: siteAgent } : {}) },
          sites,
          agents,
        ),
      );
    }
  }
  return out;
}

// RFC 2047 encoded words of at most 75 characters: 45 bytes of UTF-8 make 60 of base64.
function encodeHeader(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');
const rfc5322Date = (d: Date): string =>
  `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
  `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;

const mailbox = (name: string, address: string) =>
  `${/^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/["\\]/g, '')}"` : encodeHeader(name)} <${address}>`;

interface RawMail {
  from: string;
  to: string;
  subject: string;
  date: Date;
  messageId: string;
  references: string[];
  body: string;
}

function rfc822(mail: RawMail): string {
  const headers = [
    `From: ${mail.from}`,
    `To: ${mail.to}`,
    `Subject: ${encodeHeader(mail.subject)}`,
    `Date: ${rfc5322Date(mail.date)}`,
    `Message-ID: <${mail.messageId}>`,
  ];
  const parent = mail.references.at(-1);
  if (parent) {
    headers.push(
      `In-Reply-To: <${parent}>`,
      `References: ${mail.references.map((r) => `<${r}>`).join('\r\n ')}`,
    );
  }
  headers.push(
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
  );
  return `${headers.join('\r\n')}\r\n\r\n${mail.body.replace(/\r?\n/g, '\r\n')}\r\n`;
}

/**
 * An agent holds no more assigned work than their capacity allows, in total and per channel
 * (the router counts the same): the latest assignments beyond it wait on the customer
 * instead (pending, which holds no capacity), the assignee kept.
 */
function holdWithinCapacity(drafts: ConversationDraft[]): void {
  const held = new Map<string, { total: number; perChannel: Map<string, number> }>();
  const oldestFirst = [...drafts].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  for (const d of oldestFirst) {
    if (d.status !== 'assigned' || !d.agent) continue;
    const load = held.get(d.agent.id) ?? { total: 0, perChannel: new Map<string, number>() };
    held.set(d.agent.id, load);
    const onChannel = load.perChannel.get(d.channel) ?? 0;
    const room = d.agent.capacity.perChannel[d.channel] ?? 0;
    if (load.total < d.agent.capacity.total && onChannel < room) {
      load.total += 1;
      load.perChannel.set(d.channel, onChannel + 1);
    } else {
      d.status = 'pending';
    }
  }
}

/** Build `count` conversations and their messages; `customers` must be in creation order. */
export function buildConversations(
  rng: Random,
  now: Date,
  count: number,
  customers: readonly BuiltCustomer[],
  sites: readonly BuiltSite[],
  agents: readonly BuiltAgent[],
): ConversationRows {
  if (customers.length === 0 || count <= 0) return { conversations: [], messages: [] };
  const drafts = showcaseDrafts(rng, now, customers, sites, agents).slice(0, count);
  // Someone who signed up minutes ago has not written yet.
  const settled = customers.filter((c) => now.getTime() - c.createdAt.getTime() >= HOUR);
  const writers = settled.length > 0 ? settled : customers;
  while (drafts.length < count) {
    const customer = rng.pick(writers);
    // Recent work is denser than old: today's queue, this week's follow-ups, then history.
    const [minAge, maxAge] = rng.weighted<readonly [number, number]>([
      [[5 * MINUTE, DAY], 15],
      [[DAY, 7 * DAY], 20],
      [[7 * DAY, HISTORY], 65],
    ]);
    const createdAt = contactTime(rng, now, customer, minAge, maxAge);
    const status = statusForAge(rng, now.getTime() - createdAt.getTime());
    drafts.push(draft(rng, now, { customer, status, createdAt }, sites, agents));
  }

  holdWithinCapacity(drafts);

  // Ids are time-ordered: give them out in the order things happened.
  const ordered = drafts
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.createdAt.getTime() - b.d.createdAt.getTime() || a.i - b.i)
    .map(({ d }) => ({ id: newId(), d }));
  const allMessages = ordered
    .flatMap(({ id, d }) => d.messages.map((m, k) => ({ conversationId: id, d, m, k })))
    .sort((a, b) => a.m.at.getTime() - b.m.at.getTime() || a.k - b.k)
    .map((x) => ({ ...x, id: newId() }));

  const conversations = ordered.map(({ id, d }): NewRow<'conversations'> => {
    const firstOut = d.messages.find((m) => m.direction === 'outbound');
    const lastAt = d.messages[d.messages.length - 1]?.at ?? d.createdAt;
    const factor = PRIORITY_FACTOR[d.priority];
    const updatedAt = d.closedAt ?? d.resolvedAt ?? lastAt;
    return {
      id,
      subsidiary_id: d.customer.subsidiaryId,
      customer_id: d.customer.id,
      site_id: d.site.id,
      assignee_id: d.agent?.id ?? null,
      channel: d.channel,
      channels: [...new Set(d.messages.map((m) => m.channel))],
      subject: d.subject,
      language: d.customer.language,
      tier: d.tier,
      required_skills: d.requiredSkills,
      priority: d.priority,
      status: d.status,
      first_response_due_at: new Date(
        d.createdAt.getTime() + FIRST_RESPONSE_TARGET[d.channel] * factor * MINUTE,
      ),
      resolution_due_at: new Date(d.createdAt.getTime() + RESOLUTION_TARGET[d.channel] * factor * MINUTE),
      first_responded_at: firstOut?.at ?? null,
      resolved_at: d.resolvedAt,
      last_message_at: lastAt,
      created_at: d.createdAt,
      updated_at: updatedAt,
    };
  });

  const emailThreads = new Map<string, string[]>();
  const messages = allMessages.map(({ id, conversationId, d, m }): NewRow<'messages'> => {
    let raw: string | null = null;
    let externalId: string | null = null;
    if (m.channel === 'email' && d.customer.email) {
      const thread = emailThreads.get(conversationId) ?? [];
      const box = MAILBOX[d.customer.code];
      const customerBox = mailbox(d.customer.displayName, d.customer.email);
      const inbound = m.direction === 'inbound';
      const domain = (inbound ? d.customer.email : box.address).split('@')[1] ?? 'relais.example';
      externalId = `${id}@${domain}`;
      raw = rfc822({
        from: inbound ? customerBox : mailbox(box.name, box.address),
        to: inbound ? mailbox(box.name, box.address) : customerBox,
        subject: thread.length > 0 ? `Re: ${d.subject}` : d.subject,
        date: m.at,
        messageId: externalId,
        references: thread,
        body: m.text,
      });
      emailThreads.set(conversationId, [...thread, externalId]);
    }
    const outbound = m.direction === 'outbound';
    return {
      id,
      conversation_id: conversationId,
      subsidiary_id: d.customer.subsidiaryId,
      direction: m.direction,
      channel: m.channel,
      author_kind: outbound ? 'agent' : 'customer',
      author_id: outbound ? (d.agent?.id ?? null) : null,
      text: m.text,
      raw,
      raw_media_type: raw ? 'message/rfc822' : null,
      attachments: '[]',
      language: d.customer.language,
      delivery_status: outbound ? 'delivered' : 'received',
      external_id: externalId,
      created_at: m.at,
    };
  });
  return { conversations, messages };
}
