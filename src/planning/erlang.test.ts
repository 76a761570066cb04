import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erlangAMetrics, erlangB, erlangC, erlangCMetrics, type QueueMetrics } from './erlang.ts';

/** Erlang C by its textbook definition, summed in log space: an independent check for large cases. */
function erlangCByDefinition(servers: number, traffic: number): number {
  const logTerms: number[] = [];
  let logTerm = 0; // log(A^k / k!)
  for (let k = 0; k <= servers; k++) {
    if (k > 0) logTerm += Math.log(traffic) - Math.log(k);
    logTerms.push(logTerm);
  }
  const last = (logTerms.pop() ?? 0) + Math.log(servers / (servers - traffic));
  const max = Math.max(last, ...logTerms);
  const below = logTerms.reduce((sum, l) => sum + Math.exp(l - max), 0);
  return Math.exp(last - max) / (below + Math.exp(last - max));
}

/**
 * M/M/N+M worked out the long way, for small N: the birth–death chain's stationary law (what an
 * arrival sees), then the tagged contact's progress through the queue, position by position.
 */
function erlangABruteForce(q: {
  servers: number;
  arrivalRate: number;
  handlingSeconds: number;
  patienceSeconds: number;
  withinSeconds: number;
}): QueueMetrics {
  const { servers: n, arrivalRate: lambda, withinSeconds: t } = q;
  const mu = 1 / q.handlingSeconds;
  const theta = 1 / q.patienceSeconds;
  const states = n + 300;
  const weight = [1];
  for (let k = 1; k <= states; k++) {
    const out = k <= n ? k * mu : n * mu + (k - n) * theta;
    weight.push(((weight[k - 1] ?? 0) * lambda) / out);
  }
  const total = weight.reduce((a, b) => a + b, 0);
  const pi = weight.map((w) => w / total);
  // Position m in queue (m − 1 ahead): moves up at Nμ + (m−1)θ, hangs up at θ.
  const positions = states - n + 1;
  const served = [1];
  const waitIfServed = [0]; // E[wait · 1{answered}]
  for (let m = 1; m <= positions; m++) {
    const up = n * mu + (m - 1) * theta;
    const rate = up + theta;
    served.push((up / rate) * (served[m - 1] ?? 0));
    waitIfServed.push((up / rate) * ((served[m - 1] ?? 0) / rate + (waitIfServed[m - 1] ?? 0)));
  }
  // P(answered by time s | position m): du_m/ds = up_m (u_{m−1} − u_m) − θ u_m, u_0 = 1, by RK4.
  const derivative = (u: number[]) =>
    u.map((um, m) => (m === 0 ? 0 : (n * mu + (m - 1) * theta) * ((u[m - 1] ?? 0) - um) - theta * um));
  let u: number[] = Array.from({ length: positions + 1 }, (_, m) => (m === 0 ? 1 : 0));
  const steps = 2000;
  const h = t / steps;
  for (let i = 0; i < steps; i++) {
    const k1 = derivative(u);
    const k2 = derivative(u.map((v, j) => v + (h / 2) * (k1[j] ?? 0)));
    const k3 = derivative(u.map((v, j) => v + (h / 2) * (k2[j] ?? 0)));
    const k4 = derivative(u.map((v, j) => v + h * (k3[j] ?? 0)));
    u = u.map((v, j) => v + (h / 6) * ((k1[j] ?? 0) + 2 * (k2[j] ?? 0) + 2 * (k3[j] ?? 0) + (k4[j] ?? 0)));
  }
  let probWait = 0;
  let answered = 0;
  let inTime = 0;
  let waitOfAnswered = 0;
  let busy = 0;
  pi.forEach((p, k) => {
    busy += p * Math.min(k, n);
    if (k < n) {
      answered += p;
      inTime += p;
      return;
    }
    const m = k - n + 1;
    probWait += p;
    answered += p * (served[m] ?? 0);
    inTime += p * (u[m] ?? 0);
    waitOfAnswered += p * (waitIfServed[m] ?? 0);
  });
  return {
    probWait,
    serviceLevel: inTime,
    asa: waitOfAnswered / answered,
    occupancy: busy / n,
    probAbandon: 1 - answered,
  };
}

function expectClose(actual: QueueMetrics, expected: QueueMetrics, digits: number) {
  for (const key of ['probWait', 'serviceLevel', 'occupancy', 'probAbandon'] as const)
    expect(actual[key], key).toBeCloseTo(expected[key], digits);
  expect(actual.asa / expected.asa, 'asa').toBeCloseTo(1, digits - 1);
}

describe('Erlang B and C', () => {
  it('match the published tables', () => {
    expect(erlangB(2, 1)).toBeCloseTo(0.2, 15); // (1/2) / (1 + 1 + 1/2)
    // Erlang B tables: 10 circuits carry 4.461 Erlangs at 1% blocking, 5.084 at 2%.
    expect(erlangB(10, 4.461)).toBeCloseTo(0.01, 4);
    expect(erlangB(10, 5.084)).toBeCloseTo(0.02, 4);
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 14); // M/M/3 at ρ = 2/3
    // 100 calls per 30 minutes, 180 s each: 10 Erlangs; 14 agents wait 17.41% of the time.
    expect(erlangC(14, 10)).toBeCloseTo(0.1741, 4);
  });

  it('stay finite and exact for thousands of agents', () => {
    const c = erlangC(5000, 4900);
    expect(Number.isFinite(c)).toBe(true);
    expect(c).toBeGreaterThan(0.05);
    expect(c).toBeLessThan(0.15); // Halfin–Whitt: β = 100/√4900 ≈ 1.43 gives about 0.1
    expect(c).toBeCloseTo(erlangCByDefinition(5000, 4900), 10);
    expect(erlangC(20000, 19800)).toBeCloseTo(erlangCByDefinition(20000, 19800), 10);
    expect(erlangB(5000, 4900)).toBeGreaterThan(0);
    // Far more agents than load: the probabilities shrink to 0 without NaN.
    expect(erlangC(5000, 10)).toBe(0);
    const m = erlangCMetrics({
      servers: 5000,
      arrivalRate: 4900 / 180,
      handlingSeconds: 180,
      withinSeconds: 20,
    });
    for (const value of Object.values(m)) expect(Number.isFinite(value)).toBe(true);
    expect(m.serviceLevel).toBeGreaterThan(0.99);
  });

  it('give the example of the planning docs', () => {
    const m = erlangCMetrics({
      servers: 14,
      arrivalRate: 100 / 1800,
      handlingSeconds: 180,
      withinSeconds: 20,
    });
    expect(m.probWait).toBeCloseTo(0.1741, 4);
    expect(m.serviceLevel).toBeCloseTo(0.888, 3);
    expect(m.asa).toBeCloseTo(7.8, 1);
    expect(m.occupancy).toBeCloseTo(0.714, 3);
  });

  it('say a queue with no more agents than Erlangs never drains', () => {
    const m = erlangCMetrics({
      servers: 10,
      arrivalRate: 100 / 1800,
      handlingSeconds: 180,
      withinSeconds: 20,
    });
    expect(m).toMatchObject({ probWait: 1, serviceLevel: 0, asa: Number.POSITIVE_INFINITY, occupancy: 1 });
  });
});

describe('Erlang A', () => {
  const cases = [
    { servers: 3, arrivalRate: 2.5 / 180, handlingSeconds: 180, patienceSeconds: 120, withinSeconds: 20 },
    { servers: 5, arrivalRate: 4 / 240, handlingSeconds: 240, patienceSeconds: 600, withinSeconds: 60 },
    // Overloaded: more Erlangs than agents, held only by abandonment.
    { servers: 3, arrivalRate: 6 / 180, handlingSeconds: 180, patienceSeconds: 60, withinSeconds: 30 },
    { servers: 1, arrivalRate: 1 / 100, handlingSeconds: 50, patienceSeconds: 30, withinSeconds: 10 },
  ];
  for (const q of cases) {
    it(`agrees with the chain worked out state by state (${q.servers} agents, ${(q.arrivalRate * q.handlingSeconds).toFixed(1)} Erlangs, patience ${q.patienceSeconds} s)`, () => {
      expectClose(erlangAMetrics(q), erlangABruteForce(q), 7);
    });
  }

  it('meets Erlang C when patience is endless', () => {
    for (const [servers, traffic] of [
      [14, 10],
      [3, 2],
      [60, 50],
      [520, 500],
    ] as const) {
      const q = { servers, arrivalRate: traffic / 180, handlingSeconds: 180, withinSeconds: 20 };
      const c = erlangCMetrics(q);
      const a = erlangAMetrics({ ...q, patienceSeconds: 1e9 });
      for (const key of ['probWait', 'serviceLevel', 'occupancy', 'probAbandon'] as const)
        expect(a[key], `${key} at N=${servers}`).toBeCloseTo(c[key], 5);
      expect(a.asa / c.asa).toBeCloseTo(1, 4);
    }
  });

  it('stays finite for thousands of agents, short patience and heavy overload', () => {
    const big = erlangAMetrics({
      servers: 5000,
      arrivalRate: 4900 / 180,
      handlingSeconds: 180,
      patienceSeconds: 300,
      withinSeconds: 20,
    });
    for (const value of Object.values(big)) expect(Number.isFinite(value)).toBe(true);
    expect(big.probWait).toBeLessThan(erlangC(5000, 4900));
    // 2000 Erlangs on 100 agents: the queue holds only because 95% hang up (1 − 100/2000);
    // those answered waited about patience × ln(20), the fluid limit.
    const over = erlangAMetrics({
      servers: 100,
      arrivalRate: 2000 / 180,
      handlingSeconds: 180,
      patienceSeconds: 3000,
      withinSeconds: 20,
    });
    expect(over.probAbandon).toBeCloseTo(0.95, 6);
    expect(over.asa / (3000 * Math.log(20))).toBeCloseTo(1, 2);
    expect(over.occupancy).toBeCloseTo(1, 6);
  });
});

describe('more agents never make things worse', () => {
  const handlingSeconds = 180;
  const check = (at: (servers: number) => QueueMetrics, from: number, to: number) => {
    let previous = at(from);
    for (let servers = from + 1; servers <= to; servers++) {
      const m = at(servers);
      const where = `at ${servers} agents`;
      expect(m.serviceLevel, where).toBeGreaterThanOrEqual(previous.serviceLevel - 1e-12);
      expect(m.probWait, where).toBeLessThanOrEqual(previous.probWait + 1e-12);
      expect(m.asa, where).toBeLessThanOrEqual(previous.asa * (1 + 1e-12));
      expect(m.occupancy, where).toBeLessThanOrEqual(previous.occupancy + 1e-12);
      expect(m.probAbandon, where).toBeLessThanOrEqual(previous.probAbandon + 1e-12);
      previous = m;
    }
  };

  for (const traffic of [0.3, 2, 9.5, 40, 250, 1200]) {
    const span = Math.ceil(3 * Math.sqrt(traffic) + 6);
    it(`over a grid of loads: ${traffic} Erlangs, Erlang C and Erlang A`, () => {
      const arrivalRate = traffic / handlingSeconds;
      for (const withinSeconds of [0, 20, 120]) {
        const base = Math.floor(traffic) + 1;
        check(
          (servers) => erlangCMetrics({ servers, arrivalRate, handlingSeconds, withinSeconds }),
          base,
          base + span,
        );
        for (const patienceSeconds of [30, 300, 3600])
          check(
            (servers) =>
              erlangAMetrics({ servers, arrivalRate, handlingSeconds, withinSeconds, patienceSeconds }),
            // From deep overload (what only abandonment holds) up; for large loads from well below it.
            Math.max(1, base - 4 * span),
            base + span,
          );
      }
    });
  }

  it('for any load, handling time, threshold and patience', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 300, noNaN: true }),
        fc.double({ min: 10, max: 1200, noNaN: true }),
        fc.double({ min: 0, max: 300, noNaN: true }),
        fc.double({ min: 5, max: 5000, noNaN: true }),
        fc.integer({ min: 1, max: 400 }),
        (traffic, handling, within, patience, servers) => {
          const q = { arrivalRate: traffic / handling, handlingSeconds: handling, withinSeconds: within };
          const a0 = erlangAMetrics({ ...q, servers, patienceSeconds: patience });
          const a1 = erlangAMetrics({ ...q, servers: servers + 1, patienceSeconds: patience });
          const c0 = erlangCMetrics({ ...q, servers });
          const c1 = erlangCMetrics({ ...q, servers: servers + 1 });
          for (const [m0, m1] of [
            [a0, a1],
            [c0, c1],
          ] as const) {
            for (const m of [m0, m1])
              for (const key of ['probWait', 'serviceLevel', 'occupancy', 'probAbandon'] as const) {
                expect(m[key]).toBeGreaterThanOrEqual(0);
                expect(m[key]).toBeLessThanOrEqual(1);
              }
            expect(m1.serviceLevel).toBeGreaterThanOrEqual(m0.serviceLevel - 1e-12);
            expect(m1.probWait).toBeLessThanOrEqual(m0.probWait + 1e-12);
            expect(m1.asa).toBeLessThanOrEqual(m0.asa * (1 + 1e-12));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
