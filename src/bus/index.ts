export { recordEvent, recordEvents } from './outbox.ts';
