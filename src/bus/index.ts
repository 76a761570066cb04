export { type DomainEvent, eventRows, recordEvent, recordEvents } from './outbox.ts';
