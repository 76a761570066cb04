import { describe, expect, it } from 'vitest';
import { byRouterOrder, SERVICE_RATE_WINDOW_MS, waitFromServiceRate } from './wait.ts';

const at = (iso: string) => new Date(iso);

describe('estimated waits from the service rate', () => {
  it('is position ÷ the assignments per second over the window', () => {
    // 6 assignments in an hour: one every 600 s.
    expect(waitFromServiceRate(1, 6)).toBe(600);
    expect(waitFromServiceRate(3, 6)).toBe(1800);
    expect(waitFromServiceRate(1, 7)).toBe(514);
    expect(waitFromServiceRate(2, 4, SERVICE_RATE_WINDOW_MS / 2)).toBe(900);
  });

  it('gives no figure when the queue served nobody in the window', () => {
    expect(waitFromServiceRate(1, 0)).toBeNull();
  });

  it('orders waiting work as the router takes it: priority, first-response due time, arrival', () => {
    const work = [
      { id: 'd', priority: 'normal', first_response_due_at: null, created_at: at('2026-11-23T09:00:00Z') },
      {
        id: 'c',
        priority: 'normal',
        first_response_due_at: at('2026-11-23T10:05:00Z'),
        created_at: at('2026-11-23T09:30:00Z'),
      },
      {
        id: 'b',
        priority: 'normal',
        first_response_due_at: at('2026-11-23T10:01:00Z'),
        created_at: at('2026-11-23T09:50:00Z'),
      },
      { id: 'a', priority: 'urgent', first_response_due_at: null, created_at: at('2026-11-23T09:59:00Z') },
      { id: 'e', priority: 'low', first_response_due_at: null, created_at: at('2026-11-23T08:00:00Z') },
      { id: 'f', priority: 'normal', first_response_due_at: null, created_at: at('2026-11-23T09:10:00Z') },
    ] as const;
    expect([...work].sort(byRouterOrder).map((w) => w.id)).toEqual(['a', 'b', 'c', 'd', 'f', 'e']);
  });
});
