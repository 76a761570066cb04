// The router (pure: no IO, no clock inside) and, later, the assignment service around it.

export { AgentsBoard, agentsBoard, BoardAgent } from './agents-board.ts';
export {
  createRoutingQueue,
  deleteRoutingQueue,
  getRoutingPolicy,
  getRoutingQueue,
  listRoutingQueues,
  RoutingPolicyInput,
  RoutingPolicyView,
  RoutingQueue,
  RoutingQueueCreate,
  RoutingQueueFilter,
  RoutingQueueUpdate,
  setRoutingPolicy,
  updateRoutingQueue,
} from './config.ts';
export { Router, TIERS, type WaitingItem } from './engine.ts';
export {
  acceptOffer,
  assignedTo,
  createOffer,
  declineOffer,
  expireOffers,
  MISSED_OFFERS_BEFORE_AWAY,
  OFFER_HOLD_MS,
  type OfferAnswer,
  OfferMode,
  OfferView,
  offerStates,
  offersFor,
} from './offers.ts';
export {
  EscalationInput,
  escalateConversation,
  listQueues,
  QueueFilter,
  QueueItem,
  QueueView,
  queuedWait,
  RoutingDecision,
  routingHistory,
  SERVICE_RATE_WINDOW_MS,
} from './queues.ts';
export { DEFAULT_WEIGHTS, SCORE_PARTS } from './score.ts';
export {
  claimAssignment,
  loadRoutingWorld,
  RoutingService,
  type RoutingServiceOptions,
  routingSite,
  type SyncReport,
  startRouting,
} from './service.ts';
export { ServiceLevelToday, SupervisorFilter, serviceLevelToday } from './service-level.ts';
export { AT_RISK_WINDOW_MS } from './service-level-figures.ts';
export * from './simulate.ts';
export * from './sla.ts';
export * from './sla-watch.ts';
export type * from './types.ts';
