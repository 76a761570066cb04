import type { Db } from '../../store/index.ts';
import { type ChatLine, chatLines } from './intake.ts';
import type { ServerFrame } from './protocol.ts';

/** One open widget connection as the hub sees it. */
export interface ChatConnection {
  readonly visitorId: string;
  readonly subsidiaryId: string;
  /** Send a frame to this widget. */
  send(frame: ServerFrame): void;
  /** Show a message unless this connection showed it already. */
  show(line: ChatLine): void;
}

const TYPING_MS = 6_000;

/**
 * The widget connections open in this process, by visitor. A reply reaches a visitor
 * two ways: at once, when the delivery worker of this process hands it to the chat
 * sender; and by the hub's poll of the store, which also finds replies whose worker
 * ran in another process. A widget knows each message by id and shows it once.
 */
export class ChatHub {
  readonly #db: Db;
  readonly #pollMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => Date;
  readonly #byVisitor = new Map<string, Set<ChatConnection>>();
  readonly #visitorTyping = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #lastPoll: Date | undefined;

  constructor(
    db: Db,
    options: { pollMs?: number; onError?: (error: unknown) => void; now?: () => Date } = {},
  ) {
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
    this.#pollMs = options.pollMs ?? 1_000;
    this.#onError = options.onError ?? (() => undefined);
  }

  attach(connection: ChatConnection): void {
    let set = this.#byVisitor.get(connection.visitorId);
    if (!set) {
      set = new Set();
      this.#byVisitor.set(connection.visitorId, set);
    }
    set.add(connection);
    this.#lastPoll ??= this.#now();
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.poll(), this.#pollMs);
      this.#timer.unref();
    }
  }

  detach(connection: ChatConnection): void {
    const set = this.#byVisitor.get(connection.visitorId);
    set?.delete(connection);
    if (set?.size === 0) this.#byVisitor.delete(connection.visitorId);
    if (this.#byVisitor.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#lastPoll = undefined;
    }
  }

  /** How many widgets of a visitor are connected here. */
  connections(visitorId: string): number {
    return this.#byVisitor.get(visitorId)?.size ?? 0;
  }

  /** Show a message on every widget of the visitor connected here; true when one is. */
  show(visitorId: string, line: ChatLine, except?: ChatConnection): boolean {
    const set = this.#byVisitor.get(visitorId);
    for (const connection of set ?? []) if (connection !== except) connection.show(line);
    return (set?.size ?? 0) > 0;
  }

  /** An agent is typing in the visitors' chat. */
  agentTyping(visitorIds: string[], name: string | null): void {
    for (const id of visitorIds) {
      for (const connection of this.#byVisitor.get(id) ?? []) connection.send({ v: 1, type: 'typing', name });
    }
  }

  visitorTyping(visitorId: string, now: Date): void {
    this.#visitorTyping.set(visitorId, now.getTime() + TYPING_MS);
  }

  /** Whether one of these visitors typed in the last few seconds (in this process). */
  isVisitorTyping(visitorIds: string[], now: Date): boolean {
    return visitorIds.some((id) => (this.#visitorTyping.get(id) ?? 0) > now.getTime());
  }

  /** Look in the store for messages the connected widgets have not shown yet. */
  async poll(): Promise<void> {
    if (this.#polling) return this.#polling;
    this.#polling = (async () => {
      const since = this.#lastPoll ?? this.#now();
      const started = this.#now();
      const visitors = [...this.#byVisitor.keys()];
      try {
        for (let i = 0; i < visitors.length; i += 500) {
          const lines = await chatLines(this.#db, undefined, visitors.slice(i, i + 500), since);
          for (const line of lines) this.show(line.visitorId, line);
        }
        this.#lastPoll = started;
        const now = started.getTime();
        for (const [id, until] of this.#visitorTyping) if (until < now) this.#visitorTyping.delete(id);
      } catch (error) {
        this.#onError(error);
      }
    })().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#byVisitor.clear();
  }
}
