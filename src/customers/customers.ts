import { type QueryCreator, sql } from 'kysely';
import { z } from 'zod';
import { eventRows, recordEvent } from '../bus/index.ts';
import {
  Channel,
  ClockTime,
  type Context,
  CountryCode,
  DomainError,
  invalid,
  LanguageTag,
  newId,
  notFound,
  Text,
  TimeZone,
} from '../core/index.ts';
import {
  assertVersion,
  auditRow,
  type Database,
  type Db,
  type Page,
  type PageQuery,
  paginate,
  type Row,
  recordAudit,
  visibleCustomers,
  visibleSubsidiaries,
} from '../store/index.ts';
import { IdentityInput, IdentityKind, normaliseIdentity } from './identity.ts';

export const ConsentLevel = z.enum(['none', 'service', 'personalised', 'marketing']);
export type ConsentLevel = z.infer<typeof ConsentLevel>;

export const ContactWindow = z
  .object({
    days: z
      .array(z.number().int().min(1).max(7))
      .min(1)
      .max(7)
      .refine((d) => new Set(d).size === d.length, { message: 'days repeat' })
      .describe('1 = Monday … 7 = Sunday, in the customer time zone'),
    start: ClockTime,
    end: ClockTime,
  })
  .strict();

export const Approach = z
  .object({
    formality: z.enum(['formal', 'informal']).optional(),
    notes: Text(1000).optional().describe('how the customer wants to be approached, in their words'),
  })
  .strict();

const editable = {
  displayName: Text(200),
  givenName: Text(100).nullable().optional(),
  familyName: Text(100).nullable().optional(),
  language: LanguageTag,
  country: CountryCode,
  timeZone: TimeZone,
  preferredChannels: z.array(Channel).max(7),
  contactWindows: z.array(ContactWindow).max(14),
  approach: Approach,
};

export const CustomerCreate = z
  .object({
    subsidiaryId: z.uuid(),
    displayName: editable.displayName,
    givenName: editable.givenName,
    familyName: editable.familyName,
    language: editable.language.optional().describe("default: the subsidiary's default language"),
    country: editable.country.optional().describe("default: the subsidiary's country"),
    timeZone: editable.timeZone.optional().describe("default: the subsidiary's time zone"),
    consentLevel: ConsentLevel.default('service'),
    preferredChannels: editable.preferredChannels.default([]),
    contactWindows: editable.contactWindows.default([]),
    approach: editable.approach.default({}),
    identities: z.array(IdentityInput).max(20).default([]),
  })
  .strict();
export type CustomerCreate = z.infer<typeof CustomerCreate>;

export const CustomerUpdate = z
  .object({
    displayName: editable.displayName,
    givenName: editable.givenName,
    familyName: editable.familyName,
    language: editable.language,
    country: editable.country,
    timeZone: editable.timeZone,
    preferredChannels: editable.preferredChannels,
    contactWindows: editable.contactWindows,
    approach: editable.approach,
  })
  .partial()
  .strict();
export type CustomerUpdate = z.infer<typeof CustomerUpdate>;

export const Identity = z.object({ id: z.uuid(), kind: IdentityKind, value: z.string() });
export type Identity = z.infer<typeof Identity>;

export const Customer = z.object({
  id: z.uuid(),
  subsidiaryId: z.uuid(),
  displayName: z.string(),
  givenName: z.string().nullable(),
  familyName: z.string().nullable(),
  language: z.string(),
  country: z.string(),
  timeZone: z.string(),
  consentLevel: ConsentLevel,
  preferredChannels: z.array(z.string()),
  contactWindows: z.array(ContactWindow),
  approach: Approach,
  identities: z.array(Identity),
  mergedInto: z.uuid().nullable().describe('set when this customer was merged into another'),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Customer = z.infer<typeof Customer>;

export const CustomerFilter = z.object({
  subsidiaryId: z.uuid().optional(),
  language: z.string().max(35).optional(),
  country: z.string().max(2).optional(),
  consentLevel: ConsentLevel.optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('part of the name, or an exact email or phone number'),
});
export type CustomerFilter = z.infer<typeof CustomerFilter>;

export const ConsentChange = z
  .object({
    level: ConsentLevel,
    source: z.string().trim().min(1).max(100).describe('where the customer said so: web, call, email, sms…'),
    note: Text(1000).optional(),
  })
  .strict();
export type ConsentChange = z.infer<typeof ConsentChange>;

export const ConsentEvent = z.object({
  id: z.uuid(),
  level: ConsentLevel,
  source: z.string(),
  note: z.string().nullable(),
  recordedBy: z.string(),
  recordedAt: z.iso.datetime(),
});
export type ConsentEvent = z.infer<typeof ConsentEvent>;

function toCustomer(r: Row<'customers'>, identities: Row<'customer_identities'>[]): Customer {
  return {
    id: r.id,
    subsidiaryId: r.subsidiary_id,
    displayName: r.display_name,
    givenName: r.given_name,
    familyName: r.family_name,
    language: r.language,
    country: r.country,
    timeZone: r.time_zone,
    consentLevel: r.consent_level,
    preferredChannels: r.preferred_channels,
    contactWindows: r.contact_windows as Customer['contactWindows'],
    approach: r.approach as Customer['approach'],
    identities: identities.map((i) => ({ id: i.id, kind: i.kind, value: i.value })),
    mergedInto: r.merged_into,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

async function identitiesOf(
  db: Db,
  customerIds: string[],
): Promise<Map<string, Row<'customer_identities'>[]>> {
  const byCustomer = new Map<string, Row<'customer_identities'>[]>();
  if (customerIds.length === 0) return byCustomer;
  const rows = await db
    .selectFrom('customer_identities')
    .selectAll()
    .where('customer_id', 'in', customerIds)
    .orderBy('id')
    .execute();
  for (const row of rows) {
    const list = byCustomer.get(row.customer_id) ?? [];
    list.push(row);
    byCustomer.set(row.customer_id, list);
  }
  return byCustomer;
}

/** Refuse an identity that another customer of the subsidiary already holds. */
async function assertIdentityFree(
  trx: Db,
  subsidiaryId: string,
  identity: IdentityInput,
  path: string,
): Promise<void> {
  const taken = await trx
    .selectFrom('customer_identities')
    .select('id')
    .where('subsidiary_id', '=', subsidiaryId)
    .where('kind', '=', identity.kind)
    .where('value', '=', identity.value)
    .executeTakeFirst();
  if (taken) {
    throw new DomainError(
      'duplicate_identity',
      `${path}: ${identity.kind} ${identity.value} belongs to another customer`,
      [{ path, message: 'belongs to another customer of this subsidiary' }],
    );
  }
}

async function insertIdentities(
  trx: Db,
  customerId: string,
  subsidiaryId: string,
  identities: IdentityInput[],
  path: string,
) {
  const seen = new Set<string>();
  for (const [i, identity] of identities.entries()) {
    const key = `${identity.kind}:${identity.value}`;
    if (seen.has(key)) throw invalid(`${path}.${i}.value`, 'is given twice');
    seen.add(key);
    await assertIdentityFree(trx, subsidiaryId, identity, `${path}.${i}.value`);
  }
  if (identities.length === 0) return;
  await trx
    .insertInto('customer_identities')
    .values(
      identities.map((i) => ({
        id: newId(),
        customer_id: customerId,
        subsidiary_id: subsidiaryId,
        kind: i.kind,
        value: i.value,
      })),
    )
    .execute();
}

/**
 * Create a customer of a subsidiary the actor reaches, with identities and the first
 * consent entry. Site staff see customers only through conversations routed to their
 * site, so they create customers by opening a conversation, not here.
 */
export async function createCustomer(trx: Db, ctx: Context, input: CustomerCreate): Promise<Customer> {
  if (ctx.actor.scope.kind === 'site') {
    throw new DomainError('forbidden', 'site staff create customers by opening a conversation with them');
  }
  return insertCustomer(trx, ctx, input);
}

async function insertCustomer(
  trx: Db,
  ctx: Context,
  input: CustomerCreate,
  known?: Row<'subsidiaries'>,
): Promise<Customer> {
  const subsidiary =
    known ??
    (await visibleSubsidiaries(trx, ctx.actor)
      .selectAll()
      .where('id', '=', input.subsidiaryId)
      .executeTakeFirst());
  if (!subsidiary) throw invalid('subsidiaryId', 'is not a subsidiary you can reach');
  const country = input.country ?? subsidiary.country;
  const identities = input.identities.map((i, n) => normaliseIdentity(i, country, `identities.${n}.value`));
  const seen = new Set<string>();
  for (const [i, identity] of identities.entries()) {
    const key = `${identity.kind}:${identity.value}`;
    if (seen.has(key)) throw invalid(`identities.${i}.value`, 'is given twice');
    seen.add(key);
  }
  const id = newId();
  const identityRows = identities.map((i) => ({
    id: newId(),
    customer_id: id,
    subsidiary_id: subsidiary.id,
    kind: i.kind,
    value: i.value,
  }));
  // The customer, its identities, its first consent entry, the audit row and the event:
  // one statement, so one round trip (foreign keys are checked at its end). An identity
  // another customer holds fails it on the unique index, and nothing is written.
  const base: QueryCreator<Database> =
    identityRows.length > 0
      ? (trx.with('identities', (db) =>
          db.insertInto('customer_identities').values(identityRows),
        ) as unknown as QueryCreator<Database>)
      : trx;
  const write = base
    .with('consent', (db) =>
      db.insertInto('consent_events').values({
        id: newId(),
        customer_id: id,
        subsidiary_id: subsidiary.id,
        level: input.consentLevel,
        source: 'created',
        note: null,
        recorded_by: `${ctx.actor.kind}:${ctx.actor.id}`,
      }),
    )
    .with('audit', (db) =>
      db.insertInto('audit_log').values(
        auditRow(ctx.actor, ctx.requestId, {
          action: 'create',
          entity: 'customer',
          entityId: id,
          subsidiaryId: subsidiary.id,
          changes: { ...input, identities },
        }),
      ),
    )
    .with('events', (db) =>
      db
        .insertInto('outbox')
        .values(
          eventRows([{ name: 'customer.created', payload: { customerId: id, subsidiaryId: subsidiary.id } }]),
        ),
    )
    .insertInto('customers')
    .values({
      id,
      subsidiary_id: subsidiary.id,
      display_name: input.displayName,
      given_name: input.givenName ?? null,
      family_name: input.familyName ?? null,
      language: input.language ?? subsidiary.default_language,
      country,
      time_zone: input.timeZone ?? subsidiary.time_zone,
      consent_level: input.consentLevel,
      preferred_channels: input.preferredChannels,
      contact_windows: JSON.stringify(input.contactWindows),
      approach: JSON.stringify(input.approach),
    })
    .returningAll();
  let row: Row<'customers'>;
  try {
    row = await write.executeTakeFirstOrThrow();
  } catch (error) {
    throw takenIdentity(error, identities) ?? error;
  }
  return toCustomer(
    row,
    identityRows.map((r) => ({ ...r, created_at: row.created_at })),
  );
}

/** The identity a unique-index violation names, as the caller's error; undefined for any other error. */
function takenIdentity(error: unknown, identities: IdentityInput[]): DomainError | undefined {
  const e = error as { code?: string; constraint?: string; detail?: string };
  if (e.code !== '23505' || !e.constraint?.startsWith('customer_identities')) return undefined;
  const [, kind, value] = /=\([^,]+, ([^,]+), (.*)\) already exists/.exec(e.detail ?? '') ?? [];
  const n = identities.findIndex((i) => i.kind === kind && i.value === value);
  const path = n >= 0 ? `identities.${n}.value` : 'identities';
  return new DomainError(
    'duplicate_identity',
    `${path}: ${kind ?? 'an identity'} ${value ?? ''} belongs to another customer`.replace(/\s+$/, ''),
    [{ path, message: 'belongs to another customer of this subsidiary' }],
  );
}

async function lockVisible(trx: Db, ctx: Context, id: string): Promise<Row<'customers'>> {
  const row = await visibleCustomers(trx, ctx.actor)
    .selectAll()
    .where('customers.id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('customer', id);
  return row;
}

export async function updateCustomer(
  trx: Db,
  ctx: Context,
  id: string,
  expectedVersion: number | undefined,
  input: CustomerUpdate,
): Promise<Customer> {
  const current = await lockVisible(trx, ctx, id);
  assertVersion('customer', current.version, expectedVersion);
  const row = await trx
    .updateTable('customers')
    .set((eb) => ({
      display_name: input.displayName ?? current.display_name,
      given_name: input.givenName === undefined ? current.given_name : input.givenName,
      family_name: input.familyName === undefined ? current.family_name : input.familyName,
      language: input.language ?? current.language,
      country: input.country ?? current.country,
      time_zone: input.timeZone ?? current.time_zone,
      preferred_channels: input.preferredChannels ?? current.preferred_channels,
      contact_windows: JSON.stringify(input.contactWindows ?? current.contact_windows),
      approach: JSON.stringify(input.approach ?? current.approach),
      version: eb('version', '+', 1),
      updated_at: ctx.now,
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'update',
    entity: 'customer',
    entityId: id,
    subsidiaryId: current.subsidiary_id,
    changes: input,
  });
  const stored = await identitiesOf(trx, [id]);
  return toCustomer(row, stored.get(id) ?? []);
}

export async function getCustomer(db: Db, ctx: Context, id: string): Promise<Customer> {
  const row = await visibleCustomers(db, ctx.actor)
    .selectAll()
    .where('customers.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('customer', id);
  const stored = await identitiesOf(db, [id]);
  return toCustomer(row, stored.get(id) ?? []);
}

/** List or search the customers the actor sees. */
export async function listCustomers(
  db: Db,
  ctx: Context,
  filter: CustomerFilter,
  page: PageQuery,
): Promise<Page<Customer>> {
  // A customer merged into another is found through the one it was merged into.
  let q = visibleCustomers(db, ctx.actor).selectAll('customers').where('customers.merged_into', 'is', null);
  if (filter.subsidiaryId) q = q.where('customers.subsidiary_id', '=', filter.subsidiaryId);
  if (filter.language) q = q.where('customers.language', '=', filter.language);
  if (filter.country) q = q.where('customers.country', '=', filter.country);
  if (filter.consentLevel) q = q.where('customers.consent_level', '=', filter.consentLevel);
  if (filter.q) {
    const term = filter.q;
    const values = [term.toLowerCase(), term.replace(/[\s().-]/g, '')];
    q = q.where((eb) =>
      eb.or([
        eb(sql<string>`lower(customers.display_name)`, 'like', `%${escapeLike(term.toLowerCase())}%`),
        eb.exists(
          eb
            .selectFrom('customer_identities')
            .select(eb.lit(1).as('one'))
            .whereRef('customer_identities.customer_id', '=', 'customers.id')
            .where('customer_identities.value', 'in', values),
        ),
      ]),
    );
  }
  const result = await paginate(q, 'customers.id', page);
  const identities = await identitiesOf(
    db,
    result.items.map((r) => r.id),
  );
  return {
    items: result.items.map((r) => toCustomer(r, identities.get(r.id) ?? [])),
    nextCursor: result.nextCursor,
  };
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function addIdentity(
  trx: Db,
  ctx: Context,
  customerId: string,
  input: IdentityInput,
): Promise<Identity> {
  const customer = await lockVisible(trx, ctx, customerId);
  const identity = normaliseIdentity(input, customer.country, 'value');
  await assertIdentityFree(trx, customer.subsidiary_id, identity, 'value');
  const id = newId();
  await trx
    .insertInto('customer_identities')
    .values({
      id,
      customer_id: customerId,
      subsidiary_id: customer.subsidiary_id,
      kind: identity.kind,
      value: identity.value,
    })
    .execute();
  await trx
    .updateTable('customers')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: ctx.now }))
    .where('id', '=', customerId)
    .execute();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'add_identity',
    entity: 'customer',
    entityId: customerId,
    subsidiaryId: customer.subsidiary_id,
    changes: identity,
  });
  return { id, ...identity };
}

export async function removeIdentity(
  trx: Db,
  ctx: Context,
  customerId: string,
  identityId: string,
): Promise<void> {
  const customer = await lockVisible(trx, ctx, customerId);
  const removed = await trx
    .deleteFrom('customer_identities')
    .where('id', '=', identityId)
    .where('customer_id', '=', customerId)
    .returningAll()
    .executeTakeFirst();
  if (!removed) throw notFound('identity', identityId);
  await trx
    .updateTable('customers')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: ctx.now }))
    .where('id', '=', customerId)
    .execute();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'remove_identity',
    entity: 'customer',
    entityId: customerId,
    subsidiaryId: customer.subsidiary_id,
    changes: { kind: removed.kind, value: removed.value },
  });
}

/** Record what the customer agreed to: the history keeps every change, the customer the latest. */
export async function changeConsent(
  trx: Db,
  ctx: Context,
  customerId: string,
  input: ConsentChange,
): Promise<ConsentEvent> {
  const customer = await lockVisible(trx, ctx, customerId);
  const row = await trx
    .insertInto('consent_events')
    .values({
      id: newId(),
      customer_id: customerId,
      subsidiary_id: customer.subsidiary_id,
      level: input.level,
      source: input.source,
      note: input.note ?? null,
      recorded_by: `${ctx.actor.kind}:${ctx.actor.id}`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('customers')
    .set((eb) => ({ consent_level: input.level, version: eb('version', '+', 1), updated_at: ctx.now }))
    .where('id', '=', customerId)
    .execute();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'change_consent',
    entity: 'customer',
    entityId: customerId,
    subsidiaryId: customer.subsidiary_id,
    changes: { from: customer.consent_level, to: input.level, source: input.source },
  });
  await recordEvent(trx, 'customer.consent_changed', { customerId, level: input.level });
  return toConsentEvent(row);
}

const toConsentEvent = (r: Row<'consent_events'>): ConsentEvent => ({
  id: r.id,
  level: r.level,
  source: r.source,
  note: r.note,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at.toISOString(),
});

export async function consentHistory(db: Db, ctx: Context, customerId: string): Promise<ConsentEvent[]> {
  const customer = await visibleCustomers(db, ctx.actor)
    .select('customers.id')
    .where('customers.id', '=', customerId)
    .executeTakeFirst();
  if (!customer) throw notFound('customer', customerId);
  const rows = await db
    .selectFrom('consent_events')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('recorded_at')
    .orderBy('id')
    .execute();
  return rows.map(toConsentEvent);
}

/**
 * The customer behind an inbound contact, by the identities it carries (the channel's
 * own first: a sender address, a number, a visitor id; then any others it states).
 * None known: a new customer with all of them. One customer: the contact joins them
 * and their record learns the identities it lacked. Two or more: the contact joins the
 * one holding its first identity (else the oldest) and a merge suggestion is left for
 * an agent: two existing customers are never merged silently. The caller has checked
 * the actor reaches the subsidiary.
 */
export async function resolveCustomer(
  trx: Db,
  ctx: Context,
  subsidiary: Row<'subsidiaries'>,
  input: {
    identity: IdentityInput;
    otherIdentities?: IdentityInput[] | undefined;
    displayName?: string | undefined;
    language?: string | undefined;
  },
): Promise<{ customerId: string; language: string; created: boolean; mergeSuggested: boolean }> {
  const identity = normaliseIdentity(input.identity, subsidiary.country, 'customer.identity.value');
  const all = [identity];
  for (const [n, other] of (input.otherIdentities ?? []).entries()) {
    const normalised = normaliseIdentity(other, subsidiary.country, `customer.otherIdentities.${n}.value`);
    if (!all.some((i) => i.kind === normalised.kind && i.value === normalised.value)) all.push(normalised);
  }
  const matches = await trx
    .selectFrom('customer_identities')
    .innerJoin('customers', 'customers.id', 'customer_identities.customer_id')
    .select([
      'customer_identities.customer_id',
      'customer_identities.kind',
      'customer_identities.value',
      'customers.language',
    ])
    .where('customer_identities.subsidiary_id', '=', subsidiary.id)
    .where((eb) =>
      eb.or(
        all.map((i) =>
          eb.and([
            eb('customer_identities.kind', '=', i.kind),
            eb('customer_identities.value', '=', i.value),
          ]),
        ),
      ),
    )
    .orderBy('customer_identities.customer_id')
    .execute();
  if (matches.length === 0) {
    const created = await insertCustomer(
      trx,
      ctx,
      {
        subsidiaryId: subsidiary.id,
        displayName: input.displayName ?? identity.value,
        language: input.language,
        consentLevel: 'service',
        preferredChannels: [],
        contactWindows: [],
        approach: {},
        identities: all,
      },
      subsidiary,
    );
    return { customerId: created.id, language: created.language, created: true, mergeSuggested: false };
  }
  const chosen =
    matches.find((m) => m.kind === identity.kind && m.value === identity.value) ??
    (matches[0] as (typeof matches)[0]);
  // Site staff reach only the customers of their site's conversations: an identity must
  // not be a key to someone else's record.
  if (ctx.actor.scope.kind === 'site') {
    const visible = await visibleCustomers(trx, ctx.actor)
      .select('customers.id')
      .where('customers.id', '=', chosen.customer_id)
      .executeTakeFirst();
    if (!visible) throw invalid('customer.identity', 'belongs to a customer outside your reach');
  }
  const others = [...new Set(matches.map((m) => m.customer_id))].filter((id) => id !== chosen.customer_id);
  const unknown = all.filter((i) => !matches.some((m) => m.kind === i.kind && m.value === i.value));
  if (unknown.length > 0) await insertIdentities(trx, chosen.customer_id, subsidiary.id, unknown, 'customer');
  for (const other of others) {
    const pending = await trx
      .selectFrom('merge_suggestions')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('customer_id', '=', chosen.customer_id), eb('other_id', '=', other)]),
          eb.and([eb('customer_id', '=', other), eb('other_id', '=', chosen.customer_id)]),
        ]),
      )
      .executeTakeFirst();
    if (pending) continue;
    const shared = matches
      .filter((m) => m.customer_id === other)
      .map((m) => `${m.kind} ${m.value}`)
      .join(', ');
    await trx
      .insertInto('merge_suggestions')
      .values({
        id: newId(),
        subsidiary_id: subsidiary.id,
        customer_id: chosen.customer_id,
        other_id: other,
        reason: `one contact came with ${chosen.kind} ${chosen.value} and ${shared}`,
      })
      .execute();
  }
  return {
    customerId: chosen.customer_id,
    language: chosen.language,
    created: false,
    mergeSuggested: others.length > 0,
  };
}
