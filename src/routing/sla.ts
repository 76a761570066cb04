// SLA clocks: pure (no IO, no clock inside). Instants and durations are milliseconds; `now` is passed in.
import { z } from 'zod';
import { Channel, DomainError, Tier } from '../core/index.ts';
import { openIntervals } from '../organisation/index.ts';
import type { SiteCalendar } from '../store/index.ts';

// The conversations module's priorities; repeated here so this pure file loads nothing with IO.
const Priority = z.enum(['low', 'normal', 'high', 'urgent']);

/** `business`: only the time the business calendar is open counts; `always`: every second counts. */
export const SlaClockMode = z.enum(['business', 'always']);
export type SlaClockMode = z.infer<typeof SlaClockMode>;

const YEAR_SECONDS = 366 * 86_400;
const Seconds = z
  .number()
  .int('must be a whole number of seconds')
  .positive('must be more than zero seconds')
  .max(YEAR_SECONDS, 'must be at most a year');

/** One target: which work it applies to (a missing field matches every value) and how long it may take. */
export const SlaTarget = z
  .object({
    channel: Channel.optional(),
    priority: Priority.optional(),
    tier: Tier.optional(),
    firstResponseSeconds: Seconds,
    resolutionSeconds: Seconds,
    clock: SlaClockMode,
    /** Share of the target used (0–1, both excluded) from which the clock is "at risk". */
    atRisk: z
      .number()
      .gt(0, 'must be above 0 (a share of the target, such as 0.8)')
      .lt(1, 'must be below 1 (a share of the target, such as 0.8)')
      .default(0.8),
  })
  .strict()
  .refine((t) => t.resolutionSeconds >= t.firstResponseSeconds, {
    message: 'resolutionSeconds must not be shorter than firstResponseSeconds',
    path: ['resolutionSeconds'],
  });
export type SlaTarget = z.infer<typeof SlaTarget>;

const keyOf = (t: Pick<SlaTarget, 'channel' | 'priority' | 'tier'>): string =>
  `${t.channel ?? '*'}/${t.priority ?? '*'}/${t.tier ?? '*'}`;

/**
 * A subsidiary's SLA policy: its targets, one of which has no channel, priority or tier
 * (the default). No two targets share the same (channel, priority, tier).
 */
export const SlaPolicy = z
  .object({ targets: z.array(SlaTarget).min(1).max(500) })
  .strict()
  .superRefine((policy, ctx) => {
    const seen = new Map<string, number>();
    policy.targets.forEach((t, i) => {
      const key = keyOf(t);
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', i],
          message: `targets ${first} and ${i} both apply to channel ${t.channel ?? 'any'}, priority ${t.priority ?? 'any'}, tier ${t.tier ?? 'any'}`,
        });
      } else seen.set(key, i);
    });
    if (!seen.has('*/*/*')) {
      ctx.addIssue({
        code: 'custom',
        path: ['targets'],
        message: 'needs a default target (no channel, priority or tier) so that every conversation has one',
      });
    }
  });
export type SlaPolicy = z.infer<typeof SlaPolicy>;

const HOUR = 3600;

/**
 * The policy a subsidiary gets until it sets its own, after the examples of the routing
 * issue: chat answered within 60 seconds around the clock, social comments within 30
 * minutes and email within 24 business hours.
 */
export const DEFAULT_SLA_POLICY: SlaPolicy = SlaPolicy.parse({
  targets: [
    { firstResponseSeconds: 24 * HOUR, resolutionSeconds: 72 * HOUR, clock: 'business' },
    { channel: 'email', firstResponseSeconds: 24 * HOUR, resolutionSeconds: 72 * HOUR, clock: 'business' },
    {
      channel: 'email',
      priority: 'urgent',
      firstResponseSeconds: 4 * HOUR,
      resolutionSeconds: 24 * HOUR,
      clock: 'business',
    },
    { channel: 'chat', firstResponseSeconds: 60, resolutionSeconds: HOUR, clock: 'always' },
    { channel: 'voice', firstResponseSeconds: 20, resolutionSeconds: HOUR, clock: 'always' },
    { channel: 'social', firstResponseSeconds: 30 * 60, resolutionSeconds: 24 * HOUR, clock: 'business' },
    { channel: 'whatsapp', firstResponseSeconds: HOUR, resolutionSeconds: 24 * HOUR, clock: 'business' },
    { channel: 'sms', firstResponseSeconds: HOUR, resolutionSeconds: 24 * HOUR, clock: 'business' },
    { channel: 'mail', firstResponseSeconds: 40 * HOUR, resolutionSeconds: 80 * HOUR, clock: 'business' },
  ],
});

/** What a target is chosen by. */
export interface SlaKey {
  channel: Channel;
  priority: z.infer<typeof Priority>;
  tier: Tier;
}

// Weights of a specified field: a tier target beats any other, then channel, then priority.
const specificity = (t: SlaTarget): number =>
  (t.tier !== undefined ? 4 : 0) + (t.channel !== undefined ? 2 : 0) + (t.priority !== undefined ? 1 : 0);

/**
 * The target that applies to a conversation: among the targets whose given fields all
 * match, the most specific (tier over channel over priority; see docs/routing.md).
 */
export function slaTargetFor(policy: SlaPolicy, key: SlaKey): SlaTarget {
  let best: SlaTarget | undefined;
  for (const t of policy.targets) {
    if (t.channel !== undefined && t.channel !== key.channel) continue;
    if (t.priority !== undefined && t.priority !== key.priority) continue;
    if (t.tier !== undefined && t.tier !== key.tier) continue;
    if (!best || specificity(t) > specificity(best)) best = t;
  }
  if (!best) throw new DomainError('validation_failed', 'the SLA policy has no default target');
  return best;
}

/** The business calendar a clock counts in, read in its IANA time zone. */
export interface BusinessHours {
  calendar: SiteCalendar;
  timeZone: string;
}

/** A time the clock stood still (the conversation waited on the customer); `to: null` is still paused. */
export interface SlaPause {
  from: number;
  to: number | null;
}

/** How a clock counts time: which mode, which calendar, and when it was paused. */
export interface SlaCounting extends BusinessHours {
  clock: SlaClockMode;
  paused?: readonly SlaPause[] | undefined;
}

const DAY_MS = 86_400_000;
const WINDOW_MS = 14 * DAY_MS;
// Beyond this, a business calendar is taken to never open enough for the target.
const HORIZON_MS = 5 * 366 * DAY_MS;

type Span = [number, number];

function mergedPauses(paused: readonly SlaPause[] | undefined): Span[] {
  const spans = (paused ?? [])
    .map((p): Span => [p.from, p.to ?? Number.POSITIVE_INFINITY])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

/** The instants in [from, to) that count, as sorted disjoint spans. */
function countingSpans(from: number, to: number, counting: SlaCounting, pauses: Span[]): Span[] {
  const open: Span[] =
    counting.clock === 'always'
      ? [[from, to]]
      : openIntervals(counting.calendar, counting.timeZone, new Date(from), new Date(to)).map(
          (i): Span => [i.start.getTime(), i.end.getTime()],
        );
  if (pauses.length === 0) return open;
  const result: Span[] = [];
  for (const [a, b] of open) {
    let cursor = a;
    for (const [p, q] of pauses) {
      if (q <= cursor || p >= b) continue;
      if (p > cursor) result.push([cursor, p]);
      cursor = Math.max(cursor, q);
      if (cursor >= b) break;
    }
    if (cursor < b) result.push([cursor, b]);
  }
  return result;
}

/**
 * The first instant at which `durationMs` of counted time has passed since `start`:
 * business time in the calendar's own zone (nights, weekends, holidays, daylight-saving
 * changes skipped) or wall time, less any pause. Null when a pause still open stops the
 * clock before then. Throws when the calendar does not open enough within five years.
 */
export function dueAt(start: number, durationMs: number, counting: SlaCounting): number | null {
  if (durationMs < 0) throw new DomainError('validation_failed', 'an SLA duration cannot be negative');
  const pauses = mergedPauses(counting.paused);
  if (durationMs === 0) return start;
  if (counting.clock === 'always' && pauses.length === 0) return start + durationMs;
  const stoppedFrom = pauses.find(([, q]) => q === Number.POSITIVE_INFINITY)?.[0];
  let remaining = durationMs;
  // Most targets fall within days: look three days ahead first, then a fortnight at a time.
  for (let from = start, window = 3 * DAY_MS; from < start + HORIZON_MS; from += window, window = WINDOW_MS) {
    for (const [a, b] of countingSpans(from, from + window, counting, pauses)) {
      if (b - a >= remaining) return a + remaining;
      remaining -= b - a;
    }
    if (stoppedFrom !== undefined && stoppedFrom < from + window) return null;
  }
  throw new DomainError(
    'validation_failed',
    `the business calendar (${counting.timeZone}) does not open long enough within five years for an SLA target of ${durationMs / 1000} s`,
  );
}

/** The counted time (business or wall time, less pauses) between two instants, in milliseconds. */
export function elapsed(start: number, end: number, counting: SlaCounting): number {
  if (end <= start) return 0;
  const pauses = mergedPauses(counting.paused);
  if (counting.clock === 'always' && pauses.length === 0) return end - start;
  let total = 0;
  for (let from = start; from < end; from += WINDOW_MS) {
    for (const [a, b] of countingSpans(from, Math.min(from + WINDOW_MS, end), counting, pauses))
      total += b - a;
  }
  return total;
}

/** One running clock of a conversation: its first response or its resolution. */
export interface SlaClock {
  kind: 'first_response' | 'resolution';
  startedAt: number;
  targetMs: number;
  /** Share of the target (0–1) from which the clock is at risk. */
  atRisk: number;
  counting: SlaCounting;
  /** When the target was met (first reply sent, conversation resolved); the clock reads as of then. */
  stoppedAt: number | null;
}

export type SlaStateName = 'ok' | 'at_risk' | 'breached';

/** A clock read at an instant. */
export interface SlaReading {
  kind: SlaClock['kind'];
  state: SlaStateName;
  elapsedMs: number;
  /** Counted time left before the target; negative once overdue (in counted time). */
  remainingMs: number;
  /** When the clock is due; null while a pause stops it first. */
  dueAt: number | null;
  /** When the clock becomes at risk; null while a pause stops it first. */
  atRiskAt: number | null;
  stopped: boolean;
}

/**
 * Reads a clock at `now` (or when it was stopped, if earlier): at risk from the at-risk
 * share of the target, breached once `now` is past the due instant — an answer at the
 * due instant itself is in time.
 */
export function slaState(clock: SlaClock, now: number): SlaReading {
  const at = clock.stoppedAt !== null ? Math.min(now, clock.stoppedAt) : now;
  const due = dueAt(clock.startedAt, clock.targetMs, clock.counting);
  const atRiskAt = dueAt(clock.startedAt, Math.ceil(clock.targetMs * clock.atRisk), clock.counting);
  const spent = elapsed(clock.startedAt, at, clock.counting);
  const state: SlaStateName =
    due !== null && at > due ? 'breached' : atRiskAt !== null && at >= atRiskAt ? 'at_risk' : 'ok';
  return {
    kind: clock.kind,
    state,
    elapsedMs: spent,
    remainingMs: clock.targetMs - spent,
    dueAt: due,
    atRiskAt,
    stopped: clock.stoppedAt !== null && clock.stoppedAt <= now,
  };
}

/** An SLA event the assignment service publishes. */
export interface SlaEvent {
  type: 'sla.at_risk' | 'sla.breached';
  kind: SlaClock['kind'];
  /** The instant the clock crossed the line. */
  at: number;
}

const rank: Record<SlaStateName, number> = { ok: 0, at_risk: 1, breached: 2 };

/**
 * The events between two readings of one clock (the previous one null at the first
 * reading): each line crossed once, in order. A clock that went from ok to breached
 * between two readings reports both.
 */
export function slaTransitions(previous: SlaReading | null, current: SlaReading): SlaEvent[] {
  const before = previous ? rank[previous.state] : 0;
  const after = rank[current.state];
  const events: SlaEvent[] = [];
  if (before < 1 && after >= 1) {
    events.push({ type: 'sla.at_risk', kind: current.kind, at: current.atRiskAt ?? current.dueAt ?? 0 });
  }
  if (before < 2 && after >= 2)
    events.push({ type: 'sla.breached', kind: current.kind, at: current.dueAt ?? 0 });
  return events;
}

/** Both clocks of a conversation and the target they were set from. */
export interface ConversationSla {
  target: SlaTarget;
  firstResponse: SlaClock;
  resolution: SlaClock;
}

const clocksFrom = (
  target: SlaTarget,
  startedAt: number,
  hours: BusinessHours,
  paused: readonly SlaPause[],
): ConversationSla => {
  const counting = { calendar: hours.calendar, timeZone: hours.timeZone, clock: target.clock };
  return {
    target,
    firstResponse: {
      kind: 'first_response',
      startedAt,
      targetMs: target.firstResponseSeconds * 1000,
      atRisk: target.atRisk,
      counting,
      stoppedAt: null,
    },
    resolution: {
      kind: 'resolution',
      startedAt,
      targetMs: target.resolutionSeconds * 1000,
      atRisk: target.atRisk,
      counting: { ...counting, paused },
      stoppedAt: null,
    },
  };
};

/** Starts the clocks of a new conversation from the target that applies to it. */
export function startSla(
  policy: SlaPolicy,
  key: SlaKey,
  startedAt: number,
  hours: BusinessHours,
): ConversationSla {
  return clocksFrom(slaTargetFor(policy, key), startedAt, hours, []);
}

/**
 * The clocks after an escalation to `key.tier` at `at`: unchanged unless a target for
 * that tier wins, in which case both clocks restart at `at` on the tier's target (the
 * resolution clock keeps its pauses).
 */
export function escalateSla(
  current: ConversationSla,
  policy: SlaPolicy,
  key: SlaKey,
  at: number,
  hours: BusinessHours,
): ConversationSla {
  const target = slaTargetFor(policy, key);
  if (target.tier === undefined || keyOf(target) === keyOf(current.target)) return current;
  return clocksFrom(target, at, hours, current.resolution.counting.paused ?? []);
}

/** The clocks with the resolution clock's pauses as stored (the watcher rebuilds clocks from the store). */
export function withPauses(sla: ConversationSla, paused: readonly SlaPause[]): ConversationSla {
  if (paused.length === 0) return sla;
  return {
    ...sla,
    resolution: { ...sla.resolution, counting: { ...sla.resolution.counting, paused } },
  };
}

/** The resolution clock paused from `at` (the conversation now waits on the customer). */
export function pauseResolution(sla: ConversationSla, at: number): ConversationSla {
  const paused = sla.resolution.counting.paused ?? [];
  if (paused.some((p) => p.to === null)) return sla;
  return {
    ...sla,
    resolution: {
      ...sla.resolution,
      counting: { ...sla.resolution.counting, paused: [...paused, { from: at, to: null }] },
    },
  };
}

/** The resolution clock running again from `at` (the customer answered). */
export function resumeResolution(sla: ConversationSla, at: number): ConversationSla {
  const paused = (sla.resolution.counting.paused ?? []).map((p) =>
    p.to === null ? { from: p.from, to: Math.max(p.from, at) } : p,
  );
  return { ...sla, resolution: { ...sla.resolution, counting: { ...sla.resolution.counting, paused } } };
}
