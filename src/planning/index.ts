// Planning: staffing from Erlang C and Erlang A (pure maths, no IO). Forecast and site mix to come.

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
