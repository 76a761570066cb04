import { recordEvent } from '../bus/index.ts';
import type { Context } from '../core/index.ts';
import { type Db, recordAudit } from '../store/index.ts';

/** Why a snoozed conversation woke: its time came, or the customer wrote first. */
export type WakeCause = 'snooze_ended' | 'customer_message';

/** The status a snoozed conversation wakes to: its assignee's again, else open so routing takes it. */
export const wokenStatus = (assigneeId: string | null): 'assigned' | 'open' =>
  assigneeId ? 'assigned' : 'open';

/** The event and the audit entry of a conversation that woke, in the caller's transaction. */
export async function recordWake(
  trx: Db,
  ctx: Context,
  woken: { id: string; subsidiary_id: string; site_id: string | null; status: string },
  cause: WakeCause,
): Promise<void> {
  await recordEvent(trx, 'conversation.status_changed', {
    conversationId: woken.id,
    from: 'pending',
    to: woken.status,
  });
  await recordAudit(trx, ctx.actor, ctx.requestId, {
    action: 'wake',
    entity: 'conversation',
    entityId: woken.id,
    subsidiaryId: woken.subsidiary_id,
    siteId: woken.site_id,
    changes: { status: { from: 'pending', to: woken.status }, snoozedUntil: null, cause },
  });
}
