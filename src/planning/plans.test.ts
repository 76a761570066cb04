import { describe, expect, it } from 'vitest';
import { targetSharesOf } from './index.ts';

/** A plan's shares become a routing policy's target shares, which the router takes only up to 1 in all. */
describe('targetSharesOf', () => {
  const total = (shares: Record<string, number>) => Object.values(shares).reduce((a, b) => a + b, 0);

  it('keeps shares that add up to 1 or less as they are', () => {
    expect(targetSharesOf({ par: 0.25, cas: 0.75 })).toEqual({ par: 0.25, cas: 0.75 });
    expect(targetSharesOf({ par: 0.4 })).toEqual({ par: 0.4 });
  });

  it('rounds each share down to 4 decimal places', () => {
    expect(targetSharesOf({ par: 0.123456, cas: 0.876543 })).toEqual({ par: 0.1234, cas: 0.8765 });
  });

  it('takes rounding excess off the largest share so that the sum is at most 1', () => {
    const shares = targetSharesOf({ a: 0.3334, b: 0.3333, c: 0.3334 });
    expect(shares).toEqual({ a: 0.3333, b: 0.3333, c: 0.3334 });
    expect(total(shares)).toBeLessThanOrEqual(1);
  });

  it('keeps every share between 0 and 1 whatever it is given', () => {
    const shares = targetSharesOf({ a: 1.2, b: -0.1, c: 0.5 });
    expect(shares.b).toBe(0);
    expect(total(shares)).toBeLessThanOrEqual(1);
    expect(Object.values(shares).every((s) => s >= 0 && s <= 1)).toBe(true);
  });
});
