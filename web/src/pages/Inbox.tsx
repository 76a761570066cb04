import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InboxItem } from '../api.ts';
import { rememberInboxOrder } from '../inbox-order.ts';
import type { Offer } from '../offers.ts';
import { follow, navigate, pathOf } from '../router.ts';
import { useShortcut } from '../shortcuts.ts';
import { durationText, useNow } from '../time.ts';

const ROW_PX = 64;
type Order = 'urgent' | 'waiting' | 'recent';

/** The due time that counts now: the first response's until someone answered, then the resolution's. */
const dueOf = (c: InboxItem): string | null =>
  c.waitingSince !== null && c.firstResponseDueAt ? c.firstResponseDueAt : c.resolutionDueAt;

const SORTS: Record<Order, (a: InboxItem, b: InboxItem) => number> = {
  urgent: (a, b) => (dueOf(a) ?? '~').localeCompare(dueOf(b) ?? '~'),
  waiting: (a, b) => (a.waitingSince ?? '~').localeCompare(b.waitingSince ?? '~'),
  recent: (a, b) => b.lastMessageAt.localeCompare(a.lastMessageAt),
};

/**
 * The agent's inbox: the offers waiting for their answer, then the conversations assigned
 * to them with customer, channel, language, how long the customer has waited and the SLA
 * countdown. Only the rows on screen are drawn, so thousands of conversations scroll smoothly.
 */
export function Inbox({
  agent,
  conversations,
  offers,
  failed,
  answer,
}: {
  agent: boolean;
  conversations: InboxItem[] | null;
  offers: Offer[];
  failed: boolean;
  answer: (kind: 'accept' | 'decline', offerId: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const [order, setOrder] = useState<Order>('urgent');
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(-1);
  const scroller = useRef<HTMLDivElement>(null);
  const languageNames = useMemo(
    () => new Intl.DisplayNames([i18n.language], { type: 'language' }),
    [i18n.language],
  );

  const shown = useMemo(() => {
    const q = query.trim().toLocaleLowerCase();
    const found = q
      ? (conversations ?? []).filter(
          (c) =>
            c.customerName.toLocaleLowerCase().includes(q) ||
            (c.subject ?? '').toLocaleLowerCase().includes(q),
        )
      : [...(conversations ?? [])];
    return found.sort(SORTS[order]);
  }, [conversations, order, query]);

  useEffect(() => rememberInboxOrder(shown.map((c) => c.id)), [shown]);

  const rows = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 8,
  });

  const move = (step: number) => {
    if (shown.length === 0) return;
    const next = Math.min(shown.length - 1, Math.max(0, active + step));
    setActive(next);
    rows.scrollToIndex(next, { align: 'auto' });
    window.requestAnimationFrame(() =>
      scroller.current?.querySelector<HTMLAnchorElement>(`[data-index="${next}"] a`)?.focus(),
    );
  };
  const open = () => {
    const c = shown[active];
    if (c) navigate({ page: 'conversation', id: c.id });
  };
  useShortcut('j', 'shortcuts.nextConversation', () => move(1));
  useShortcut('k', 'shortcuts.previousConversation', () => move(-1));
  useShortcut('o', 'shortcuts.openConversation', open);
  useShortcut('/', 'shortcuts.search', () => document.getElementById('inbox-search')?.focus());

  return (
    <main className="inbox">
      {offers.length > 0 && (
        <section className="offers" aria-labelledby="offers-title">
          <h2 id="offers-title">{t('offers.title')}</h2>
          <ul>
            {offers.map((o) => (
              <li key={o.offerId}>
                <span>
                  <bdi>{o.customerName}</bdi>
                </span>
                <span>{t(`channel.${o.channel}`)}</span>
                <span>{languageNames.of(o.language) ?? o.language}</span>
                <span>
                  {t('offers.waitingSince', {
                    time: new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short' }).format(
                      new Date(o.waitingSince),
                    ),
                  })}
                </span>
                <button type="button" onClick={() => answer('accept', o.offerId)}>
                  {t('offers.accept')}
                </button>
                <button type="button" className="secondary" onClick={() => answer('decline', o.offerId)}>
                  {t('offers.decline')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {!agent && <p>{t('workspace.notAgent')}</p>}
      {agent && conversations === null && !failed && <p>{t('workspace.loading')}</p>}
      {conversations && conversations.length === 0 && <p>{t('workspace.empty')}</p>}
      {conversations && conversations.length > 0 && (
        <section aria-labelledby="inbox-title" className="inbox-list">
          <div className="inbox-tools">
            <h2 id="inbox-title" aria-live="polite">
              {query
                ? t('inbox.found', { count: shown.length, total: conversations.length })
                : t('workspace.count', { count: conversations.length })}
            </h2>
            <label className="field inline">
              <span>{t('inbox.search')}</span>
              <input
                id="inbox-search"
                type="search"
                value={query}
                aria-keyshortcuts="/"
                onChange={(e) => {
                  setQuery(e.target.value);
                  setActive(-1);
                }}
              />
            </label>
            <label className="field inline">
              <span>{t('inbox.order')}</span>
              <select value={order} onChange={(e) => setOrder(e.target.value as Order)}>
                {(Object.keys(SORTS) as Order[]).map((o) => (
                  <option key={o} value={o}>
                    {t(`inbox.orders.${o}`)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div ref={scroller} className="inbox-scroller">
            <ul aria-labelledby="inbox-title" style={{ blockSize: rows.getTotalSize() }}>
              {rows.getVirtualItems().map((row) => {
                const c = shown[row.index];
                if (!c) return null;
                const due = dueOf(c);
                const left = due ? Date.parse(due) - now : null;
                const route = { page: 'conversation', id: c.id } as const;
                return (
                  <li
                    key={c.id}
                    data-index={row.index}
                    aria-setsize={shown.length}
                    aria-posinset={row.index + 1}
                    className={row.index === active ? 'active' : undefined}
                    style={{ transform: `translateY(${row.start}px)`, blockSize: ROW_PX }}
                  >
                    <a href={pathOf(route)} onClick={follow(route)} onFocus={() => setActive(row.index)}>
                      <span className="who">
                        <bdi>{c.customerName}</bdi>
                      </span>
                      <span className="subject" dir="auto">
                        {c.subject ?? t('conversation.noSubject')}
                      </span>
                      <span className="tags">
                        <span>{t(`channel.${c.channel}`)}</span>
                        <span>{languageNames.of(c.language) ?? c.language}</span>
                        <span>{t(`status.${c.status}`)}</span>
                      </span>
                      <span className="waiting">
                        {c.snoozedUntil
                          ? t('inbox.snoozedUntil', {
                              time: new Intl.DateTimeFormat(i18n.language, {
                                dateStyle: 'short',
                                timeStyle: 'short',
                              }).format(new Date(c.snoozedUntil)),
                            })
                          : c.waitingSince
                            ? t('inbox.waiting', {
                                duration: durationText(now - Date.parse(c.waitingSince), i18n.language),
                              })
                            : t('inbox.answered')}
                      </span>
                      <span className={`due${left !== null && left < 0 ? ' overdue' : ''}`}>
                        {left === null
                          ? ''
                          : left < 0
                            ? t('inbox.overdue', { duration: durationText(-left, i18n.language) })
                            : t('inbox.dueIn', { duration: durationText(left, i18n.language) })}
                      </span>
                    </a>
                  </li>
                );
              })}
            </ul>
          </div>
        </section>
      )}
    </main>
  );
}
