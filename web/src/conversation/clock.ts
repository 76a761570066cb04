import { useEffect, useState } from 'react';

/** The current time, renewed every `everyMs` (aligned to the minute when it is a minute): live countdowns and clocks. */
export function useNow(everyMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    let timer: number | undefined;
    const tick = () => {
      setNow(new Date());
      // Aligned to the boundary, so a clock showing minutes turns when the minute does.
      timer = window.setTimeout(tick, everyMs - (Date.now() % everyMs) + 20);
    };
    timer = window.setTimeout(tick, everyMs - (Date.now() % everyMs) + 20);
    return () => window.clearTimeout(timer);
  }, [everyMs]);
  return now;
}

/** A span of time as Intl.RelativeTimeFormat says it ("in 12 minutes", "3 minutes ago"), in the largest fitting unit. */
export function relativeTime(language: string, fromNowMs: number): string {
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'always' });
  const minutes = Math.round(fromNowMs / 60_000);
  if (Math.abs(minutes) < 60) return format.format(minutes, 'minute');
  const hours = Math.round(fromNowMs / 3_600_000);
  if (Math.abs(hours) < 48) return format.format(hours, 'hour');
  return format.format(Math.round(fromNowMs / 86_400_000), 'day');
}

/** A file size in the agent's language: "812 B", "1.4 MB". */
export function fileSize(language: string, bytes: number): string {
  const [value, unit] =
    bytes >= 1_000_000
      ? [bytes / 1_000_000, 'megabyte']
      : bytes >= 1_000
        ? [bytes / 1_000, 'kilobyte']
        : [bytes, 'byte'];
  return new Intl.NumberFormat(language, {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: 1,
  }).format(value);
}
