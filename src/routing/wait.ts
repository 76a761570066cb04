/**
 * Estimated waits from the observed service rate (pure: the caller reads the store and
 * passes what it counted). The queue view (GET /api/queues) and the chat widget's figure
 * use these same functions, so a visitor and a supervisor read the same number.
 */

/** The window over which a queue's service rate is observed. */
export const SERVICE_RATE_WINDOW_MS = 60 * 60 * 1000;

const PRIORITY_RANK = { urgent: 3, high: 2, normal: 1, low: 0 } as const;

/** A waiting conversation as its place in the queue depends on it. */
export interface QueuedWork {
  id: string;
  priority: keyof typeof PRIORITY_RANK;
  first_response_due_at: Date | null;
  created_at: Date;
}

const due = (d: Date | null) => (d ? new Date(d).getTime() : Number.POSITIVE_INFINITY);

/**
 * The order in which an agent who frees capacity takes waiting work, as the router takes
 * it: priority (urgent first), first-response due time (soonest first, none last),
 * arrival, then id.
 */
export function byRouterOrder(a: QueuedWork, b: QueuedWork): number {
  return (
    PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
    due(a.first_response_due_at) - due(b.first_response_due_at) ||
    new Date(a.created_at).getTime() - new Date(b.created_at).getTime() ||
    a.id.localeCompare(b.id)
  );
}

/**
 * The estimated wait, in whole seconds, of the item at `position` (1 = next) in a queue
 * that had `served` assignments over the last `windowMs`: position ÷ the service rate.
 * Null when nothing was served in the window: there is no rate to go on.
 */
export function waitFromServiceRate(
  position: number,
  served: number,
  windowMs: number = SERVICE_RATE_WINDOW_MS,
): number | null {
  if (served <= 0) return null;
  const perSecond = (served * 1000) / windowMs;
  return Math.round(position / perSecond);
}
