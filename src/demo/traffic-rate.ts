/**
 * How many new conversations the demo traffic brings, and from where: pure, the clock
 * passed in. The day's shape is the routing simulator's built-in curve.
 */

const WEEKDAY_FACTORS = [0.45, 1.1, 1.05, 1, 1, 0.95, 0.65];
const bump = (hour: number, centre: number, width: number, height: number) =>
  height * Math.exp(-((hour - centre) ** 2) / (2 * width ** 2));
/** Quiet nights, a morning peak at 10:30, a second one at 15:00 (the simulator's curve, see routing's simulate.ts). */
const dayCurve = (hour: number): number =>
  0.03 + bump(hour, 10.5, 1.6, 1) + bump(hour, 15, 1.8, 0.8) + bump(hour, 19.5, 1.2, 0.3);
const PEAK = Math.max(...Array.from({ length: 24 * 12 }, (_, i) => dayCurve(i / 12)));
const PEAK_DAY = Math.max(...WEEKDAY_FACTORS);

/** A subsidiary's pull on the traffic now: its share, its customers' hour and day, whether anyone serves it. */
export interface SubsidiaryLoad {
  share: number;
  /** Local time of its customers: hour with fraction, and weekday (0 = Sunday). */
  hour: number;
  weekday: number;
  /** A site serving it is open now. */
  served: boolean;
}

/** Share of the busiest rate that a closed subsidiary's customers still write at (mail, messages for later). */
const CLOSED_FACTOR = 0.3;
/** The demo never goes quiet: at night it still runs at this share of the busiest rate. */
const FLOOR = 0.5;

/**
 * New conversations per minute now, and how they split between subsidiaries: each pulls by
 * its share × the day's curve at its local hour × the weekday, less when nobody serves it.
 * Never more than `perMinute`, never less than FLOOR × `perMinute`.
 */
export function arrivalRate(
  perMinute: number,
  subsidiaries: readonly SubsidiaryLoad[],
): { perMinute: number; weights: number[] } {
  const shares = subsidiaries.reduce((sum, s) => sum + s.share, 0) || 1;
  const weights = subsidiaries.map(
    (s) =>
      (s.share / shares) *
      (dayCurve(s.hour) / PEAK) *
      ((WEEKDAY_FACTORS[s.weekday] ?? 1) / PEAK_DAY) *
      (s.served ? 1 : CLOSED_FACTOR),
  );
  const load = weights.reduce((sum, w) => sum + w, 0);
  return { perMinute: perMinute * Math.min(1, Math.max(FLOOR, load)), weights };
}

const localFormats = new Map<string, Intl.DateTimeFormat>();
/** Hour (with minutes as a fraction) and weekday (0 = Sunday) at `at` in a time zone. */
export function localClock(at: Date, timeZone: string): { hour: number; weekday: number } {
  let format = localFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    localFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? 'Sun');
  return { hour: Number(parts.hour) + Number(parts.minute) / 60, weekday: Math.max(0, weekday) };
}
