export { recordEvent } from './outbox.ts';
