/**
 * The site mix on a multinational's week: 336 half-hours, 10 sites on three continents,
 * 12 languages, 3 tiers, 3 channels (voice and chat by Erlang A, email as deferred work),
 * with seats, a quality floor, a partner's cap, expert work onshore and German data kept
 * in Europe (src/planning/sitemix-sample.ts). It reports the time to plan (building the
 * program, HiGHS, the Erlang recount per site), the peak memory of the process after it,
 * the optimality gap HiGHS proves, and the plan's cost against all-onshore (the same
 * program restricted to each subsidiary's country) and against a greedy heuristic that puts
 * each interval's work whole on the cheapest open site with seats left.
 *
 *   npm run bench -- plan [--days 7] [--gap 0.005] [--time-limit 60] [--seats 1]
 */
import { parseArgs } from 'node:util';
import { type PlanResult, parsePlanInput, sampleInstance, solvePlan } from '../src/planning/index.ts';
import { log, machine } from './_relais.ts';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    days: { type: 'string', default: '7' },
    gap: { type: 'string', default: '0.005' },
    'time-limit': { type: 'string', default: '60' },
    seats: { type: 'string', default: '1' },
  },
});

const peakMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const input = parsePlanInput(sampleInstance({ days: Number(values.days) }));
// --seats 0.5: every site with half its seats, so that pools split between sites.
for (const site of input.sites) site.seats = Math.round(site.seats * Number(values.seats));
const languages = new Set(input.segments.map((s) => s.language)).size;
log(
  `instance: ${input.intervals} intervals, ${input.sites.length} sites, ${languages} languages, ${input.segments.length} segments`,
);
const options = { relativeGap: Number(values.gap), timeLimitSeconds: Number(values['time-limit']) };

const timed = async (label: string, run: () => Promise<PlanResult>) => {
  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  log(
    `${label}: ${result.status}, cost ${Math.round(result.totals.cost)} ${result.currency}, ${seconds.toFixed(2)} s (solver ${result.solver.seconds} s, ${result.solver.status}, gap ${result.solver.gap}), SL ${result.totals.serviceLevel}, quality ${result.totals.quality}, peak ${peakMiB()} MiB`,
  );
  return { result, seconds };
};

const best = await timed('bestshore', () => solvePlan(input, options));
const peakAfterBestshore = peakMiB();
const onshore = await timed('all onshore', () => solvePlan(input, { ...options, placement: 'onshore' }));
const greedy = await timed('greedy', () => solvePlan(input, { method: 'greedy' }));

const summary = (r: PlanResult, seconds: number) => ({
  status: r.status,
  cost: Math.round(r.totals.cost),
  serviceLevel: r.totals.serviceLevel,
  abandonment: r.totals.abandonment,
  quality: r.totals.quality,
  onshoreShare: r.totals.onshoreShare,
  agentHours: Math.round(r.totals.agentHours),
  seconds: Math.round(seconds * 100) / 100,
});
const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
const greedyBreaks = [
  ...(input.rules.minQuality !== undefined && (greedy.result.totals.quality ?? 0) < input.rules.minQuality
    ? [`quality ${greedy.result.totals.quality} < ${input.rules.minQuality}`]
    : []),
  ...input.rules.partners.flatMap((p) => {
    const share = greedy.result.sites
      .filter((s) => s.partnerName === p.name)
      .reduce((a, s) => a + s.share, 0);
    return p.maxShare !== undefined && share > p.maxShare + 1e-6
      ? [`${p.name} ${(share * 100).toFixed(1)}% > ${p.maxShare * 100}%`]
      : [];
  }),
  ...greedy.result.warnings.filter((w) => w.code === 'seats').map((w) => w.message),
];

console.log(
  JSON.stringify({
    bench: 'plan',
    machine: machine(),
    instance: {
      seatFactor: Number(values.seats),
      intervals: input.intervals,
      sites: input.sites.length,
      languages,
      tiers: 3,
      channels: 3,
      segments: input.segments.length,
      columns: best.result.solver.columns,
      rows: best.result.solver.rows,
      binaries: best.result.solver.integers,
    },
    solveSeconds: Math.round(best.seconds * 100) / 100,
    highsSeconds: best.result.solver.seconds,
    peakMemoryMiB: peakAfterBestshore,
    gap: best.result.solver.gap,
    solverStatus: best.result.solver.status,
    bestshore: summary(best.result, best.seconds),
    allOnshore: summary(onshore.result, onshore.seconds),
    greedy: { ...summary(greedy.result, greedy.seconds), breaks: greedyBreaks },
    costVsAllOnshore: ratio(best.result.totals.cost, onshore.result.totals.cost),
    costVsGreedy: ratio(best.result.totals.cost, greedy.result.totals.cost),
  }),
);
