import { sql } from 'kysely';
import { DomainError, hashPassword, invalid, newId } from '../core/index.ts';
import type { Db, NewRow } from '../store/index.ts';
import { buildConversations } from './conversations.ts';
import { buildCustomers } from './customers.ts';
import { buildOrganisation, DEMO_PASSWORD, DEMO_USERS, SITES, SUBSIDIARIES } from './organisation.ts';
import { Random } from './random.ts';
import { buildSavedReplies } from './saved-replies.ts';

/**
 * The demo world: Relais Telecom Group with five subsidiaries, seven sites in their own
 * time zones, about 80 agents, 10,000 customers and 400 past conversations, built the
 * same way from the same seed.
 */

export interface DemoSignIn {
  email: string;
  password: string;
  role: string;
  /** Human label: "group", "subsidiary FR", "site Casablanca". */
  scope: string;
  note: string;
}

export interface DemoWorldSummary {
  subsidiaries: number;
  sites: number;
  agents: number;
  customers: number;
  conversations: number;
  messages: number;
  signIns: DemoSignIn[];
}

export interface DemoWorldOptions {
  seed: number;
  now: Date;
  /** Default 10,000. */
  customers?: number;
  /** Default 400. */
  conversations?: number;
}

// Rows per INSERT: large enough to be quick on PGlite, far below PostgreSQL's 65,535 parameters.
const BATCH = 500;

/** The sign-ins, without touching the store (for printing on a later start). */
export function demoSignIns(): DemoSignIn[] {
  return DEMO_USERS.map((u) => {
    const scope = u.scope;
    const label =
      scope.kind === 'group'
        ? 'group'
        : scope.kind === 'subsidiary'
          ? `subsidiary ${scope.code}`
          : `site ${SITES.find((s) => s.key === scope.key)?.name ?? scope.key}`;
    return { email: u.email, password: DEMO_PASSWORD, role: u.role, scope: label, note: u.note };
  });
}

async function insertBatches<T>(rows: readonly T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
}

/** Create the demo world in an empty, migrated store, deterministically from the seed. */
export async function createDemoWorld(db: Db, options: DemoWorldOptions): Promise<DemoWorldSummary> {
  const customerCount = options.customers ?? 10_000;
  const conversationCount = options.conversations ?? 400;
  const { now } = options;
  for (const [path, value] of [
    ['customers', customerCount],
    ['conversations', conversationCount],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw invalid(path, 'must be a whole number, 0 or more');
  }
  if (Number.isNaN(now.getTime())) throw invalid('now', 'must be a valid date');
  // scrypt is slow on purpose: one hash, shared by every demo user.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const rng = new Random(options.seed);

  const org = buildOrganisation(rng, now, passwordHash);
  const people = buildCustomers(rng, now, customerCount, org.subsidiaryIds);
  const talk = buildConversations(rng, now, conversationCount, people.built, org.builtSites, org.builtAgents);

  await db.transaction().execute(async (trx) => {
    if (await trx.selectFrom('groups').select('id').executeTakeFirst()) {
      throw new DomainError(
        'conflict',
        'the store already holds a group: clear it first (clearWorld) to create the demo',
      );
    }
    await trx.insertInto('groups').values(org.group).execute();
    await trx.insertInto('subsidiaries').values(org.subsidiaries).execute();
    await trx.insertInto('sites').values(org.sites).execute();
    await trx.insertInto('teams').values(org.teams).execute();
    await insertBatches<NewRow<'users'>>(org.users, (b) => trx.insertInto('users').values(b).execute());
    await insertBatches<NewRow<'agents'>>(org.agents, (b) => trx.insertInto('agents').values(b).execute());
    await insertBatches<NewRow<'customers'>>(people.customers, (b) =>
      trx.insertInto('customers').values(b).execute(),
    );
    await insertBatches<NewRow<'customer_identities'>>(people.identities, (b) =>
      trx.insertInto('customer_identities').values(b).execute(),
    );
    await insertBatches<NewRow<'consent_events'>>(people.consents, (b) =>
      trx.insertInto('consent_events').values(b).execute(),
    );
    await insertBatches<NewRow<'conversations'>>(talk.conversations, (b) =>
      trx.insertInto('conversations').values(b).execute(),
    );
    await insertBatches<NewRow<'messages'>>(talk.messages, (b) =>
      trx.insertInto('messages').values(b).execute(),
    );
    await trx
      .insertInto('endpoints')
      .values([...demoMailboxes(org.subsidiaryIds), ...demoChats(org.subsidiaryIds)])
      .execute();
    await trx.insertInto('saved_replies').values(buildSavedReplies(org.subsidiaryIds, now)).execute();
  });

  return {
    subsidiaries: SUBSIDIARIES.length,
    sites: SITES.length,
    agents: org.agents.length,
    customers: people.customers.length,
    conversations: talk.conversations.length,
    messages: talk.messages.length,
    signIns: demoSignIns(),
  };
}

/**
 * The demo organisation as plain data, without a store: the same subsidiaries, sites and
 * agents (tier, languages, skills, capacity) as createDemoWorld makes from the same seed,
 * with readable ids (subsidiary codes, site codes, `PAR-1` …). For the routing simulator.
 */
export function demoOrganisation(seed: number, now: Date) {
  const org = buildOrganisation(new Random(seed), now, '');
  const codeOfSubsidiary = new Map([...org.subsidiaryIds].map(([code, id]) => [id, code]));
  const siteCode = new Map(org.builtSites.map((s) => [s.id, s.spec.code]));
  const perSite = new Map<string, number>();
  return {
    subsidiaries: SUBSIDIARIES.map((s) => ({ ...s })),
    sites: org.builtSites.map((s) => ({
      id: s.spec.code,
      name: s.spec.name,
      timeZone: s.spec.timeZone,
      calendar: s.calendar,
      subsidiaryIds: s.subsidiaryIds.map((id) => codeOfSubsidiary.get(id) ?? id),
      costPerHourMinor: s.spec.costPerHourMinor,
      qualityIndex: s.spec.qualityIndex,
      country: s.spec.country,
    })),
    agents: org.agents.map((a) => {
      const code = siteCode.get(a.site_id) ?? a.site_id;
      const n = (perSite.get(code) ?? 0) + 1;
      perSite.set(code, n);
      return {
        id: `${code}-${n}`,
        siteId: code,
        tier: a.tier,
        languages: JSON.parse(String(a.languages)) as Array<{ tag: string; proficiency: number }>,
        skills: JSON.parse(String(a.skills)) as Array<{ name: string; proficiency: number }>,
        capacity: JSON.parse(String(a.capacity)) as {
          perChannel: Partial<Record<string, number>>;
          total: number;
        },
      };
    }),
  };
}

/** Each subsidiary's customer-service mailbox: mail to it over SMTP opens a conversation. */
export const DEMO_MAILBOXES: Record<string, string> = {
  FR: 'service.fr@relais.example',
  MA: 'service.ma@relais.example',
  SN: 'service.sn@relais.example',
  MG: 'service.mg@relais.example',
  EG: 'service.eg@relais.example',
};

function demoMailboxes(subsidiaryIds: Map<string, string>): NewRow<'endpoints'>[] {
  return Object.entries(DEMO_MAILBOXES).flatMap(([code, address]) => {
    const subsidiaryId = subsidiaryIds.get(code);
    return subsidiaryId
      ? [
          {
            id: newId(),
            subsidiary_id: subsidiaryId,
            channel: 'email' as const,
            address,
            name: `Service client ${code}`,
          },
        ]
      : [];
  });
}

/** Each subsidiary's chat widget key: try it on the host page at /chat/demo?key=… */
export const DEMO_CHAT_KEYS: Record<string, string> = {
  FR: 'demo-fr',
  MA: 'demo-ma',
  SN: 'demo-sn',
  MG: 'demo-mg',
  EG: 'demo-eg',
};

function demoChats(subsidiaryIds: Map<string, string>): NewRow<'endpoints'>[] {
  return Object.entries(DEMO_CHAT_KEYS).flatMap(([code, address]) => {
    const subsidiaryId = subsidiaryIds.get(code);
    return subsidiaryId
      ? [
          {
            id: newId(),
            subsidiary_id: subsidiaryId,
            channel: 'chat' as const,
            address,
            name: `Chat ${code}`,
          },
        ]
      : [];
  });
}

/**
 * Delete all data (every table but schema_migrations) so the demo can be created again.
 * TRUNCATE, because the append-only triggers of audit_log and consent_events forbid DELETE.
 */
export async function clearWorld(db: Db): Promise<void> {
  const tables = await sql<{ tablename: string }>`
    select tablename from pg_tables
    where schemaname = current_schema() and tablename <> 'schema_migrations'
    order by tablename`.execute(db);
  if (tables.rows.length === 0) return;
  await sql`truncate table ${sql.join(tables.rows.map((t) => sql.id(t.tablename)))} restart identity cascade`.execute(
    db,
  );
}

export {
  type DemoTraffic,
  type DemoTrafficActions,
  type DemoTrafficOptions,
  type NewContact,
  startDemoTraffic,
  type TrafficRound,
} from './traffic.ts';
