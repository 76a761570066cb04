export { type Bus, type Handler, InProcessBus, type OutgoingEvent, validated } from './bus.ts';
export { EVENTS, type EventName, type EventPayload, type PublishedEvent } from './events.ts';
export { connectNatsBus } from './nats.ts';
export { type DomainEvent, eventRows, recordEvent, recordEvents } from './outbox.ts';
export { relayOutbox, startOutboxRelay } from './relay.ts';
