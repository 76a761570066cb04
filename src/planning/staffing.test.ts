import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/index.ts';
import {
  agentsWithShrinkage,
  deferredAgents,
  evaluateAgents,
  requiredAgents,
  type StaffingInput,
} from './staffing.ts';

const example: StaffingInput = {
  contacts: 100,
  intervalSeconds: 1800,
  handlingSeconds: 180,
  target: { level: 0.8, withinSeconds: 20 },
};

function refusal(run: () => unknown): { path: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    const e = error as DomainError;
    expect(e.code).toBe('validation_failed');
    return { path: e.issues[0]?.path, message: e.message };
  }
  throw new Error('expected a refusal');
}

describe('requiredAgents', () => {
  it('finds the fewest agents for 80% in 20 s: 14 for 100 calls of 180 s in half an hour, 20 with 30% shrinkage', () => {
    const result = requiredAgents({ ...example, shrinkage: 0.3 });
    expect(result).toMatchObject({
      model: 'erlang-c',
      agents: 14,
      agentsWithShrinkage: 20,
      meetsTarget: true,
    });
    expect(result.traffic).toBeCloseTo(10, 12);
    expect(result.probWait).toBeCloseTo(0.1741, 4);
    expect(result.serviceLevel).toBeCloseTo(0.888, 3);
    expect(result.asa).toBeCloseTo(7.8, 1);
    expect(result.occupancy).toBeCloseTo(0.714, 3);
    // One fewer misses the target.
    expect(evaluateAgents(example, 13).meetsTarget).toBe(false);
    expect(evaluateAgents(example, 13).serviceLevel).toBeLessThan(0.8);
  });

  it('adds agents for a tighter speed of answer or a ceiling on occupancy', () => {
    expect(requiredAgents({ ...example, maxAsaSeconds: 5 }).agents).toBe(15);
    expect(requiredAgents({ ...example, maxOccupancy: 0.7 }).agents).toBe(15); // 10/14 = 71% > 70%
    expect(requiredAgents({ ...example, maxOccupancy: 0.5 }).agents).toBe(20);
    expect(requiredAgents({ ...example, target: { level: 0.95, withinSeconds: 20 } }).agents).toBe(16);
  });

  it('with patience (Erlang A) counts the callers who hang up and needs no more agents than Erlang C', () => {
    const a = requiredAgents({ ...example, patienceSeconds: 300 });
    expect(a.model).toBe('erlang-a');
    expect(a.agents).toBeLessThanOrEqual(14);
    expect(a.probAbandon).toBeGreaterThan(0);
    expect(a.probAbandon).toBeLessThan(0.05);
    expect(evaluateAgents({ ...example, patienceSeconds: 300 }, a.agents - 1).meetsTarget).toBe(false);
    // Overload that Erlang C cannot hold: Erlang A still answers, with many hanging up.
    const over = evaluateAgents({ ...example, patienceSeconds: 120 }, 8);
    expect(over.probAbandon).toBeGreaterThan(0.15);
    expect(over.meetsTarget).toBe(false);
    expect(evaluateAgents(example, 8)).toMatchObject({ serviceLevel: 0, probWait: 1, meetsTarget: false });
  });

  it('scales to thousands of agents', () => {
    const big = requiredAgents({ ...example, contacts: 49_000 }); // 4900 Erlangs
    expect(big.agents).toBeGreaterThan(4900);
    expect(big.agents).toBeLessThan(5000);
    expect(evaluateAgents({ ...example, contacts: 49_000 }, big.agents - 1).meetsTarget).toBe(false);
    const patient = requiredAgents({ ...example, contacts: 49_000, patienceSeconds: 300 });
    expect(patient.agents).toBeLessThanOrEqual(big.agents);
  });

  it('staffs chat as k slots per agent, each chat holding one slot for its whole duration', () => {
    const chat = { ...example, contacts: 300, handlingSeconds: 600, concurrency: 3 };
    const result = requiredAgents(chat);
    // 100 Erlangs of chats on 3 slots per agent: the same as the fewest slots, in whole agents.
    const slots = requiredAgents({ ...chat, concurrency: 1 }).agents;
    expect(result.agents).toBe(Math.ceil(slots / 3));
    expect(result.traffic).toBeCloseTo(100, 10);
    expect(result.occupancy).toBeCloseTo(100 / (result.agents * 3), 10);
    expect(evaluateAgents(chat, result.agents - 1).meetsTarget).toBe(false);
  });

  it('needs no agents when no contact comes', () => {
    expect(requiredAgents({ ...example, contacts: 0 })).toMatchObject({
      agents: 0,
      serviceLevel: 1,
      probWait: 0,
    });
  });

  it('refuses bad input, naming the field', () => {
    expect(refusal(() => requiredAgents({ ...example, contacts: -1 })).path).toBe('contacts');
    expect(refusal(() => requiredAgents({ ...example, handlingSeconds: 0 })).path).toBe('handlingSeconds');
    expect(refusal(() => requiredAgents({ ...example, intervalSeconds: 7 * 60 })).path).toBe(
      'intervalSeconds',
    );
    expect(
      refusal(() => requiredAgents({ ...example, target: { level: 1.2, withinSeconds: 20 } })).path,
    ).toBe('target.level');
    expect(refusal(() => requiredAgents({ ...example, target: { level: 1, withinSeconds: 20 } })).path).toBe(
      'target.level',
    );
    expect(refusal(() => requiredAgents({ ...example, shrinkage: 1 })).path).toBe('shrinkage');
    expect(refusal(() => requiredAgents({ ...example, maxOccupancy: 1.5 })).path).toBe('maxOccupancy');
    expect(refusal(() => requiredAgents({ ...example, patienceSeconds: 0 })).path).toBe('patienceSeconds');
    expect(refusal(() => requiredAgents({ ...example, concurrency: 1.5 })).path).toBe('concurrency');
    expect(refusal(() => evaluateAgents(example, -2)).path).toBe('agents');
  });
});

describe('agentsWithShrinkage', () => {
  it('rounds up what is left after shrinkage, without binary-fraction surprises', () => {
    expect(agentsWithShrinkage(14, 0.3)).toBe(20);
    expect(agentsWithShrinkage(21, 0.3)).toBe(30); // 21 / (1 − 0.3) is 30.000000000000004 in floating point
    expect(agentsWithShrinkage(15, 0.3)).toBe(22);
    expect(agentsWithShrinkage(14, 0)).toBe(14);
    expect(agentsWithShrinkage(0, 0.35)).toBe(0);
  });
});

describe('deferredAgents', () => {
  const email = { itemsPerDay: 1200, handlingSeconds: 300, businessHoursPerDay: 8 };

  it('with a deadline of a business day or more, staffs the day’s items over the business hours', () => {
    expect(deferredAgents({ ...email, slaHours: 24 })).toMatchObject({
      itemsPerHour: 150,
      workload: 12.5,
      agents: 13,
    });
    expect(deferredAgents({ ...email, slaHours: 8 }).agents).toBe(13);
  });

  it('with a shorter deadline, clears the night’s backlog and what keeps arriving within it', () => {
    // 50 emails an hour around the clock: 800 wait at opening; within 4 h, 800 + 200 = 1000 items.
    const short = deferredAgents({ ...email, slaHours: 4, shrinkage: 0.25 });
    expect(short.itemsPerHour).toBeCloseTo(250, 10);
    expect(short.workload).toBeCloseTo(20.833, 3);
    expect(short).toMatchObject({ agents: 21, agentsWithShrinkage: 28 });
    // Post opened in the office arrives only in business hours: no backlog at opening.
    expect(deferredAgents({ ...email, slaHours: 4, arrivalHoursPerDay: 8 }).agents).toBe(13);
  });

  it('refuses bad input, naming the field', () => {
    expect(refusal(() => deferredAgents({ ...email, slaHours: 0 })).path).toBe('slaHours');
    expect(refusal(() => deferredAgents({ ...email, slaHours: 8, itemsPerDay: -3 })).path).toBe(
      'itemsPerDay',
    );
    expect(refusal(() => deferredAgents({ ...email, slaHours: 8, handlingSeconds: 0 })).path).toBe(
      'handlingSeconds',
    );
    expect(refusal(() => deferredAgents({ ...email, slaHours: 8, businessHoursPerDay: 25 })).path).toBe(
      'businessHoursPerDay',
    );
    expect(refusal(() => deferredAgents({ ...email, slaHours: 8, arrivalHoursPerDay: 6 })).path).toBe(
      'arrivalHoursPerDay',
    );
  });
});
