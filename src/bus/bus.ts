import { EVENTS, type EventName, isEventName, type PublishedEvent } from './events.ts';

export type Handler = (event: PublishedEvent) => Promise<void>;

/** An event as the relay hands it over: the outbox row's uid, its sequence number, name, payload. */
export interface OutgoingEvent {
  id: string;
  seq: number;
  name: string;
  payload: unknown;
  at: Date;
}

/** Where committed events go: in this process by default, NATS JetStream across processes. */
export interface Bus {
  readonly kind: 'in-process' | 'nats';
  /** Publish an event taken from the outbox; an event may come twice, subscribers know it by its id. */
  publish(event: OutgoingEvent): Promise<void>;
  /**
   * Deliver the named events to a handler. `consumer` names the subscriber: on NATS it
   * is a durable consumer that resumes where it stopped, and processes sharing the name
   * share the work.
   */
  subscribe(consumer: string, names: EventName[], handler: Handler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Check an event against its contract before any handler sees it. */
export function validated(raw: {
  id: string;
  seq: number;
  name: string;
  payload: unknown;
  at: string;
}): PublishedEvent | undefined {
  if (typeof raw.id !== 'string' || typeof raw.seq !== 'number' || typeof raw.at !== 'string')
    return undefined;
  if (!isEventName(raw.name)) return undefined;
  const payload = EVENTS[raw.name].safeParse(raw.payload);
  if (!payload.success) return undefined;
  return { id: raw.id, seq: raw.seq, name: raw.name, payload: payload.data, at: raw.at } as PublishedEvent;
}

/**
 * The in-process bus: handlers run after commit, in publishing order, one event at a
 * time. When a handler fails, the others still run, the failure goes to `onError`, and
 * the publish fails so the relay offers the event again later.
 */
export class InProcessBus implements Bus {
  readonly kind = 'in-process' as const;
  readonly #subscribers = new Set<{ names: Set<string>; handler: Handler }>();
  readonly #onError: (error: unknown, event: PublishedEvent) => void;

  constructor(onError: (error: unknown, event: PublishedEvent) => void = () => undefined) {
    this.#onError = onError;
  }

  async publish(raw: OutgoingEvent): Promise<void> {
    const event = validated({ ...raw, at: raw.at.toISOString() });
    if (!event) return;
    let failed = 0;
    for (const subscriber of this.#subscribers) {
      if (!subscriber.names.has(event.name)) continue;
      try {
        await subscriber.handler(event);
      } catch (error) {
        failed += 1;
        this.#onError(error, event);
      }
    }
    if (failed > 0) throw new Error(`${failed} subscriber(s) failed on event ${event.seq} (${event.name})`);
  }

  async subscribe(_consumer: string, names: EventName[], handler: Handler): Promise<() => Promise<void>> {
    const subscriber = { names: new Set<string>(names), handler };
    this.#subscribers.add(subscriber);
    return async () => {
      this.#subscribers.delete(subscriber);
    };
  }

  async close(): Promise<void> {
    this.#subscribers.clear();
  }
}
