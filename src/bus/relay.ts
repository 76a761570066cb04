import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/index.ts';
import type { Bus } from './bus.ts';

const BATCH = 200;
const CLAIM_MS = 30_000;

/**
 * Move committed events from the outbox to the bus, oldest first: claim a batch (a
 * short transaction, SKIP LOCKED so several processes share the work), publish it with
 * no transaction open, then mark what was published. An event whose publish failed, or
 * whose process died, is claimed again when its claim expires: delivery is at least
 * once, and subscribers recognise a repeat by the event id.
 */
export async function relayOutbox(db: Kysely<Database>, bus: Bus, now: () => Date): Promise<number> {
  const at = now();
  const claimed = await db
    .updateTable('outbox')
    .set((eb) => ({ claimed_until: new Date(at.getTime() + CLAIM_MS), attempts: eb('attempts', '+', 1) }))
    .where(
      'id',
      'in',
      db
        .selectFrom('outbox')
        .select('id')
        .where('published_at', 'is', null)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)]))
        .orderBy('id')
        .limit(BATCH)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
  claimed.sort((a, b) => a.id - b.id);
  const published: number[] = [];
  for (const row of claimed) {
    try {
      await bus.publish({
        id: row.uid,
        seq: row.id,
        name: row.name,
        payload: row.payload,
        at: row.created_at,
      });
      published.push(row.id);
    } catch {
      break; // keep the order: the rest is claimed again after its claim expires
    }
  }
  if (published.length > 0) {
    await db
      .updateTable('outbox')
      .set({ published_at: sql<Date>`now()`, claimed_until: null })
      .where('id', 'in', published)
      .execute();
  }
  return published.length;
}

/** Relay the outbox continuously: every `intervalMs`, and at once when kicked after a commit. */
export function startOutboxRelay(
  db: Kysely<Database>,
  bus: Bus,
  options: { intervalMs?: number; now?: () => Date; onError?: (error: unknown) => void } = {},
): { kick(): void; stop(): Promise<void> } {
  const interval = options.intervalMs ?? 250;
  const now = options.now ?? (() => new Date());
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const pass = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        while (!stopped && (await relayOutbox(db, bus, now)) === BATCH) {
          // a full batch: more may be waiting
        }
      } catch (error) {
        options.onError?.(error);
      }
    })().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        pass();
      }
    });
  };
  const timer = setInterval(pass, interval);
  timer.unref();
  pass();
  return {
    kick: pass,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
