import { z } from 'zod';
import { Channel, type Context, DomainError, invalid, newId, notFound, Text, toE164 } from '../core/index.ts';
import {
  assertVersion,
  type Db,
  managesSubsidiary,
  type Page,
  type PageQuery,
  paginate,
  type Row,
  recordAudit,
  visibleEndpoints,
  visibleSubsidiaries,
} from '../store/index.ts';
import { ImapSettings } from './email/imap.ts';

/**
 * What each channel needs to know about an endpoint beyond its address: the only
 * settings an endpoint of that channel accepts. Each channel adds its own here.
 */
export const EndpointSettings = {
  email: z.object({ imap: ImapSettings.optional() }).strict(),
  chat: z
    .object({
      allowedOrigins: z
        .array(z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin))
        .max(50)
        .optional()
        .describe('pages that may embed the widget (their origins); absent: any page'),
      greeting: z
        .record(z.string().regex(/^[a-z]{2,3}$/), z.string().trim().min(1).max(500))
        .optional()
        .describe('the first words the widget shows, by language'),
      languages: z
        .array(z.string().regex(/^[a-z]{2,3}$/))
        .min(1)
        .max(20)
        .optional()
        .describe("the widget's languages (default: the subsidiary's)"),
    })
    .strict(),
  sms: z.object({}).strict(),
  social: z.object({ network: z.enum(['facebook', 'instagram']).default('facebook') }).strict(),
  whatsapp: z.object({}).strict(),
  voice: z.object({}).strict(),
  mail: z.object({}).strict(),
} satisfies Record<Channel, z.ZodType>;

const Settings = z
  .record(z.string(), z.unknown())
  .describe("the channel's settings: see docs/channels.md for each channel");
const Secret = z
  .string()
  .min(1)
  .max(4000)
  .describe('the credential the channel needs (page access token, mailbox password): write-only');

export const EndpointCreate = z
  .object({
    subsidiaryId: z.uuid(),
    channel: Channel,
    address: z
      .string()
      .trim()
      .min(1)
      .max(320)
      .describe('mailbox address, chat widget key, SMS sender, page or WhatsApp number id, voice number'),
    name: Text(200),
    settings: Settings.optional(),
    secret: Secret.optional(),
  })
  .strict();
export type EndpointCreate = z.infer<typeof EndpointCreate>;

export const EndpointUpdate = z
  .object({ name: Text(200), active: z.boolean(), settings: Settings, secret: Secret.nullable() })
  .partial()
  .strict();
export type EndpointUpdate = z.infer<typeof EndpointUpdate>;

export const Endpoint = z.object({
  id: z.uuid(),
  subsidiaryId: z.uuid(),
  channel: Channel,
  address: z.string(),
  name: z.string(),
  active: z.boolean(),
  settings: z.record(z.string(), z.unknown()),
  hasSecret: z.boolean().describe('a secret is set (it is never shown)'),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Endpoint = z.infer<typeof Endpoint>;

export const EndpointFilter = z.object({ subsidiaryId: z.uuid().optional(), channel: Channel.optional() });
export type EndpointFilter = z.infer<typeof EndpointFilter>;

const toEndpoint = (r: Row<'endpoints'>): Endpoint => ({
  id: r.id,
  subsidiaryId: r.subsidiary_id,
  channel: r.channel,
  address: r.address,
  name: r.name,
  active: r.active,
  settings: r.settings,
  hasSecret: r.secret !== null,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const email = z.email();

/** An endpoint's settings, checked against what its channel accepts. */
function checkSettings(channel: Channel, settings: Record<string, unknown>): Record<string, unknown> {
  const result = EndpointSettings[channel].safeParse(settings);
  if (result.success) return result.data as Record<string, unknown>;
  const issues = result.error.issues.map((i) => ({
    path: ['settings', ...i.path].join('.'),
    message: i.message,
  }));
  throw new DomainError('validation_failed', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
}

/** Audit says a secret changed, never what it is. */
const withoutSecret = <T extends { secret?: string | null }>(input: T) =>
  input.secret === undefined ? input : { ...input, secret: input.secret === null ? null : '(set)' };

/** The one stored form of an address, so inbound traffic finds its endpoint. */
export function normaliseAddress(channel: Channel, address: string, country: string): string {
  if (channel === 'email') {
    const value = address.toLowerCase();
    if (!email.safeParse(value).success) throw invalid('address', 'is not an email address');
    return value;
  }
  if (
    channel === 'voice' ||
    (channel === 'sms' && !/^[0-9]{3,8}$/.test(address) && !/[A-Za-z]/.test(address))
  ) {
    const value = toE164(address, country);
    if (!value) throw invalid('address', `is not a phone number for ${country}`);
    return value;
  }
  if (/\s/.test(address)) throw invalid('address', 'must not contain spaces');
  return address;
}

/** Add an address of a subsidiary on a channel: its own administrators or the group's. */
export async function createEndpoint(trx: Db, ctx: Context, input: EndpointCreate): Promise<Endpoint> {
  const subsidiary = await visibleSubsidiaries(trx, ctx.actor)
    .select(['id', 'country'])
    .where('id', '=', input.subsidiaryId)
    .executeTakeFirst();
  if (!subsidiary || !managesSubsidiary(ctx.actor, subsidiary.id)) {
    throw invalid('subsidiaryId', 'is not a subsidiary you manage');
  }
  const address = normaliseAddress(input.channel, input.address, subsidiary.country);
  const settings = checkSettings(input.channel, input.settings ?? {});
  const taken = await trx
    .selectFrom('endpoints')
    .select('id')
    .where('channel', '=', input.channel)
    .where('address', '=', address)
    .executeTakeFirst();
  if (taken) {
    throw new DomainError('conflict', `address: ${address} is already an endpoint on ${input.channel}`, [
      { path: 'address', message: 'is already an endpoint' },
    ]);
  }
  const row = await trx
    .insertInto('endpoints')
    .values({
      id: newId(),
      subsidiary_id: subsidiary.id,
      channel: input.channel,
      address,
      name: input.name,
      settings: JSON.stringify(settings),
      secret: input.secret ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'create',
    entity: 'endpoint',
    entityId: row.id,
    subsidiaryId: row.subsidiary_id,
    changes: { ...withoutSecret(input), address, settings },
  });
  return toEndpoint(row);
}

export async function updateEndpoint(
  trx: Db,
  ctx: Context,
  id: string,
  expectedVersion: number | undefined,
  input: EndpointUpdate,
): Promise<Endpoint> {
  const current = await visibleEndpoints(trx, ctx.actor)
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('endpoint', id);
  if (!managesSubsidiary(ctx.actor, current.subsidiary_id)) {
    throw new DomainError(
      'forbidden',
      "only the subsidiary's or the group's administrators change its endpoints",
    );
  }
  assertVersion('endpoint', current.version, expectedVersion);
  const settings = input.settings ? checkSettings(current.channel, input.settings) : current.settings;
  const row = await trx
    .updateTable('endpoints')
    .set((eb) => ({
      name: input.name ?? current.name,
      active: input.active ?? current.active,
      settings: JSON.stringify(settings),
      secret: input.secret === undefined ? current.secret : input.secret,
      version: eb('version', '+', 1),
      updated_at: ctx.now,
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'update',
    entity: 'endpoint',
    entityId: id,
    subsidiaryId: row.subsidiary_id,
    changes: withoutSecret(input),
  });
  return toEndpoint(row);
}

export async function getEndpoint(db: Db, ctx: Context, id: string): Promise<Endpoint> {
  const row = await visibleEndpoints(db, ctx.actor).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('endpoint', id);
  return toEndpoint(row);
}

export async function listEndpoints(
  db: Db,
  ctx: Context,
  filter: EndpointFilter,
  page: PageQuery,
): Promise<Page<Endpoint>> {
  let q = visibleEndpoints(db, ctx.actor).selectAll();
  if (filter.subsidiaryId) q = q.where('subsidiary_id', '=', filter.subsidiaryId);
  if (filter.channel) q = q.where('channel', '=', filter.channel);
  const result = await paginate(q, 'endpoints.id', page);
  return { items: result.items.map(toEndpoint), nextCursor: result.nextCursor };
}

/** The active endpoint behind an inbound address, whoever asks: channels run as the system. */
export async function findEndpoint(
  db: Db,
  channel: Channel,
  address: string,
): Promise<Row<'endpoints'> | undefined> {
  return (
    db
      .selectFrom('endpoints')
      .selectAll()
      .where('channel', '=', channel)
      // A reply token after + (service+c0123…@) still reaches the mailbox.
      .where('address', '=', channel === 'email' ? address.toLowerCase().replace(/\+[^@]*@/, '@') : address)
      .where('active', '=', true)
      .executeTakeFirst()
  );
}
