import { describe, expect, it } from 'vitest';
import { createFixture, freshStore } from '../testing/index.ts';
import { type DemoTrafficActions, startDemoTraffic } from './traffic.ts';
import { arrivalRate, localClock } from './traffic-rate.ts';

// The traffic on the demo world itself is tested in src/server/demo-traffic.test.ts, with
// the commands of the conversations and routing modules the server passes in.

describe('the demo traffic rate', () => {
  const everywhere = (hour: number, served: boolean, weekday = 1) =>
    [0.4, 0.2, 0.15, 0.15, 0.1].map((share) => ({ share, hour, weekday, served }));

  it('is near the configured rate at the busiest hour, never above it', () => {
    const busiest = arrivalRate(12, everywhere(10.5, true));
    expect(busiest.perMinute).toBeGreaterThan(11);
    expect(busiest.perMinute).toBeLessThanOrEqual(12);
  });

  it('keeps a floor at night, so the demo never goes quiet', () => {
    expect(arrivalRate(12, everywhere(3, false)).perMinute).toBeCloseTo(12 * 0.5);
    expect(arrivalRate(12, everywhere(3, false, 0)).perMinute).toBeCloseTo(12 * 0.5);
  });

  it("follows each subsidiary's hour, and sends less to one nobody serves now", () => {
    const { weights } = arrivalRate(12, [
      { share: 0.5, hour: 10.5, weekday: 2, served: true },
      { share: 0.5, hour: 10.5, weekday: 2, served: false },
      { share: 0.5, hour: 4, weekday: 2, served: true },
    ]);
    const [served, unserved, night] = weights as [number, number, number];
    expect(served).toBeGreaterThan(unserved * 3);
    expect(served).toBeGreaterThan(night * 10);
    // A Sunday is quieter than a Tuesday at the same hour.
    const sunday = arrivalRate(12, [{ share: 1, hour: 10.5, weekday: 0, served: true }]).weights[0] ?? 0;
    const tuesday = arrivalRate(12, [{ share: 1, hour: 10.5, weekday: 2, served: true }]).weights[0] ?? 0;
    expect(sunday).toBeLessThan(tuesday / 2);
  });

  it("reads the customers' local hour and weekday, across midnight", () => {
    const at = new Date('2026-11-24T10:00:00Z');
    expect(localClock(at, 'Europe/Paris')).toEqual({ hour: 11, weekday: 2 });
    expect(localClock(at, 'America/Paramaribo')).toEqual({ hour: 7, weekday: 2 });
    expect(localClock(new Date('2026-11-22T23:30:00Z'), 'Indian/Antananarivo')).toEqual({
      hour: 2.5,
      weekday: 1,
    });
  });
});

describe('the demo traffic on a store without the demo world', () => {
  it('does not start, and schedules nothing', async () => {
    const store = await freshStore();
    try {
      await createFixture(store.db);
      const snapshot = async () => ({
        conversations: (await store.db.selectFrom('conversations').select('id').execute()).length,
        presence: await store.db.selectFrom('agents').select(['id', 'presence']).orderBy('id').execute(),
      });
      const before = await snapshot();
      const never = async (): Promise<never> => {
        throw new Error('the traffic must not act on another organisation');
      };
      const actions: DemoTrafficActions = {
        createConversation: never,
        addMessage: never,
        updateConversation: never,
        escalateConversation: never,
      };
      let scheduled = 0;
      const traffic = await startDemoTraffic(store.db, actions, {
        seed: 1,
        perMinute: 60,
        now: () => new Date('2026-11-24T10:00:00Z'),
        schedule: () => {
          scheduled++;
          return () => undefined;
        },
      });
      expect(traffic).toBeUndefined();
      expect(scheduled).toBe(0);
      expect(await snapshot()).toEqual(before);
    } finally {
      await store.close();
    }
  });
});
