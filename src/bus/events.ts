import { z } from 'zod';

/**
 * The contract of every domain event: its name and the shape of its payload. A
 * subscriber's handler runs only on a payload that matches.
 */
const id = z.uuid();

export const EVENTS = {
  'customer.created': z.object({ customerId: id, subsidiaryId: id }),
  'customer.consent_changed': z.object({
    customerId: id,
    level: z.enum(['none', 'service', 'personalised', 'marketing']),
  }),
  'conversation.created': z.object({ conversationId: id, subsidiaryId: id }),
  'conversation.status_changed': z.object({ conversationId: id, from: z.string(), to: z.string() }),
  'message.received': z.object({ messageId: id, conversationId: id, subsidiaryId: id }),
  'message.queued': z.object({ messageId: id, conversationId: id, subsidiaryId: id }),
  'conversation.assigned': z.object({
    conversationId: id,
    subsidiaryId: id,
    agentId: id,
    siteId: id,
  }),
  'conversation.escalated': z.object({
    conversationId: id,
    subsidiaryId: id,
    tier: z.enum(['level1', 'level2', 'expert', 'back_office']),
    reason: z.string(),
  }),
  /** An SLA clock of a conversation crossed its at-risk share or its due instant: published once per clock and line. */
  'sla.at_risk': z.object({
    conversationId: id,
    subsidiaryId: id,
    clock: z.enum(['first_response', 'resolution']),
    at: z.iso.datetime(),
    dueAt: z.iso.datetime().nullable(),
  }),
  'sla.breached': z.object({
    conversationId: id,
    subsidiaryId: id,
    clock: z.enum(['first_response', 'resolution']),
    at: z.iso.datetime(),
    dueAt: z.iso.datetime().nullable(),
  }),
  'agent.presence_changed': z.object({
    agentId: id,
    siteId: id,
    presence: z.enum(['available', 'busy', 'away', 'offline']),
  }),
  /** An agent's tier, languages, skills or capacity changed: routing takes it into account at once. */
  'agent.updated': z.object({ agentId: id, siteId: id }),
} as const;

export type EventName = keyof typeof EVENTS;
export type EventPayload<N extends EventName> = z.infer<(typeof EVENTS)[N]>;

/** An event as subscribers see it: its id makes a redelivery recognisable, seq orders events. */
export interface PublishedEvent<N extends EventName = EventName> {
  id: string;
  seq: number;
  name: N;
  payload: EventPayload<N>;
  at: string;
}

export const isEventName = (name: string): name is EventName => Object.hasOwn(EVENTS, name);
