// How many agents a stream of contacts needs: the targets (service level, speed of answer,
// occupancy), shrinkage, chat concurrency, and deferred work that is cleared by a deadline
// rather than answered live. Pure: numbers in, numbers out.
import { invalid } from '../core/index.ts';
import { erlangAMetrics, erlangCMetrics, type QueueMetrics } from './erlang.ts';

const DAY_SECONDS = 86_400;

/** A service-level target: `level` (0–1) of the contacts answered within `withinSeconds`. */
export interface ServiceTarget {
  level: number;
  withinSeconds: number;
}

/** A live channel's load in one interval and what it must achieve. */
export interface StaffingInput {
  /** Contacts offered in the interval. */
  contacts: number;
  /** Length of the interval in seconds; it must divide the day. */
  intervalSeconds: number;
  /** Mean handling time in seconds (talk and wrap-up; for chat, one chat's whole duration). */
  handlingSeconds: number;
  target: ServiceTarget;
  /** Mean patience of a waiting customer in seconds: given, the model is Erlang A; absent, Erlang C. */
  patienceSeconds?: number;
  /** Highest average speed of answer accepted, in seconds. */
  maxAsaSeconds?: number;
  /** Highest share of time agents may spend handling contacts (0–1]. */
  maxOccupancy?: number;
  /** Share of paid time not spent on contacts (breaks, training, absence), [0, 1). */
  shrinkage?: number;
  /** Contacts one agent handles at once (chat); 1 for calls. */
  concurrency?: number;
}

export interface StaffingResult extends QueueMetrics {
  model: 'erlang-c' | 'erlang-a';
  /** Agents handling contacts during the interval. */
  agents: number;
  /** Agents to schedule so that `agents` remain after shrinkage. */
  agentsWithShrinkage: number;
  /** Offered load in Erlangs: contacts per second × handling time. */
  traffic: number;
  /** Whether `agents` meet every target given. */
  meetsTarget: boolean;
}

/** Agents to schedule so that `agents` are left once shrinkage is taken: ceil(agents / (1 − shrinkage)). */
export function agentsWithShrinkage(agents: number, shrinkage: number): number {
  if (!(shrinkage >= 0 && shrinkage < 1)) throw invalid('shrinkage', 'must be at least 0 and below 1');
  // A hair below the quotient, so that 21 / (1 − 0.3) stays 30 despite binary fractions.
  return Math.max(0, Math.ceil(agents / (1 - shrinkage) - 1e-9));
}

function positive(path: string, value: number | undefined, message = 'must be above 0'): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw invalid(path, message);
}

/** Checks a staffing input; throws a validation error naming the first field that is wrong. */
export function validateStaffingInput(input: StaffingInput): void {
  if (!(Number.isFinite(input.contacts) && input.contacts >= 0))
    throw invalid('contacts', 'must be a number of contacts, 0 or more');
  positive('intervalSeconds', input.intervalSeconds);
  if (DAY_SECONDS % input.intervalSeconds !== 0)
    throw invalid(
      'intervalSeconds',
      `${input.intervalSeconds} s does not divide the day into whole intervals`,
    );
  positive('handlingSeconds', input.handlingSeconds, 'handling time must be above 0');
  const { level, withinSeconds } = input.target;
  if (!(level > 0 && level < 1))
    throw invalid(
      'target.level',
      'must be above 0% and below 100%: with random arrivals no number of agents answers every contact in time',
    );
  if (!(Number.isFinite(withinSeconds) && withinSeconds >= 0))
    throw invalid('target.withinSeconds', 'must be 0 seconds or more');
  positive('patienceSeconds', input.patienceSeconds);
  positive('maxAsaSeconds', input.maxAsaSeconds);
  if (input.maxOccupancy !== undefined && !(input.maxOccupancy > 0 && input.maxOccupancy <= 1))
    throw invalid('maxOccupancy', 'must be above 0 and at most 1');
  if (input.shrinkage !== undefined && !(input.shrinkage >= 0 && input.shrinkage < 1))
    throw invalid('shrinkage', 'must be at least 0 and below 1');
  if (input.concurrency !== undefined && !(Number.isInteger(input.concurrency) && input.concurrency >= 1))
    throw invalid('concurrency', 'must be a whole number of contacts, 1 or more');
}

/**
 * What `agents` achieve. With a concurrency k, each agent is k servers of the queue (slots), each
 * holding one chat for its whole duration: see docs/planning.md for why.
 */
function measure(input: StaffingInput, agents: number): StaffingResult {
  const arrivalRate = input.contacts / input.intervalSeconds;
  const queue = {
    servers: agents * (input.concurrency ?? 1),
    arrivalRate,
    handlingSeconds: input.handlingSeconds,
    withinSeconds: input.target.withinSeconds,
  };
  const metrics =
    input.patienceSeconds === undefined
      ? erlangCMetrics(queue)
      : erlangAMetrics({ ...queue, patienceSeconds: input.patienceSeconds });
  // Rounding must not refuse a level met to the twelfth decimal.
  const meetsTarget =
    metrics.serviceLevel >= input.target.level - 1e-12 &&
    (input.maxAsaSeconds === undefined || metrics.asa <= input.maxAsaSeconds) &&
    (input.maxOccupancy === undefined || metrics.occupancy <= input.maxOccupancy + 1e-12);
  return {
    model: input.patienceSeconds === undefined ? 'erlang-c' : 'erlang-a',
    agents,
    agentsWithShrinkage: agentsWithShrinkage(agents, input.shrinkage ?? 0),
    traffic: arrivalRate * input.handlingSeconds,
    ...metrics,
    meetsTarget,
  };
}

/** What a given number of agents achieves for this load. */
export function evaluateAgents(input: StaffingInput, agents: number): StaffingResult {
  validateStaffingInput(input);
  if (!(Number.isInteger(agents) && agents >= 0))
    throw invalid('agents', 'must be a whole number, 0 or more');
  return measure(input, agents);
}

/** Beyond this the input is not a contact centre's: stop rather than loop. */
const MAX_AGENTS = 1_000_000;

/**
 * The fewest agents meeting every target given. The service level and the occupancy never get
 * worse with one more agent, nor the speed of answer (the property tests check it), so the
 * search doubles a step until the targets are met, then halves back to the first number that meets them.
 */
export function requiredAgents(input: StaffingInput): StaffingResult {
  validateStaffingInput(input);
  const k = input.concurrency ?? 1;
  const traffic = (input.contacts / input.intervalSeconds) * input.handlingSeconds;
  if (traffic === 0) return measure(input, 0);
  // A number known to fail: no agents, or (Erlang C) no more servers than Erlangs, where the queue grows without end.
  let low = input.patienceSeconds === undefined ? Math.floor(traffic / k) : 0;
  let step = 1;
  let high = low + step;
  let found = measure(input, high);
  while (!found.meetsTarget) {
    low = high;
    step *= 2;
    high = low + step;
    if (high > MAX_AGENTS) throw invalid('contacts', `needs more than ${MAX_AGENTS} agents`);
    found = measure(input, high);
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const m = measure(input, middle);
    if (m.meetsTarget) {
      high = middle;
      found = m;
    } else low = middle;
  }
  return found;
}

/** Deferred work (email, back office): items that wait in a backlog and are due within a deadline. */
export interface DeferredInput {
  /** Items arriving per day. */
  itemsPerDay: number;
  /** Mean handling time of an item in seconds. */
  handlingSeconds: number;
  /** Deadline of an item, counted in business hours. */
  slaHours: number;
  /** Hours a day the team works the backlog, (0, 24]. */
  businessHoursPerDay: number;
  /** Hours a day over which items arrive, spread evenly (24 for email; the business hours for post opened in the office). */
  arrivalHoursPerDay?: number;
  /** Share of paid time not spent on the work, [0, 1). */
  shrinkage?: number;
}

export interface DeferredResult {
  /** Agents working the backlog through the business hours (fractional: the workload). */
  workload: number;
  /** Whole agents during business hours. */
  agents: number;
  agentsWithShrinkage: number;
  /** Items each business hour must clear. */
  itemsPerHour: number;
}

/**
 * Agents that clear deferred work within its deadline: items that arrived while the team was away
 * wait at opening, and the team must clear them, together with what keeps arriving, within
 * W = min(SLA, business hours) — a rate of (waiting + arrivals per hour × W) / W items an hour.
 * With an SLA of a whole business day or more this is just the day's items over the business hours.
 */
export function deferredAgents(input: DeferredInput): DeferredResult {
  const arrivalHours = input.arrivalHoursPerDay ?? 24;
  if (!(Number.isFinite(input.itemsPerDay) && input.itemsPerDay >= 0))
    throw invalid('itemsPerDay', 'must be a number of items, 0 or more');
  positive('handlingSeconds', input.handlingSeconds, 'handling time must be above 0');
  positive('slaHours', input.slaHours);
  if (!(input.businessHoursPerDay > 0 && input.businessHoursPerDay <= 24))
    throw invalid('businessHoursPerDay', 'must be above 0 and at most 24');
  if (!(arrivalHours >= input.businessHoursPerDay && arrivalHours <= 24))
    throw invalid('arrivalHoursPerDay', 'must be at least the business hours and at most 24');
  const perArrivalHour = input.itemsPerDay / arrivalHours;
  const waitingAtOpening = perArrivalHour * (arrivalHours - input.businessHoursPerDay);
  const window = Math.min(input.slaHours, input.businessHoursPerDay);
  const itemsPerHour = (waitingAtOpening + perArrivalHour * window) / window;
  const workload = (itemsPerHour * input.handlingSeconds) / 3600;
  const agents = Math.max(0, Math.ceil(workload - 1e-9));
  return {
    workload,
    agents,
    agentsWithShrinkage: agentsWithShrinkage(agents, input.shrinkage ?? 0),
    itemsPerHour,
  };
}
