import { sql } from 'kysely';
import { z } from 'zod';
import { recordEvent } from '../bus/index.ts';
import { type Context, Instant, invalid, SYSTEM_ACTOR, Text } from '../core/index.ts';
import { assertVersion, type Db, recordAudit } from '../store/index.ts';
import { type Conversation, lockVisible, toConversation } from './conversations.ts';
import { assertTransition, type ConversationStatus } from './status.ts';
import { recordWake } from './wake.ts';

/** The furthest a conversation may be snoozed. */
export const MAX_SNOOZE_DAYS = 90;
const DAY_MS = 86_400_000;

export const SnoozeInput = z
  .object({
    until: Instant.describe('when it wakes: in the future, at most 90 days ahead'),
    reason: Text(500).optional().describe('kept in the audit log'),
  })
  .strict();
export type SnoozeInput = z.infer<typeof SnoozeInput>;

/** Why `until` cannot be a snooze's end, or undefined when it can (pure: `now` is given). */
export function snoozeProblem(until: Date, now: Date): string | undefined {
  if (until.getTime() <= now.getTime()) return 'must be in the future';
  if (until.getTime() > now.getTime() + MAX_SNOOZE_DAYS * DAY_MS)
    return `must be at most ${MAX_SNOOZE_DAYS} days ahead`;
  return undefined;
}

/**
 * Put a conversation aside until a given instant: it becomes pending (its assignee kept)
 * and wakes then, or earlier when the customer writes. Snoozing a snoozed conversation
 * moves its end. An If-Match, when given, must name the current version.
 */
export async function snoozeConversation(
  trx: Db,
  ctx: Context,
  id: string,
  expectedVersion: number | undefined,
  input: SnoozeInput,
): Promise<Conversation> {
  const current = await lockVisible(trx, ctx, id);
  if (expectedVersion !== undefined) assertVersion('conversation', current.version, expectedVersion);
  const until = new Date(input.until);
  const problem = snoozeProblem(until, ctx.now);
  if (problem) throw invalid('until', problem);
  assertTransition(current.status, 'pending');
  const row = await trx
    .updateTable('conversations')
    .set((eb) => ({
      status: 'pending',
      snoozed_until: until,
      version: eb('version', '+', 1),
      updated_at: ctx.now,
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'snooze',
    entity: 'conversation',
    entityId: id,
    subsidiaryId: current.subsidiary_id,
    siteId: current.site_id,
    changes: {
      snoozedUntil: until.toISOString(),
      ...(input.reason ? { reason: input.reason } : {}),
      ...(current.status !== 'pending' ? { status: { from: current.status, to: 'pending' } } : {}),
    },
  });
  if (current.status !== 'pending') {
    await recordEvent(trx, 'conversation.status_changed', {
      conversationId: id,
      from: current.status,
      to: 'pending',
    });
  }
  return toConversation(row);
}

/**
 * Wake the conversations whose snooze has ended: each goes back to its assignee
 * (assigned) or, without one, to open for routing, with its event and audit entry.
 * One conditional update claims them, so two processes never wake one twice; returns
 * how many woke.
 */
export async function wakeDueSnoozes(db: Db, now: Date, limit = 200): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const woken = await trx
      .updateTable('conversations')
      .set((eb) => ({
        status: sql<ConversationStatus>`case when assignee_id is null then 'open' else 'assigned' end`,
        snoozed_until: null,
        version: eb('version', '+', 1),
        updated_at: now,
      }))
      .where(
        'id',
        'in',
        trx
          .selectFrom('conversations')
          .select('id')
          .where('snoozed_until', '<=', now)
          .where('status', '=', 'pending')
          .orderBy('snoozed_until')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      // Checked again on the locked row: another process may have woken it meanwhile.
      .where('snoozed_until', '<=', now)
      .where('status', '=', 'pending')
      .returning(['id', 'subsidiary_id', 'site_id', 'status'])
      .execute();
    const ctx: Context = { actor: SYSTEM_ACTOR, now };
    for (const row of woken) await recordWake(trx, ctx, row, 'snooze_ended');
    return woken.length;
  });
}
