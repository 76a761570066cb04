// Planning: contact forecasts and staffing from Erlang C and Erlang A (pure maths, no IO). Site mix to come.

export {
  erlangAMetrics,
  erlangB,
  erlangC,
  erlangCMetrics,
  logErlangB,
  type QueueInput,
  type QueueMetrics,
} from './erlang.ts';
export {
  type Accuracy,
  accuracy,
  aggregateVolumes,
  type CandidateFamily,
  type DayVolumes,
  defaultCandidates,
  type EvaluationReport,
  evaluateForecast,
  type ForecastCalendar,
  type ForecastMethod,
  holtWinters,
  type IntervalSeries,
  type MethodReport,
  type PeriodAccuracy,
  parseVolumeCsv,
  periodAccuracy,
  profileRegression,
  seasonalNaive,
  type VolumeFile,
  type VolumeObservation,
  weekdayOf,
} from './forecast.ts';
export { COUNT_OFFSET, type DoubleSeasonalOptions, doubleSeasonalHoltWinters } from './holt-winters.ts';
export {
  agentsWithShrinkage,
  type DeferredInput,
  type DeferredResult,
  deferredAgents,
  evaluateAgents,
  requiredAgents,
  type ServiceTarget,
  type StaffingInput,
  type StaffingResult,
  validateStaffingInput,
} from './staffing.ts';
