// SLA in the running server: each subsidiary's policy in the store, and a watcher that sets
// conversations' due times from it and reports 'at risk' and 'breached' once each.
import { sql } from 'kysely';
import { z } from 'zod';
import { type Bus, recordEvent } from '../bus/index.ts';
import { type Context, DomainError, notFound, TimeZone } from '../core/index.ts';
import { Calendar } from '../organisation/index.ts';
import {
  assertVersion,
  type Db,
  type Row,
  recordAudit,
  type SiteCalendar,
  visibleSubsidiaries,
} from '../store/index.ts';
import {
  type BusinessHours,
  type ConversationSla,
  DEFAULT_SLA_POLICY,
  dueAt,
  escalateSla,
  pauseResolution,
  resumeResolution,
  type SlaKey,
  SlaPolicy,
  type SlaTarget,
  slaState,
  startSla,
  withPauses,
} from './sla.ts';

const nineToSix = [{ start: '09:00', end: '18:00' }];

/** The business hours of a subsidiary that has not set its own: Monday to Friday, 09:00–18:00. */
export const DEFAULT_BUSINESS_CALENDAR: SiteCalendar = {
  weekly: { mon: nineToSix, tue: nineToSix, wed: nineToSix, thu: nineToSix, fri: nineToSix },
  holidays: [],
  exceptions: [],
};

/** What an administrator sets: the policy and, optionally, the business hours its business clocks count in. */
export const SlaPolicyInput = z
  .object({
    policy: SlaPolicy,
    businessHours: z
      .object({ calendar: Calendar, timeZone: TimeZone })
      .strict()
      .nullable()
      .default(null)
      .describe("null: Monday–Friday 09:00–18:00 in the subsidiary's time zone"),
  })
  .strict();
export type SlaPolicyInput = z.infer<typeof SlaPolicyInput>;

/** A subsidiary's SLA policy as the API shows it. */
export const SlaPolicyView = z.object({
  subsidiaryId: z.uuid(),
  policy: SlaPolicy,
  businessHours: z.object({ calendar: Calendar, timeZone: z.string() }),
  /** True while the subsidiary has not set a policy of its own. */
  isDefault: z.boolean(),
  version: z.number().int(),
  updatedAt: z.iso.datetime().nullable(),
});
export type SlaPolicyView = z.infer<typeof SlaPolicyView>;

interface StoredPolicy {
  policy: SlaPolicy;
  hours: BusinessHours;
  row: Row<'sla_policies'> | undefined;
}

async function loadPolicy(db: Db, subsidiaryId: string, subsidiaryTimeZone: string): Promise<StoredPolicy> {
  const row = await db
    .selectFrom('sla_policies')
    .selectAll()
    .where('subsidiary_id', '=', subsidiaryId)
    .executeTakeFirst();
  return {
    // Stored only after validation; parsed again so defaults (atRisk) are filled.
    policy: row ? SlaPolicy.parse(row.policy) : DEFAULT_SLA_POLICY,
    hours: {
      calendar: row?.calendar ?? DEFAULT_BUSINESS_CALENDAR,
      timeZone: row?.time_zone ?? subsidiaryTimeZone,
    },
    row,
  };
}

const toView = (subsidiaryId: string, stored: StoredPolicy): SlaPolicyView => ({
  subsidiaryId,
  policy: stored.policy,
  businessHours: { calendar: stored.hours.calendar, timeZone: stored.hours.timeZone },
  isDefault: stored.row === undefined,
  version: stored.row?.version ?? 0,
  updatedAt: stored.row ? new Date(stored.row.updated_at).toISOString() : null,
});

/** A subsidiary's SLA policy and business hours (the defaults until it sets its own). */
export async function getSlaPolicy(db: Db, ctx: Context, subsidiaryId: string): Promise<SlaPolicyView> {
  const subsidiary = await visibleSubsidiaries(db, ctx.actor)
    .select(['id', 'time_zone'])
    .where('id', '=', subsidiaryId)
    .executeTakeFirst();
  if (!subsidiary) throw notFound('subsidiary', subsidiaryId);
  return toView(subsidiaryId, await loadPolicy(db, subsidiaryId, subsidiary.time_zone));
}

/**
 * Set a subsidiary's SLA policy: its own administrators or the group's. Conversations
 * whose clocks already run keep them; new ones count by the new policy.
 */
export async function setSlaPolicy(
  trx: Db,
  ctx: Context,
  subsidiaryId: string,
  input: SlaPolicyInput,
  expectedVersion?: number,
): Promise<SlaPolicyView> {
  // Locked: two administrators setting the policy at once are taken one after the other.
  const subsidiary = await visibleSubsidiaries(trx, ctx.actor)
    .select(['id', 'time_zone'])
    .where('id', '=', subsidiaryId)
    .forUpdate()
    .executeTakeFirst();
  if (!subsidiary) throw notFound('subsidiary', subsidiaryId);
  if (ctx.actor.scope.kind === 'site')
    throw new DomainError(
      'forbidden',
      "only the subsidiary's or the group's administrators may set its SLA policy",
    );
  // If-Match is checked when given: a policy changed since it was read is not overwritten.
  if (expectedVersion !== undefined) {
    const current = await trx
      .selectFrom('sla_policies')
      .select('version')
      .where('subsidiary_id', '=', subsidiaryId)
      .executeTakeFirst();
    assertVersion('SLA policy', current?.version ?? 0, expectedVersion);
  }
  const hours: BusinessHours = input.businessHours ?? {
    calendar: DEFAULT_BUSINESS_CALENDAR,
    timeZone: subsidiary.time_zone,
  };
  // A calendar that never opens would leave every business clock without a due time: refuse it now.
  if (input.policy.targets.some((t) => t.clock === 'business')) {
    const longest = Math.max(...input.policy.targets.map((t) => t.resolutionSeconds)) * 1000;
    dueAt(ctx.now.getTime(), longest, { ...hours, clock: 'business' });
  }
  const values = {
    policy: JSON.stringify(input.policy),
    calendar: input.businessHours ? JSON.stringify(input.businessHours.calendar) : null,
    time_zone: input.businessHours?.timeZone ?? null,
    updated_at: ctx.now,
  };
  await trx
    .insertInto('sla_policies')
    .values({ subsidiary_id: subsidiaryId, ...values })
    .onConflict((oc) =>
      oc.column('subsidiary_id').doUpdateSet((eb) => ({
        ...values,
        version: eb('sla_policies.version', '+', 1),
      })),
    )
    .execute();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'update',
    entity: 'sla_policy',
    entityId: subsidiaryId,
    subsidiaryId,
    changes: input,
  });
  return toView(subsidiaryId, await loadPolicy(trx, subsidiaryId, subsidiary.time_zone));
}

export interface SlaWatchOptions {
  now: () => Date;
  onError?: (error: unknown) => void;
  /** Events were committed to the outbox: publish them soon. */
  onCommitted?: () => void;
}

export interface SlaWatchReport {
  started: number;
  escalated: number;
  /** Resolution clocks paused (pending on the customer) or running again. */
  paused: number;
  resumed: number;
  reported: Array<{ conversationId: string; event: 'sla.at_risk' | 'sla.breached'; clock: ClockKind }>;
}

type ClockKind = 'first_response' | 'resolution';
const RUNNING = ['open', 'assigned', 'pending'] as const;
const ms = (d: Date | string): number => new Date(d).getTime();
const dateOrNull = (n: number | null): Date | null => (n === null ? null : new Date(n));

/** The instants a conversation's clocks fall due and turn at risk. */
function instants(sla: ConversationSla, now: number) {
  const first = slaState(sla.firstResponse, now);
  const resolution = slaState(sla.resolution, now);
  return {
    firstResponseDueAt: dateOrNull(first.dueAt),
    firstResponseAtRiskAt: dateOrNull(first.atRiskAt),
    resolutionDueAt: dateOrNull(resolution.dueAt),
    resolutionAtRiskAt: dateOrNull(resolution.atRiskAt),
  };
}

/**
 * The SLA watcher. The store is the truth: a conversation that runs without clocks gets
 * them (due times from its subsidiary's policy where the caller set none), a conversation
 * whose tier changed gets them again from the tier's target if the policy has one, and a
 * line crossed and not yet reported is reported — claimed by a conditional update in the
 * same transaction as the event, so two watchers never report it twice.
 */
export class SlaWatch {
  readonly #db: Db;
  readonly #options: SlaWatchOptions;
  #chain: Promise<unknown> = Promise.resolve();
  #kicked = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #cleanups: Array<() => Promise<void>> = [];

  constructor(db: Db, options: SlaWatchOptions) {
    this.#db = db;
    this.#options = options;
  }

  /** Check now, then every `everyMs` and whenever kicked. */
  start(everyMs = 5000): void {
    this.#timer = setInterval(() => this.kick(), everyMs);
    this.#timer.unref();
    this.kick();
  }

  /** Run this when the watcher stops (e.g. leave the bus). */
  onStop(cleanup: () => Promise<void>): void {
    this.#cleanups.push(cleanup);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const cleanup of this.#cleanups) await cleanup();
    await this.#chain.catch(() => undefined);
  }

  /** Something changed: check soon, once for many kicks. */
  kick(): void {
    if (this.#kicked || this.#stopped) return;
    this.#kicked = true;
    setImmediate(() => {
      this.#kicked = false;
      if (this.#stopped) return;
      this.sync().catch((error) => this.#options.onError?.(error));
    });
  }

  /** Start clocks, follow escalations and report what is due. Calls run one at a time. */
  sync(): Promise<SlaWatchReport> {
    const run = this.#chain.then(() => this.#check());
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #check(): Promise<SlaWatchReport> {
    const now = this.#options.now();
    const policies = new Map<string, Promise<StoredPolicy>>();
    const policyOf = (subsidiaryId: string, timeZone: string) => {
      let p = policies.get(subsidiaryId);
      if (!p) {
        p = loadPolicy(this.#db, subsidiaryId, timeZone);
        policies.set(subsidiaryId, p);
      }
      return p;
    };
    const report: SlaWatchReport = { started: 0, escalated: 0, paused: 0, resumed: 0, reported: [] };
    report.started = await this.#startClocks(now, policyOf);
    report.escalated = await this.#followEscalations(now, policyOf);
    Object.assign(report, await this.#followPauses(now, policyOf));
    report.reported = await this.#reportDue(now);
    if (report.reported.length > 0) this.#options.onCommitted?.();
    return report;
  }

  async #startClocks(
    now: Date,
    policyOf: (subsidiaryId: string, timeZone: string) => Promise<StoredPolicy>,
  ): Promise<number> {
    const rows = await this.#db
      .selectFrom('conversations as c')
      .innerJoin('subsidiaries as sub', 'sub.id', 'c.subsidiary_id')
      .leftJoin('sla_clocks as s', 's.conversation_id', 'c.id')
      .select([
        'c.id',
        'c.subsidiary_id',
        'sub.time_zone',
        'c.channel',
        'c.priority',
        'c.tier',
        'c.created_at',
        'c.first_response_due_at',
        'c.resolution_due_at',
      ])
      .where('s.conversation_id', 'is', null)
      .where('c.status', 'in', RUNNING)
      .orderBy('c.created_at')
      .limit(1000)
      .execute();
    let started = 0;
    for (const row of rows) {
      const { policy, hours } = await policyOf(row.subsidiary_id, row.time_zone);
      const key = { channel: row.channel, priority: row.priority, tier: row.tier } as SlaKey;
      const sla = startSla(policy, key, ms(row.created_at), hours);
      const at = instants(sla, now.getTime());
      const claimed = await this.#db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('sla_clocks')
          .values({
            conversation_id: row.id,
            subsidiary_id: row.subsidiary_id,
            target: JSON.stringify(sla.target),
            tier: row.tier,
            started_at: new Date(ms(row.created_at)),
            // A due time the caller set has no at-risk share of ours: only its breach is reported.
            first_response_at_risk_at: row.first_response_due_at ? null : at.firstResponseAtRiskAt,
            resolution_at_risk_at: row.resolution_due_at ? null : at.resolutionAtRiskAt,
          })
          .onConflict((oc) => oc.column('conversation_id').doNothing())
          .returning('conversation_id')
          .executeTakeFirst();
        if (!inserted) return false;
        if (!row.first_response_due_at || !row.resolution_due_at) {
          // Derived, not edited: the version stays (store/versioned.ts), so the ETag the creating
          // client holds still works a moment later. A due time someone set meanwhile is kept.
          await trx
            .updateTable('conversations')
            .set({
              first_response_due_at: sql<Date>`coalesce(first_response_due_at, ${at.firstResponseDueAt})`,
              resolution_due_at: sql<Date>`coalesce(resolution_due_at, ${at.resolutionDueAt})`,
              updated_at: now,
            })
            .where('id', '=', row.id)
            .execute();
        }
        return true;
      });
      if (claimed) started += 1;
    }
    return started;
  }

  async #followEscalations(
    now: Date,
    policyOf: (subsidiaryId: string, timeZone: string) => Promise<StoredPolicy>,
  ): Promise<number> {
    const rows = await this.#db
      .selectFrom('conversations as c')
      .innerJoin('subsidiaries as sub', 'sub.id', 'c.subsidiary_id')
      .innerJoin('sla_clocks as s', 's.conversation_id', 'c.id')
      .select([
        'c.id',
        'c.subsidiary_id',
        'sub.time_zone',
        'c.channel',
        'c.priority',
        'c.tier',
        's.tier as clock_tier',
        's.target',
        's.started_at',
        's.pauses',
      ])
      .whereRef('s.tier', '<>', 'c.tier')
      .where('c.status', 'in', RUNNING)
      .execute();
    let escalated = 0;
    for (const row of rows) {
      const { policy, hours } = await policyOf(row.subsidiary_id, row.time_zone);
      const before = { channel: row.channel, priority: row.priority, tier: row.clock_tier } as SlaKey;
      const target = row.target as unknown as SlaTarget;
      // The clocks as they run: their own target (the policy may have changed since).
      const current = withPauses(
        startSla({ targets: [target] }, before, ms(row.started_at), hours),
        row.pauses,
      );
      const next = escalateSla(current, policy, { ...before, tier: row.tier }, now.getTime(), hours);
      const changed = next !== current;
      const at = instants(next, now.getTime());
      const done = await this.#db.transaction().execute(async (trx) => {
        // Claimed on the tier seen: of two watchers, one restarts the clocks.
        const claim = await trx
          .updateTable('sla_clocks')
          .set(
            changed
              ? {
                  tier: row.tier,
                  target: JSON.stringify(next.target),
                  started_at: now,
                  first_response_at_risk_at: at.firstResponseAtRiskAt,
                  resolution_at_risk_at: at.resolutionAtRiskAt,
                  first_response_at_risk_reported: null,
                  first_response_breached_reported: null,
                  resolution_at_risk_reported: null,
                  resolution_breached_reported: null,
                }
              : { tier: row.tier },
          )
          .where('conversation_id', '=', row.id)
          .where('tier', '=', row.clock_tier)
          .executeTakeFirst();
        if (claim.numUpdatedRows !== 1n || !changed) return false;
        // Derived, as in #startClocks: the version stays, and the escalating client's ETag works.
        await trx
          .updateTable('conversations')
          .set({
            first_response_due_at: at.firstResponseDueAt,
            resolution_due_at: at.resolutionDueAt,
            updated_at: now,
          })
          .where('id', '=', row.id)
          .execute();
        return true;
      });
      if (done) escalated += 1;
    }
    return escalated;
  }

  /**
   * The resolution clock stands still while the conversation is pending on the customer:
   * a pause opens when it becomes pending and closes when it is no longer, the due time
   * moving later by the counted time in between (none while paused). Claimed on the pauses
   * seen, so of two watchers one records it. The due time is derived: the version stays.
   */
  async #followPauses(
    now: Date,
    policyOf: (subsidiaryId: string, timeZone: string) => Promise<StoredPolicy>,
  ): Promise<{ paused: number; resumed: number }> {
    const open = sql<boolean>`s.pauses @> '[{"to": null}]'::jsonb`;
    const rows = await this.#db
      .selectFrom('conversations as c')
      .innerJoin('subsidiaries as sub', 'sub.id', 'c.subsidiary_id')
      .innerJoin('sla_clocks as s', 's.conversation_id', 'c.id')
      .select([
        'c.id',
        'c.status',
        'c.subsidiary_id',
        'sub.time_zone',
        'c.channel',
        'c.priority',
        's.tier',
        's.target',
        's.started_at',
        's.pauses',
      ])
      .where('c.status', 'in', RUNNING)
      .where((eb) =>
        eb.or([
          eb.and([eb('c.status', '=', 'pending'), eb.not(open)]),
          eb.and([eb('c.status', '<>', 'pending'), open]),
        ]),
      )
      .execute();
    const counts = { paused: 0, resumed: 0 };
    for (const row of rows) {
      const { hours } = await policyOf(row.subsidiary_id, row.time_zone);
      const key = { channel: row.channel, priority: row.priority, tier: row.tier } as SlaKey;
      const target = row.target as unknown as SlaTarget;
      const current = withPauses(startSla({ targets: [target] }, key, ms(row.started_at), hours), row.pauses);
      const pausing = row.status === 'pending';
      const next = pausing
        ? pauseResolution(current, now.getTime())
        : resumeResolution(current, now.getTime());
      const pauses = next.resolution.counting.paused ?? [];
      const at = instants(next, now.getTime());
      const done = await this.#db.transaction().execute(async (trx) => {
        const claim = await trx
          .updateTable('sla_clocks')
          .set({ pauses: JSON.stringify(pauses), resolution_at_risk_at: at.resolutionAtRiskAt })
          .where('conversation_id', '=', row.id)
          .where(sql<boolean>`pauses = ${JSON.stringify(row.pauses)}::jsonb`)
          .executeTakeFirst();
        if (claim.numUpdatedRows !== 1n) return false;
        await trx
          .updateTable('conversations')
          .set({ resolution_due_at: at.resolutionDueAt, updated_at: now })
          .where('id', '=', row.id)
          .execute();
        return true;
      });
      if (done) counts[pausing ? 'paused' : 'resumed'] += 1;
    }
    return counts;
  }

  async #reportDue(now: Date): Promise<SlaWatchReport['reported']> {
    const rows = await this.#db
      .selectFrom('conversations as c')
      .innerJoin('sla_clocks as s', 's.conversation_id', 'c.id')
      .select([
        'c.id',
        'c.subsidiary_id',
        'c.first_response_due_at',
        'c.resolution_due_at',
        'c.first_responded_at',
        's.first_response_at_risk_at',
        's.resolution_at_risk_at',
        's.first_response_at_risk_reported',
        's.first_response_breached_reported',
        's.resolution_at_risk_reported',
        's.resolution_breached_reported',
      ])
      .where('c.status', 'in', RUNNING)
      .where((eb) =>
        eb.or([
          eb.and([
            eb('c.first_responded_at', 'is', null),
            eb.or([
              eb.and([
                eb('s.first_response_at_risk_at', '<=', now),
                eb('s.first_response_at_risk_reported', 'is', null),
              ]),
              eb.and([
                eb('c.first_response_due_at', '<', now),
                eb('s.first_response_breached_reported', 'is', null),
              ]),
            ]),
          ]),
          eb.and([eb('s.resolution_at_risk_at', '<=', now), eb('s.resolution_at_risk_reported', 'is', null)]),
          eb.and([eb('c.resolution_due_at', '<', now), eb('s.resolution_breached_reported', 'is', null)]),
        ]),
      )
      .orderBy('c.created_at')
      .limit(1000)
      .execute();
    const reported: SlaWatchReport['reported'] = [];
    const t = now.getTime();
    for (const row of rows) {
      type Line = {
        event: 'sla.at_risk' | 'sla.breached';
        clock: ClockKind;
        column:
          | 'first_response_at_risk_reported'
          | 'first_response_breached_reported'
          | 'resolution_at_risk_reported'
          | 'resolution_breached_reported';
        at: Date;
        dueAt: Date | null;
      };
      const lines: Line[] = [];
      const add = (
        event: Line['event'],
        clock: ClockKind,
        column: Line['column'],
        at: Date | null,
        due: Date | null,
        crossed: (at: number) => boolean,
      ) => {
        if (at && row[column] === null && crossed(ms(at)))
          lines.push({ event, clock, column, at, dueAt: due });
      };
      if (row.first_responded_at === null) {
        const due = row.first_response_due_at;
        add(
          'sla.at_risk',
          'first_response',
          'first_response_at_risk_reported',
          row.first_response_at_risk_at,
          due,
          (x) => t >= x,
        );
        add('sla.breached', 'first_response', 'first_response_breached_reported', due, due, (x) => t > x);
      }
      const due = row.resolution_due_at;
      add(
        'sla.at_risk',
        'resolution',
        'resolution_at_risk_reported',
        row.resolution_at_risk_at,
        due,
        (x) => t >= x,
      );
      add('sla.breached', 'resolution', 'resolution_breached_reported', due, due, (x) => t > x);
      if (lines.length === 0) continue;
      const claimed = await this.#db.transaction().execute(async (trx) => {
        const mine: Line[] = [];
        for (const line of lines) {
          const claim = await trx
            .updateTable('sla_clocks')
            .set({ [line.column]: now })
            .where('conversation_id', '=', row.id)
            .where(line.column, 'is', null)
            .executeTakeFirst();
          if (claim.numUpdatedRows !== 1n) continue;
          await recordEvent(trx, line.event, {
            conversationId: row.id,
            subsidiaryId: row.subsidiary_id,
            clock: line.clock,
            at: new Date(line.at).toISOString(),
            dueAt: line.dueAt ? new Date(line.dueAt).toISOString() : null,
          });
          mine.push(line);
        }
        return mine;
      });
      for (const line of claimed)
        reported.push({ conversationId: row.id, event: line.event, clock: line.clock });
    }
    return reported;
  }
}

/** Start the watcher; a bus, when given, makes it check on every event that may change a clock. */
export async function startSlaWatch(
  db: Db,
  options: SlaWatchOptions & { bus?: Bus | undefined; everyMs?: number | undefined },
): Promise<SlaWatch> {
  const watch = new SlaWatch(db, options);
  watch.start(options.everyMs);
  if (options.bus)
    watch.onStop(
      await options.bus.subscribe(
        'sla',
        ['conversation.created', 'conversation.escalated', 'conversation.status_changed', 'message.queued'],
        async () => watch.kick(),
      ),
    );
  return watch;
}
