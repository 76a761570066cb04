import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ApiError,
  api,
  type Conversation,
  type ConversationDetail,
  type Customer,
  type Me,
  type Message,
} from '../api.ts';
import { ConversationActions } from '../conversation/Actions.tsx';
import { Composer } from '../conversation/Composer.tsx';
import { CustomerPanel, type Suggestion } from '../conversation/CustomerPanel.tsx';
import { relativeTime, useNow } from '../conversation/clock.ts';
import { Timeline } from '../conversation/Timeline.tsx';
import { navigate } from '../router.ts';
import { useShortcut } from '../shortcuts.ts';

/** How often an open conversation is read again: new messages and delivery receipts appear without a reload. */
const REFRESH_MS = 4_000;

/** One conversation: its timeline across channels, the composer, the customer panel. */
export default function ConversationPage({ id, me }: { id: string; me: Me }) {
  // A new address is a new conversation: nothing of the previous one is kept.
  return <ConversationView key={id} id={id} me={me} />;
}

type Page = { state: 'loading' } | { state: 'notFound' } | { state: 'failed' } | { state: 'ready' };

const byId = (a: Message, b: Message) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function ConversationView({ id, me }: { id: string; me: Me }) {
  const { t } = useTranslation();
  const [page, setPage] = useState<Page>({ state: 'loading' });
  const [detail, setDetail] = useState<ConversationDetail | null>(null);
  /** Every message seen so far by id: the latest window, older pages, what the agent just sent. */
  const [messages, setMessages] = useState<Map<string, Message>>(new Map());
  const [olderLoaded, setOlderLoaded] = useState(false);
  const [older, setOlder] = useState<'idle' | 'loading' | 'failed'>('idle');
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [customerFailed, setCustomerFailed] = useState(false);
  const [others, setOthers] = useState<Conversation[]>([]);
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);
  const [agentNames, setAgentNames] = useState<Record<string, string>>({});
  const asked = useRef(new Set<string>());

  useShortcut('Escape', 'thread.shortcuts.inbox', () => navigate({ page: 'inbox' }));

  // What did not change keeps its identity: a refresh that brings nothing new redraws nothing.
  const merge = useCallback((incoming: Message[]) => {
    setMessages((current) => {
      const changed = incoming.filter((m) => JSON.stringify(current.get(m.id)) !== JSON.stringify(m));
      if (changed.length === 0) return current;
      const next = new Map(current);
      for (const m of changed) next.set(m.id, m);
      return next;
    });
  }, []);

  const load = useCallback(async () => {
    try {
      const d = await api<ConversationDetail>('GET', `/api/conversations/${encodeURIComponent(id)}`);
      setDetail((previous) => (previous && JSON.stringify(previous) === JSON.stringify(d) ? previous : d));
      merge(d.messages);
      setPage({ state: 'ready' });
    } catch (e) {
      // Outside the agent's scope and nonexistent answer alike: not found.
      if (e instanceof ApiError && (e.status === 404 || e.status === 400)) {
        setDetail(null);
        setMessages(new Map());
        setPage({ state: 'notFound' });
      } else setPage((p) => (p.state === 'ready' ? p : { state: 'failed' }));
    }
  }, [id, merge]);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => {
      if (!document.hidden) void load();
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  const customerId = detail?.customerId;
  useEffect(() => {
    if (!customerId) return;
    let current = true;
    (async () => {
      try {
        const c = await api<Customer>('GET', `/api/customers/${customerId}`);
        if (!current) return;
        setCustomer(c);
        setCustomerFailed(false);
        const [list, merges] = await Promise.all([
          api<{ items: Conversation[] }>('GET', `/api/conversations?customerId=${customerId}&limit=50`),
          api<{ items: { id: string; customerId: string; otherId: string; reason: string }[] }>(
            'GET',
            `/api/merge-suggestions?customerId=${customerId}&status=open&limit=20`,
          ).catch(() => ({ items: [] })),
        ]);
        if (!current) return;
        setOthers(list.items);
        const named = await Promise.all(
          merges.items.map(async (s) => {
            const otherId = s.customerId === customerId ? s.otherId : s.customerId;
            // The other record may be out of the agent's scope: then it stays unnamed.
            const other = await api<Customer>('GET', `/api/customers/${otherId}`).catch(() => undefined);
            return { id: s.id, reason: s.reason, otherName: other?.displayName };
          }),
        );
        if (current) setSuggestions(named);
      } catch {
        if (current) setCustomerFailed(true);
      }
    })();
    return () => {
      current = false;
    };
  }, [customerId]);

  // The names of the agents who wrote, each asked once.
  useEffect(() => {
    for (const m of messages.values()) {
      const agentId = m.authorKind === 'agent' ? m.authorId : null;
      if (!agentId || agentId === me.user.agentId || asked.current.has(agentId)) continue;
      asked.current.add(agentId);
      api<{ displayName: string }>('GET', `/api/agents/${agentId}`)
        .then((a) => setAgentNames((names) => ({ ...names, [agentId]: a.displayName })))
        .catch(() => undefined);
    }
  }, [messages, me.user.agentId]);

  const ordered = useMemo(() => [...messages.values()].sort(byId), [messages]);
  const conversation = useMemo<ConversationDetail | null>(
    () => (detail ? { ...detail, messages: ordered } : null),
    [detail, ordered],
  );

  /** The messages before the ones shown, paged from the first (the list runs oldest first). */
  const loadOlder = useCallback(async () => {
    const oldest = ordered[0]?.id;
    if (!oldest) return;
    setOlder('loading');
    try {
      const found: Message[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const result: { items: Message[]; nextCursor: string | null } = await api(
          'GET',
          `/api/conversations/${id}/messages?${query}`,
        );
        found.push(...result.items.filter((m) => m.id < oldest));
        const last = result.items.at(-1);
        cursor = last && last.id < oldest ? result.nextCursor : null;
      } while (cursor);
      merge(found);
      setOlderLoaded(true);
      setOlder('idle');
    } catch {
      setOlder('failed');
    }
  }, [id, ordered[0]?.id, merge]);

  if (page.state === 'notFound')
    return (
      <main className="conversation">
        <p role="alert" className="error">
          {t('thread.notFound')}
        </p>
        <p>
          <a
            href="/"
            onClick={(e) => {
              e.preventDefault();
              navigate({ page: 'inbox' });
            }}
          >
            {t('thread.backToInbox')}
          </a>
        </p>
      </main>
    );
  if (!detail || !conversation)
    return (
      <main className="conversation">
        {page.state === 'failed' ? (
          <p role="alert" className="error">
            {t('thread.loadFailed')}
          </p>
        ) : (
          <p>{t('thread.loading')}</p>
        )}
      </main>
    );

  return (
    <main className="conversation" data-conversation={id}>
      <div className="conversation-main">
        <Facts conversation={detail} />
        <ConversationActions
          conversation={conversation}
          me={me}
          onChanged={(changed) => {
            setDetail((d) => (d ? { ...d, ...changed } : d));
            void load();
          }}
        />
        <Timeline
          conversationId={id}
          messages={ordered}
          customerName={customer?.displayName}
          me={me}
          agentNames={agentNames}
          more={detail.moreMessages && !olderLoaded}
          older={older}
          onLoadOlder={() => void loadOlder()}
        />
        <Composer
          conversation={conversation}
          customer={customer}
          me={me}
          onSent={(message) => {
            merge([message]);
            void load();
          }}
        />
      </div>
      <CustomerPanel
        customer={customer}
        failed={customerFailed}
        conversations={others}
        currentId={id}
        suggestions={suggestions}
      />
    </main>
  );
}

/** Subject, channels, language, level, priority, status, the SLA clocks and the snooze. */
function Facts({ conversation: c }: { conversation: Conversation }) {
  const { t, i18n } = useTranslation();
  const now = useNow(15_000);
  const language = i18n.language;
  const languages = new Intl.DisplayNames([language], { type: 'language' });
  const dates = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
  const list = new Intl.ListFormat(language, { type: 'conjunction' });
  const clocks = [
    { key: 'firstResponse', due: c.firstResponseDueAt, done: c.firstRespondedAt },
    { key: 'resolution', due: c.resolutionDueAt, done: c.resolvedAt },
  ].filter((clock): clock is { key: string; due: string; done: null } => !!clock.due && !clock.done);
  return (
    <div className="conversation-facts">
      <h2 dir="auto">
        <bdi>{c.subject ?? t('conversation.noSubject')}</bdi>
      </h2>
      <dl>
        <div>
          <dt>{t('thread.channels')}</dt>
          <dd>{list.format(c.channels.map((ch) => t(`channel.${ch}`)))}</dd>
        </div>
        <div>
          <dt>{t('conversation.language')}</dt>
          <dd>{languages.of(c.language) ?? c.language}</dd>
        </div>
        <div>
          <dt>{t('thread.tier')}</dt>
          <dd>{t(`tier.${c.tier}`)}</dd>
        </div>
        <div>
          <dt>{t('thread.priority')}</dt>
          <dd className={`priority ${c.priority}`}>{t(`thread.priorities.${c.priority}`)}</dd>
        </div>
        <div>
          <dt>{t('conversation.status')}</dt>
          <dd>{t(`status.${c.status}`)}</dd>
        </div>
        {clocks.map((clock) => {
          const left = new Date(clock.due).getTime() - now.getTime();
          const when = relativeTime(language, left);
          return (
            <div key={clock.key} className={`sla ${left < 0 ? 'overdue' : 'due'}`}>
              <dt>{t(`thread.sla.${clock.key}`)}</dt>
              <dd>
                <time dateTime={clock.due} title={dates.format(new Date(clock.due))}>
                  {left < 0 ? t('thread.sla.overdue', { when }) : t('thread.sla.due', { when })}
                </time>
              </dd>
            </div>
          );
        })}
        {c.snoozedUntil && (
          <div>
            <dt>{t('thread.snoozed')}</dt>
            <dd>
              <time dateTime={c.snoozedUntil}>
                {t('thread.snoozedUntil', { time: dates.format(new Date(c.snoozedUntil)) })}
              </time>
            </dd>
          </div>
        )}
      </dl>
    </div>
  );
}
