import { DomainError } from '../core/index.ts';
import {
  evaluateAgents,
  requiredAgents,
  type StaffingInput,
  type StaffingResult,
} from '../planning/index.ts';
import type { Command } from './commands.ts';
import { EXIT, UsageError } from './exit.ts';

type Values = Record<string, string | boolean | undefined>;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** "180s", "3m", "1.5h" → seconds. */
function duration(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(text.trim());
  if (!match) throw new UsageError(`--${flag} must be a duration such as 180s, 30m or 1h, got "${text}"`);
  return Number(match[1]) * (UNIT_SECONDS[match[2] ?? 's'] ?? 1);
}

function decimal(flag: string, text: string): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n))
    throw new UsageError(`--${flag} must be a number, got "${text}"`);
  return n;
}

/** "0.3" or "30%" → 0.3. */
function fraction(flag: string, text: string): number {
  const t = text.trim();
  return t.endsWith('%') ? decimal(flag, t.slice(0, -1)) / 100 : decimal(flag, t);
}

function wholeNumber(flag: string, text: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`--${flag} must be a whole number, got "${text}"`);
  return Number(text);
}

/** "80/20s" → 80% within 20 seconds. */
function target(text: string): StaffingInput['target'] {
  const match = /^(-?\d+(?:\.\d+)?)%?\/(.+)$/.exec(text.trim());
  if (!match)
    throw new UsageError(
      `--target must be a percentage and a time such as 80/20s (80% within 20 s), got "${text}"`,
    );
  return { level: Number(match[1]) / 100, withinSeconds: duration('target', match[2] ?? '') };
}

function text(values: Values, flag: string): string | undefined {
  const value = values[flag];
  return typeof value === 'string' ? value : undefined;
}

function required(values: Values, flag: string): string {
  const value = text(values, flag);
  if (value === undefined) throw new UsageError(`relais erlang needs --${flag}\n\n${erlangCommand.usage}`);
  return value;
}

/** The input's fields as the flags that set them, for errors in the user's words. */
const FLAG_OF: Record<string, string> = {
  contacts: 'calls',
  intervalSeconds: 'interval',
  handlingSeconds: 'aht',
  'target.level': 'target',
  'target.withinSeconds': 'target',
  patienceSeconds: 'patience',
  maxAsaSeconds: 'max-asa',
  maxOccupancy: 'max-occupancy',
  shrinkage: 'shrinkage',
  concurrency: 'concurrency',
  agents: 'agents',
};

function inputFrom(values: Values): StaffingInput {
  const optional = <T>(flag: string, parse: (flag: string, text: string) => T): T | undefined => {
    const value = text(values, flag);
    return value === undefined ? undefined : parse(flag, value);
  };
  return {
    contacts: decimal('calls', required(values, 'calls')),
    intervalSeconds: duration('interval', required(values, 'interval')),
    handlingSeconds: duration('aht', required(values, 'aht')),
    target: target(required(values, 'target')),
    patienceSeconds: optional('patience', duration),
    maxAsaSeconds: optional('max-asa', duration),
    maxOccupancy: optional('max-occupancy', fraction),
    shrinkage: optional('shrinkage', fraction),
    concurrency: optional('concurrency', wholeNumber),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** A share as people write targets: 80%, 92.5%. */
const share = (x: number) => `${Number((x * 100).toFixed(2))}%`;

function seconds(s: number): string {
  if (s >= 3600 && s % 3600 === 0) return `${s / 3600} h`;
  if (s >= 600 && s % 60 === 0) return `${s / 60} min`;
  return `${Number(s.toFixed(1))} s`;
}

/** The result as a short two-column table. */
export function formatStaffing(input: StaffingInput, result: StaffingResult, given: boolean): string {
  const model =
    result.model === 'erlang-a' ? `Erlang A (patience ${seconds(input.patienceSeconds ?? 0)})` : 'Erlang C';
  const k = input.concurrency ?? 1;
  const header =
    `${model}: ${input.contacts} contacts per ${seconds(input.intervalSeconds)}, ` +
    `${seconds(input.handlingSeconds)} handling${k > 1 ? `, ${k} at once per agent` : ''} ` +
    `= ${result.traffic.toFixed(2)} Erlangs\n` +
    `target: ${share(input.target.level)} answered within ${seconds(input.target.withinSeconds)}` +
    (input.maxAsaSeconds !== undefined ? `, speed of answer at most ${seconds(input.maxAsaSeconds)}` : '') +
    (input.maxOccupancy !== undefined ? `, occupancy at most ${share(input.maxOccupancy)}` : '');
  const rows: Array<[string, string]> = [
    [given ? 'agents (given)' : 'agents needed', String(result.agents)],
    [`service level (within ${seconds(input.target.withinSeconds)})`, pct(result.serviceLevel)],
    ['probability of waiting', pct(result.probWait)],
    [
      'average speed of answer',
      Number.isFinite(result.asa) ? `${result.asa.toFixed(1)} s` : 'never: the queue grows',
    ],
    ['occupancy', pct(result.occupancy)],
  ];
  if (input.shrinkage !== undefined)
    rows.splice(1, 0, [
      `agents with ${share(input.shrinkage)} shrinkage`,
      String(result.agentsWithShrinkage),
    ]);
  if (result.model === 'erlang-a') rows.push(['abandonment', pct(result.probAbandon)]);
  if (given) rows.push(['meets the target', result.meetsTarget ? 'yes' : 'no']);
  const width = Math.max(...rows.map(([label]) => label.length));
  return `${header}\n\n${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`;
}

/** The JSON document: the figures the issue names, `asa` null when the queue never drains. */
export function staffingJson(result: StaffingResult): Record<string, unknown> {
  return {
    model: result.model,
    agents: result.agents,
    agentsWithShrinkage: result.agentsWithShrinkage,
    traffic: result.traffic,
    serviceLevel: result.serviceLevel,
    probWait: result.probWait,
    asa: Number.isFinite(result.asa) ? result.asa : null,
    occupancy: result.occupancy,
    ...(result.model === 'erlang-a' ? { probAbandon: result.probAbandon } : {}),
    meetsTarget: result.meetsTarget,
  };
}

export const erlangCommand: Command = {
  name: 'erlang',
  summary: 'agents needed for a load and a service-level target (Erlang C, or Erlang A with patience)',
  usage: `Usage: relais erlang --calls N --interval 30m --aht 180s --target 80/20s [options]

Finds the fewest agents that answer the target share of contacts within the target
time (Erlang C; with --patience, Erlang A, where waiting callers hang up). With
--agents, tells what that number of agents achieves instead. Needs no store.
Durations take a unit: s, m or h (180s, 30m, 1h). See docs/planning.md.

Options:
  --calls N             contacts offered in one interval (chats, with --concurrency)
  --interval DURATION   length of the interval; it must divide the day (15m, 30m, 1h)
  --aht DURATION        average handling time (talk and wrap-up; a chat's whole duration)
  --target X/Y          service-level target: X% answered within Y, e.g. 80/20s
  --patience DURATION   callers' mean patience: use Erlang A (abandonment) instead of Erlang C
  --max-asa DURATION    also keep the average speed of answer at most this
  --max-occupancy F     also keep occupancy at most F (0.85 or 85%)
  --shrinkage F         share of paid time off the phones (0.3 or 30%): agents to schedule
  --concurrency K       contacts an agent handles at once (chat): K slots per agent
  --agents N            evaluate N agents instead of searching
  --json                print one JSON object: agents, agentsWithShrinkage, traffic,
                        serviceLevel, probWait, asa (seconds), occupancy, probAbandon
                        (with --patience), meetsTarget`,
  options: {
    calls: { type: 'string' },
    interval: { type: 'string' },
    aht: { type: 'string' },
    target: { type: 'string' },
    patience: { type: 'string' },
    'max-asa': { type: 'string' },
    'max-occupancy': { type: 'string' },
    shrinkage: { type: 'string' },
    concurrency: { type: 'string' },
    agents: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values) {
    const input = inputFrom(values);
    const agents = text(values, 'agents');
    let result: StaffingResult;
    try {
      result =
        agents === undefined ? requiredAgents(input) : evaluateAgents(input, wholeNumber('agents', agents));
    } catch (error) {
      if (error instanceof DomainError && error.code === 'validation_failed') {
        const issue = error.issues[0];
        const flag = FLAG_OF[issue?.path ?? ''];
        if (flag)
          throw new UsageError(
            `--${flag} ${JSON.stringify(text(values, flag) ?? '')}: ${issue?.message ?? ''}`,
          );
      }
      throw error;
    }
    process.stdout.write(
      values.json
        ? `${JSON.stringify(staffingJson(result), null, 2)}\n`
        : formatStaffing(input, result, agents !== undefined),
    );
    return EXIT.ok;
  },
};
