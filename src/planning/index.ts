// Planning: contact forecasts, staffing from Erlang C and Erlang A, and the site mix (HiGHS).

export { planAside } from './aside.ts';
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
export {
  comingMonday,
  contactsBySegment,
  DEFAULT_HISTORY_WEEKS,
  forecastFromHistory,
  type HistoryForecastOptions,
  MAX_FORECAST_WEEKS,
  MAX_HISTORY_WEEKS,
  MIN_INTERVAL_MINUTES,
  readContactHistory,
} from './history.ts';
export { COUNT_OFFSET, type DoubleSeasonalOptions, doubleSeasonalHoltWinters } from './holt-winters.ts';
export {
  getPlan,
  listPlans,
  MAX_WHAT_IFS,
  PLAN_TIME_LIMIT_SECONDS,
  type Plan,
  PlanListQuery,
  PlanRequest,
  PlanResultView,
  type PlanScenario,
  PlanScenarioView,
  type PlanSummary,
  PlanSummaryView,
  PlanView,
  planToApply,
  recordPlanApplied,
  type SolvedPlan,
  savePlan,
  solvePlanRequest,
  staffCsv,
  targetSharesOf,
  WhatIfInput,
} from './plans.ts';
export {
  applyWhatIf,
  compareScenarios,
  DEFAULT_SCENARIOS,
  type Scenario,
  type ScenarioRow,
  type WhatIf,
  whatIfName,
} from './scenarios.ts';
export {
  type CsvHistoryOptions,
  type CsvSubsidiary,
  forecastFromCsv,
  METHOD_IMPORTED,
  parseForecastCsv,
  parseHistoryCsv,
  SEGMENT_CSV_COLUMNS,
} from './segment-csv.ts';
export type {
  ContactHistory,
  SegmentCount,
  SegmentForecast,
  SegmentForecastSet,
  SegmentHandlingTime,
  SegmentKey,
} from './segment-forecast.ts';
export {
  highs,
  type Placement,
  type PlanReason,
  type PlanResult,
  type PlanTotals,
  type ReasonCode,
  type SiteSummary,
  type SolveOptions,
  type SolverFacts,
  type StaffRow,
  solvePlan,
} from './sitemix.ts';
export {
  PlanInput,
  type PlanInputRaw,
  PlanRules,
  PlanSegment,
  PlanSite,
  PlanSubsidiary,
  parsePlanInput,
} from './sitemix-input.ts';
export { type SampleOptions, sampleInstance } from './sitemix-sample.ts';
export {
  CHANNEL_HANDLING_SECONDS,
  CHANNEL_TARGETS,
  DEFAULT_SHRINKAGE,
  planInputFromStore,
  type StorePlanOptions,
} from './sitemix-store.ts';
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
