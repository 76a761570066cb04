import { type Clock, type Context, DomainError, SYSTEM_ACTOR } from '../../core/index.ts';
import type { Db } from '../../store/index.ts';
import { EndpointSettings, findEndpoint } from '../endpoints.ts';
import { anySiteOpen, estimateWait, nextOpening, sitesServing } from './availability.ts';
import type { ChatConnection, ChatHub } from './hub.ts';
import {
  agentNameOf,
  type ChatLine,
  chatLines,
  currentChat,
  isWaiting,
  receiveChatMessage,
  receiveOfflineForm,
  seenAt,
} from './intake.ts';
import { parseVisitorFrame, type ServerFrame, type VisitorFrame } from './protocol.ts';
import { type ChatVisitor, findVisitor, newVisitor } from './visitors.ts';

/** A WebSocket as a chat session needs it. */
export interface ChatSocket {
  send(data: string): void;
  close(code: number, reason: string): void;
}

export interface ChatDeps {
  db: Db;
  clock: Clock;
  hub: ChatHub;
  /** False while the store is migrating: the widget is told to come back. */
  isReady: () => boolean;
  /** A change was committed: publish its events now. */
  onCommitted?: () => void;
  onError?: (error: unknown) => void;
  /**
   * The router's estimated wait of a waiting chat, in seconds, as the queue view gives it
   * (the server passes routing's; channels cannot reach routing). Null when its queue served
   * nothing lately: the widget then shows the estimate from the history of first replies.
   */
  queuedWait?: (conversationId: string, now: Date) => Promise<number | null>;
}

/** WebSocket close codes in the private range: the widget knows not to reconnect after 4400. */
const CLOSE_REFUSED = 4400;
const CLOSE_RETRY = 1013;

/** Messages a widget may send per minute: a person types far fewer. */
const MESSAGES_PER_MINUTE = 30;

const primary = (tag: string): string => tag.toLowerCase().split('-')[0] ?? tag;

/** The language a widget speaks: the visitor's if the subsidiary serves it, else the subsidiary's. */
function widgetLanguage(asked: string | undefined, languages: string[], fallback: string): string {
  const wanted = asked ? primary(asked) : undefined;
  if (wanted && languages.includes(wanted)) return wanted;
  return languages.includes(fallback) ? fallback : (languages[0] ?? fallback);
}

interface Ready {
  visitor: ChatVisitor;
  languages: string[];
  connection: ChatConnection;
}

/**
 * One widget's connection: `hello` first (the widget key, the visitor's token if it
 * has one), then messages, typing and the offline form. Frames are handled one at a
 * time, in order; every message is acknowledged only after it is committed.
 */
export function openChatSession(deps: ChatDeps, socket: ChatSocket, meta: { origin: string | undefined }) {
  let ready: Ready | undefined;
  let closed = false;
  let queue: Promise<void> = Promise.resolve();
  const sent = new Set<string>();
  const recent: number[] = [];

  const send = (frame: ServerFrame): void => {
    if (!closed) socket.send(JSON.stringify(frame));
  };
  const refuse = (code: string, message: string, close?: number): void => {
    send({ v: 1, type: 'error', code, message });
    if (close) {
      closed = true;
      socket.close(close, code);
    }
  };
  const show = (line: ChatLine): void => {
    if (sent.has(line.id)) return;
    sent.add(line.id);
    send({
      v: 1,
      type: 'message',
      id: line.id,
      clientId: line.clientId,
      text: line.text,
      author: line.author,
      at: line.at,
    });
  };

  /** The router's figure for the chat; when its queue served nothing lately, the history's. */
  async function waitOf(subsidiaryId: string, chatId: string, now: Date): Promise<number | null> {
    return (await deps.queuedWait?.(chatId, now)) ?? (await estimateWait(deps.db, subsidiaryId, chatId, now));
  }

  async function hello(frame: Extract<VisitorFrame, { type: 'hello' }>): Promise<void> {
    if (ready) return refuse('invalid_frame', 'hello was said already');
    if (!deps.isReady()) return refuse('not_ready', 'Relais is starting; try again shortly', CLOSE_RETRY);
    const endpoint = await findEndpoint(deps.db, 'chat', frame.key);
    if (!endpoint) return refuse('unknown_key', 'no chat widget has this key', CLOSE_REFUSED);
    const settings = EndpointSettings.chat.parse(endpoint.settings);
    if (settings.allowedOrigins && !(meta.origin && settings.allowedOrigins.includes(meta.origin))) {
      return refuse('origin_refused', 'this widget may not be embedded on this page', CLOSE_REFUSED);
    }
    const subsidiary = await deps.db
      .selectFrom('subsidiaries')
      .select(['languages', 'default_language'])
      .where('id', '=', endpoint.subsidiary_id)
      .executeTakeFirstOrThrow();
    const languages = settings.languages ?? subsidiary.languages;
    const language = widgetLanguage(frame.language, languages, subsidiary.default_language);
    const now = deps.clock.now();
    const known = frame.visitor ? await findVisitor(deps.db, endpoint, frame.visitor, language) : undefined;
    const visitor = known ?? newVisitor(endpoint, language);
    const sites = await sitesServing(deps.db, endpoint.subsidiary_id);
    const open = anySiteOpen(sites, now);
    const chat = known ? await currentChat(deps.db, visitor) : undefined;
    const waiting = chat && isWaiting(chat);
    send({
      v: 1,
      type: 'welcome',
      visitor: visitor.token,
      languages,
      language,
      open,
      nextOpening: open ? null : (nextOpening(sites, now)?.toISOString() ?? null),
      agentName: chat ? await agentNameOf(deps.db, chat) : null,
      estimatedWait: open && chat && waiting ? await waitOf(chat.subsidiary_id, chat.id, now) : null,
      greeting: settings.greeting?.[language] ?? null,
    });
    const connection: ChatConnection = {
      visitorId: visitor.id,
      subsidiaryId: visitor.subsidiaryId,
      send,
      show,
    };
    if (known) {
      const after = frame.lastSeen ? await seenAt(deps.db, visitor, frame.lastSeen) : undefined;
      for (const line of await chatLines(deps.db, visitor.subsidiaryId, [visitor.id], after)) show(line);
    }
    ready = { visitor, languages, connection };
    if (!closed) deps.hub.attach(connection);
  }

  async function message(session: Ready, frame: Extract<VisitorFrame, { type: 'message' }>): Promise<void> {
    const ctx = contextOf(deps);
    const received = await receiveChatMessage(deps.db, ctx, session.visitor, {
      clientId: frame.clientId,
      text: frame.text,
      languages: session.languages,
    });
    send({ v: 1, type: 'ack', clientId: frame.clientId, id: received.messageId });
    if (!received.created) return;
    deps.onCommitted?.();
    const line: ChatLine = {
      id: received.messageId,
      visitorId: session.visitor.id,
      clientId: frame.clientId,
      text: frame.text,
      author: { kind: 'customer', name: null },
      at: ctx.now.toISOString(),
    };
    sent.add(line.id);
    deps.hub.show(session.visitor.id, line, session.connection);
    const chat = await currentChat(deps.db, session.visitor);
    if (chat && isWaiting(chat)) {
      send({
        v: 1,
        type: 'queue',
        estimatedWait: await waitOf(chat.subsidiary_id, chat.id, ctx.now),
      });
    }
  }

  async function offline(session: Ready, frame: Extract<VisitorFrame, { type: 'offline' }>): Promise<void> {
    const received = await receiveOfflineForm(deps.db, contextOf(deps), session.visitor, {
      clientId: frame.clientId,
      name: frame.name,
      email: frame.email,
      text: frame.text,
      languages: session.languages,
    });
    send({ v: 1, type: 'ack', clientId: frame.clientId, id: received.messageId });
    if (received.created) deps.onCommitted?.();
  }

  async function handle(data: string): Promise<void> {
    const parsed = parseVisitorFrame(data);
    if (!parsed.ok) {
      return send({
        v: 1,
        type: 'error',
        code: 'invalid_frame',
        message: parsed.message,
        ...(parsed.clientId ? { clientId: parsed.clientId } : {}),
      });
    }
    const frame = parsed.frame;
    if (frame.type === 'hello') return hello(frame);
    if (!ready) return refuse('invalid_frame', 'say hello first');
    if (frame.type === 'typing') return deps.hub.visitorTyping(ready.visitor.id, deps.clock.now());
    const now = Date.now();
    while (recent.length > 0 && (recent[0] ?? 0) < now - 60_000) recent.shift();
    if (recent.length >= MESSAGES_PER_MINUTE) {
      return send({
        v: 1,
        type: 'error',
        code: 'too_many',
        message: 'too many messages; wait a moment',
        clientId: frame.clientId,
      });
    }
    recent.push(now);
    try {
      if (frame.type === 'message') await message(ready, frame);
      else await offline(ready, frame);
    } catch (error) {
      // Not stored: the widget keeps the message and sends it again.
      const known = error instanceof DomainError;
      if (!known) deps.onError?.(error);
      send({
        v: 1,
        type: 'error',
        code: known ? error.code : 'unavailable',
        message: known ? error.message : 'the message could not be stored; it will be sent again',
        clientId: frame.clientId,
      });
    }
  }

  return {
    /** A text frame from the widget. */
    receive(data: string): void {
      queue = queue
        .then(() => (closed ? undefined : handle(data)))
        .catch((error: unknown) => {
          deps.onError?.(error);
          send({ v: 1, type: 'error', code: 'unavailable', message: 'something went wrong; try again' });
        });
    },
    /** The connection ended. */
    close(): void {
      closed = true;
      if (ready) deps.hub.detach(ready.connection);
    },
  };
}

const contextOf = (deps: ChatDeps): Context => ({ actor: SYSTEM_ACTOR, now: deps.clock.now() });
