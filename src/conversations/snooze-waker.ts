import type { Db } from '../store/index.ts';
import { wakeDueSnoozes } from './snooze.ts';

export interface SnoozeWaker {
  /** Look for ended snoozes now. */
  kick(): void;
  stop(): Promise<void>;
}

/**
 * Wake snoozed conversations when their time comes: at start (snoozes are stored, so
 * those that ended while no process ran wake at once) and every `everyMs` after.
 * Errors go to `onError` and the loop goes on; `onWoken` is told after a commit that
 * woke some (to publish their events).
 */
export function startSnoozeWaker(
  db: Db,
  options: {
    now: () => Date;
    onError?: (error: unknown) => void;
    onWoken?: (count: number) => void;
    everyMs?: number;
  },
): SnoozeWaker {
  const everyMs = options.everyMs ?? 15_000;
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  const run = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          let woken: number;
          do {
            woken = await wakeDueSnoozes(db, options.now());
            if (woken > 0) options.onWoken?.(woken);
          } while (woken > 0 && !stopped);
        } catch (error) {
          options.onError?.(error);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = undefined;
    });
  };
  const timer = setInterval(run, everyMs);
  timer.unref();
  run();
  return {
    kick: run,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
