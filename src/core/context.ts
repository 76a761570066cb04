import type { Actor } from './actor.ts';

/** What every command needs to know about its call: who, which request, and when. */
export interface Context {
  actor: Actor;
  requestId?: string | undefined;
  now: Date;
}
