// Today's service level: pure (no IO, no clock inside). Instants are milliseconds; `now` is passed in.

/** How long before its first-response due time a waiting conversation counts as at risk. */
export const AT_RISK_WINDOW_MS = 5 * 60_000;

/** A calendar day in a time zone: its date and the instants it starts (included) and ends (excluded). */
export interface LocalDay {
  date: string;
  start: number;
  end: number;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The date (YYYY-MM-DD) an instant falls on in a time zone. */
function localDate(at: number, timeZone: string): string {
  let f = dateFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

// No day is longer than 26 hours (a daylight-saving change, a zone moving across the date line).
const SEARCH_MS = 50 * 3_600_000;

/** The first instant in (lo, hi] at which `reached` holds, given it fails at lo and holds at hi. */
function firstInstant(lo: number, hi: number, reached: (at: number) => boolean): number {
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (reached(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The day `now` falls on in `timeZone`, from its first instant (local midnight, or the first
 * instant after it when a daylight-saving change skips midnight) to the next day's first.
 */
export function localDay(now: number, timeZone: string): LocalDay {
  const date = localDate(now, timeZone);
  return {
    date,
    start: firstInstant(now - SEARCH_MS, now, (at) => localDate(at, timeZone) >= date),
    end: firstInstant(now, now + SEARCH_MS, (at) => localDate(at, timeZone) > date),
  };
}

/** One conversation as the figures read it; due times are the ones its SLA clocks count to. */
export interface SlaRow {
  channel: string;
  status: 'open' | 'assigned' | 'pending' | 'resolved' | 'closed';
  createdAt: number;
  firstRespondedAt: number | null;
  /** Null only when no target applies. */
  firstResponseDueAt: number | null;
  resolvedAt: number | null;
  /** Null while a pause (pending on the customer) stops the clock before it falls due. */
  resolutionDueAt: number | null;
  /** Work a site could take that is not routed to it yet: counted as waiting, nothing else. */
  waitingOnly?: boolean;
}

export interface Figures {
  arrived: number;
  answered: number;
  answeredInTarget: number;
  /** answeredInTarget ÷ answered; null when nothing was answered. */
  serviceLevel: number | null;
  breaches: { firstResponse: number; resolution: number };
  waiting: number;
  atRisk: number;
  /** Mean of first response − arrival over the answered, in whole seconds; null when none. */
  averageSpeedOfAnswerSeconds: number | null;
}

export interface DayFigures {
  total: Figures;
  channels: Array<Figures & { channel: string }>;
}

interface Tally {
  arrived: number;
  answered: number;
  answeredInTarget: number;
  answerMs: number;
  firstResponseBreaches: number;
  resolutionBreaches: number;
  waiting: number;
  atRisk: number;
}

const emptyTally = (): Tally => ({
  arrived: 0,
  answered: 0,
  answeredInTarget: 0,
  answerMs: 0,
  firstResponseBreaches: 0,
  resolutionBreaches: 0,
  waiting: 0,
  atRisk: 0,
});

const within = (at: number, from: number, to: number): boolean => at >= from && at < to;

/** Adds one conversation's part of the figures of `day` as of `now` (see docs/supervisor-guide.md). */
function count(t: Tally, r: SlaRow, day: LocalDay, now: number): void {
  const waiting = (r.status === 'open' || r.status === 'assigned') && r.firstRespondedAt === null;
  if (waiting) {
    t.waiting += 1;
    const due = r.firstResponseDueAt;
    if (due !== null && due >= now && due <= now + AT_RISK_WINDOW_MS) t.atRisk += 1;
  }
  if (r.waitingOnly) return;
  if (within(r.createdAt, day.start, now + 1)) {
    t.arrived += 1;
    if (r.firstRespondedAt !== null && r.firstRespondedAt <= now) {
      t.answered += 1;
      t.answerMs += Math.max(0, r.firstRespondedAt - r.createdAt);
      // An answer at the due instant itself is in time, as the SLA clocks read it.
      if (r.firstResponseDueAt !== null && r.firstRespondedAt <= r.firstResponseDueAt)
        t.answeredInTarget += 1;
    }
  }
  // A breach counts on the day its due time passes, whenever the conversation arrived.
  const firstDue = r.firstResponseDueAt;
  if (
    firstDue !== null &&
    within(firstDue, day.start, now) &&
    (r.firstRespondedAt === null || r.firstRespondedAt > firstDue) &&
    (r.resolvedAt === null || r.resolvedAt > firstDue)
  )
    t.firstResponseBreaches += 1;
  const resolutionDue = r.resolutionDueAt;
  if (
    resolutionDue !== null &&
    within(resolutionDue, day.start, now) &&
    (r.resolvedAt === null || r.resolvedAt > resolutionDue)
  )
    t.resolutionBreaches += 1;
}

const figuresOf = (t: Tally): Figures => ({
  arrived: t.arrived,
  answered: t.answered,
  answeredInTarget: t.answeredInTarget,
  serviceLevel: t.answered === 0 ? null : t.answeredInTarget / t.answered,
  breaches: { firstResponse: t.firstResponseBreaches, resolution: t.resolutionBreaches },
  waiting: t.waiting,
  atRisk: t.atRisk,
  averageSpeedOfAnswerSeconds: t.answered === 0 ? null : Math.round(t.answerMs / t.answered / 1000),
});

const isQuiet = (t: Tally): boolean =>
  t.arrived === 0 &&
  t.waiting === 0 &&
  t.firstResponseBreaches === 0 &&
  t.resolutionBreaches === 0 &&
  t.answered === 0;

/**
 * A subsidiary's figures for `day` as of `now`, in all and per channel (the channel each
 * conversation began on; channels with nothing to show are left out, the others sorted by name).
 */
export function dayFigures(rows: readonly SlaRow[], day: LocalDay, now: number): DayFigures {
  const total = emptyTally();
  const byChannel = new Map<string, Tally>();
  for (const r of rows) {
    count(total, r, day, now);
    let t = byChannel.get(r.channel);
    if (!t) {
      t = emptyTally();
      byChannel.set(r.channel, t);
    }
    count(t, r, day, now);
  }
  return {
    total: figuresOf(total),
    channels: [...byChannel.entries()]
      .filter(([, t]) => !isQuiet(t))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([channel, t]) => ({ channel, ...figuresOf(t) })),
  };
}
