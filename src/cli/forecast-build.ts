import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Actor, DomainError, loadConfig, SYSTEM_ACTOR } from '../core/index.ts';
import {
  type CsvSubsidiary,
  comingMonday,
  DEFAULT_HISTORY_WEEKS,
  forecastFromCsv,
  forecastFromHistory,
  type SegmentForecastSet,
} from '../planning/index.ts';
import { storeFor } from '../server/index.ts';
import { type Db, migrate, visibleSubsidiaries } from '../store/index.ts';
import { EXIT, UsageError } from './exit.ts';

// relais forecast build: the forecast of the weeks ahead per segment, from the store's conversation
// history or from past volumes in a CSV file.

type Values = Record<string, string | boolean | undefined>;
type Env = Record<string, string | undefined>;

const text = (values: Values, flag: string): string | undefined => {
  const value = values[flag];
  return typeof value === 'string' ? value : undefined;
};

/** Which flag each field of forecastFromHistory comes from, and its default, to name it in an error. */
const FLAG_OF: Record<string, [string, string]> = {
  weeks: ['weeks', '1'],
  intervalMinutes: ['interval', '30m'],
  historyWeeks: ['history-weeks', String(DEFAULT_HISTORY_WEEKS)],
  start: ['start', ''],
};

function wholeNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()))
    throw new UsageError(`--${flag} ${value}: must be a whole number of weeks`);
  return Number(value);
}

export function startOf(value: string | undefined, now: Date): Date {
  if (value === undefined) return comingMonday(now);
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : null;
  if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value)
    throw new UsageError(`--start ${value}: must be a date such as 2026-11-23 (from 00:00 UTC)`);
  return day;
}

/** The actor the command reads as: the whole group, or one subsidiary given by its code. */
export async function actorFor(db: Db, code: string | undefined): Promise<Actor> {
  if (code === undefined) return SYSTEM_ACTOR;
  const subsidiaries = await db.selectFrom('subsidiaries').select(['id', 'code']).orderBy('code').execute();
  const found = subsidiaries.find((s) => s.code.toLowerCase() === code.trim().toLowerCase());
  if (!found)
    throw new UsageError(
      `--subsidiary ${code}: no subsidiary has this code (${subsidiaries.map((s) => s.code).join(', ') || 'the store has none'})`,
    );
  return { ...SYSTEM_ACTOR, scope: { kind: 'subsidiary', subsidiaryId: found.id } };
}

/** A file the command reads, or a usage error naming its flag. */
export function readText(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--${flag} ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/** The store's subsidiaries a segment CSV names by code, and the ids of those the actor sees. */
export async function csvSubsidiaries(
  db: Db,
  actor: Actor,
): Promise<{ subsidiaries: CsvSubsidiary[]; visible: string[] }> {
  const rows = await db
    .selectFrom('subsidiaries')
    .select(['id', 'code', 'time_zone'])
    .orderBy('code')
    .execute();
  const visible = await visibleSubsidiaries(db, actor).select('id').execute();
  return {
    subsidiaries: rows.map((r) => ({ id: r.id, code: r.code, timeZone: r.time_zone })),
    visible: visible.map((r) => r.id),
  };
}

/** A segment CSV's problems (its lines and columns) as one usage error naming the flag and the file. */
export function csvRefusal(flag: string, path: string, error: DomainError): UsageError {
  const lines = error.issues.map((i) => (i.path === 'csv' ? i.message : `${i.path}: ${i.message}`));
  if (lines.length <= 1) return new UsageError(`--${flag} ${path}: ${lines[0] ?? error.message}`);
  return new UsageError(`--${flag} ${path} is refused:\n${lines.map((l) => `  ${l}`).join('\n')}`);
}

/** Whether a validation error is about a segment CSV's content rather than an option. */
export const aboutCsv = (error: DomainError): boolean =>
  error.issues.some((i) => i.path === 'csv' || i.path.startsWith('line '));

const volume = (v: number) => String(Math.round(v * 10_000) / 10_000);

/** One row per interval and segment: interval_start, subsidiary, language, channel, tier, volume, aht_seconds. */
export function forecastCsv(set: SegmentForecastSet, codes: ReadonlyMap<string, string>): string {
  const lines = ['interval_start,subsidiary,language,channel,tier,volume,aht_seconds'];
  const start = Date.parse(set.start);
  for (let i = 0; i < set.intervals; i++) {
    const at = new Date(start + i * set.intervalMinutes * 60_000).toISOString();
    for (const s of set.segments) {
      lines.push(
        `${at},${codes.get(s.subsidiaryId) ?? s.subsidiaryId},${s.language},${s.channel},${s.tier},${volume(s.volumes[i] ?? 0)},${s.ahtSeconds ?? ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `relais forecast build`: reads the store named by the flags or the environment (with --csv, only
 * its subsidiaries: codes and time zones), writes CSV or JSON.
 */
export async function buildForecast(
  values: Values,
  env: Env,
  intervalMinutes: (value: string) => number,
): Promise<number> {
  const now = new Date();
  const weeks = wholeNumber('weeks', text(values, 'weeks'), 1);
  const historyWeeks = wholeNumber('history-weeks', text(values, 'history-weeks'), DEFAULT_HISTORY_WEEKS);
  const minutes = intervalMinutes(text(values, 'interval') ?? '30m');
  const start = startOf(text(values, 'start'), now);
  const csvPath = text(values, 'csv');
  const past = csvPath === undefined ? undefined : readText('csv', csvPath);
  const merged: Env = { ...env };
  if (typeof values['data-dir'] === 'string') merged.RELAIS_DATA_DIR = values['data-dir'];
  const config = loadConfig(merged);
  // A forecast reads history: an embedded store that does not exist yet has none to read.
  if (!config.DATABASE_URL && (config.RELAIS_MEMORY || !existsSync(join(config.RELAIS_DATA_DIR, 'store'))))
    throw new UsageError(
      past === undefined
        ? `--data-dir ${config.RELAIS_DATA_DIR}: no store there to read history from (relais serve or relais demo makes one; DATABASE_URL reads PostgreSQL)`
        : `--data-dir ${config.RELAIS_DATA_DIR}: no store there, and --csv names subsidiaries by the store's codes (their time zones place the volumes in local days); relais serve or relais demo makes one, DATABASE_URL reads PostgreSQL`,
    );
  const store = await storeFor(config);
  let set: SegmentForecastSet;
  let codes: Map<string, string>;
  try {
    await migrate(store.db);
    const actor = await actorFor(store.db, text(values, 'subsidiary'));
    const options = { start, weeks, intervalMinutes: minutes, historyWeeks };
    try {
      if (past === undefined) set = await forecastFromHistory(store.db, { actor, now }, options);
      else {
        const { subsidiaries, visible } = await csvSubsidiaries(store.db, actor);
        set = forecastFromCsv(past, subsidiaries, {
          ...options,
          ...(visible.length < subsidiaries.length ? { subsidiaryIds: visible } : {}),
        });
      }
    } catch (error) {
      if (error instanceof DomainError && error.code === 'validation_failed') {
        if (csvPath !== undefined && aboutCsv(error)) throw csvRefusal('csv', csvPath, error);
        const issue = error.issues[0];
        const [flag, fallback] = FLAG_OF[issue?.path ?? ''] ?? [issue?.path ?? '', ''];
        const given = text(values, flag) ?? fallback;
        throw new UsageError(`--${flag}${given ? ` ${given}` : ''}: ${issue?.message ?? error.message}`);
      }
      throw error;
    }
    const rows = await store.db.selectFrom('subsidiaries').select(['id', 'code']).execute();
    codes = new Map(rows.map((r) => [r.id, r.code]));
  } finally {
    await store.close();
  }
  const output = values.json ? `${JSON.stringify(set, null, 2)}\n` : forecastCsv(set, codes);
  const out = text(values, 'out');
  if (out === undefined) {
    process.stdout.write(output);
    return EXIT.ok;
  }
  try {
    writeFileSync(out, output);
  } catch (error) {
    throw new UsageError(
      `--out ${out}: cannot write the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  process.stdout.write(
    `forecast of ${set.segments.length} segments × ${set.intervals} intervals of ${set.intervalMinutes} minutes from ${set.start} ` +
      `(history ${set.history.from} … ${set.history.to}, ${volume(set.history.contacts)} contacts) written to ${out}\n`,
  );
  return EXIT.ok;
}
