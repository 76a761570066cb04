import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ConversationDetail } from '../api.ts';
import { sayProblem } from './problems.ts';
import { needsOrder, type RenderedReply, type SavedReply, searchReplies } from './savedReplies.ts';

/** The subsidiary's saved replies in the conversation's language. */
async function loadSavedReplies(subsidiaryId: string, language: string): Promise<SavedReply[]> {
  const query = new URLSearchParams({ subsidiaryId, language });
  const answer = await api<SavedReply[] | { items: SavedReply[] }>('GET', `/api/saved-replies?${query}`);
  return Array.isArray(answer) ? answer : answer.items;
}

/** A saved reply filled in for this conversation, with the order number when the agent gave one. */
function renderSavedReply(
  conversationId: string,
  replyId: string,
  order: string | undefined,
): Promise<RenderedReply> {
  return api<RenderedReply>(
    'POST',
    `/api/conversations/${encodeURIComponent(conversationId)}/saved-replies/${encodeURIComponent(replyId)}/render`,
    { variables: order ? { order } : {} },
  );
}

/**
 * A button that opens a searchable list of saved replies (a combobox over a listbox):
 * arrows move, Enter chooses, Escape closes. The chosen reply is filled in by the
 * server; when it needs an order number, a small field asks for it.
 */
export function SavedReplyPicker({
  conversation,
  onInsert,
}: {
  conversation: ConversationDetail;
  onInsert: (text: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const [replies, setReplies] = useState<SavedReply[] | null>(null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [asking, setAsking] = useState<SavedReply | null>(null);
  const [order, setOrder] = useState('');
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [unfilled, setUnfilled] = useState<string[]>([]);
  const button = useRef<HTMLButtonElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const orderField = useRef<HTMLInputElement>(null);
  const id = useId();
  const listId = `${id}-list`;

  const shown = useMemo(
    () => (replies ? searchReplies(replies, query, i18n.language) : []),
    [replies, query, i18n.language],
  );

  useEffect(() => {
    if (!open || replies) return;
    let cancelled = false;
    loadSavedReplies(conversation.subsidiaryId, conversation.language)
      .then((list) => {
        if (!cancelled) setReplies(list);
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(sayProblem(t, e));
      });
    return () => {
      cancelled = true;
    };
  }, [open, replies, conversation.subsidiaryId, conversation.language, t]);

  useEffect(() => {
    if (open && !asking) search.current?.focus();
    if (asking) orderField.current?.focus();
  }, [open, asking]);

  // Another conversation, another subsidiary or language: its own replies.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the conversation changes
  useEffect(() => {
    setReplies(null);
    close(false);
  }, [conversation.id, conversation.language]);

  function close(refocus = true) {
    setOpen(false);
    setQuery('');
    setActive(0);
    setAsking(null);
    setOrder('');
    setError(null);
    if (refocus) button.current?.focus();
  }

  async function choose(reply: SavedReply, orderNumber?: string) {
    setWorking(true);
    setError(null);
    try {
      const rendered = await renderSavedReply(conversation.id, reply.id, orderNumber?.trim() || undefined);
      if (needsOrder(rendered.missing)) {
        if (orderNumber?.trim()) setError(t('composer.savedReplies.orderStillMissing'));
        setAsking(reply);
        return;
      }
      setUnfilled(rendered.missing);
      onInsert(rendered.text);
      close(false);
    } catch (e) {
      setError(sayProblem(t, e));
    } finally {
      setWorking(false);
    }
  }

  function onSearchKey(event: React.KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((a) => Math.min(a + 1, shown.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const reply = shown[active];
      if (reply) void choose(reply);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  }

  const optionId = (reply: SavedReply) => `${id}-option-${reply.id}`;
  const current = shown[Math.min(active, shown.length - 1)];

  return (
    <div className="saved-replies">
      <button
        ref={button}
        type="button"
        className="secondary"
        aria-expanded={open}
        aria-controls={open ? `${id}-panel` : undefined}
        onClick={() => (open ? close() : setOpen(true))}
      >
        {t('composer.savedReplies.button')}
      </button>
      {unfilled.length > 0 && !open && (
        <p className="hint" role="status">
          {t('composer.savedReplies.unfilled', {
            names: new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(unfilled),
          })}
        </p>
      )}
      {open && (
        // biome-ignore lint/a11y/noStaticElementInteractions: Escape anywhere in the panel closes it
        <div
          id={`${id}-panel`}
          className="saved-replies-panel"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              close();
            }
          }}
        >
          {!asking && (
            <>
              <label className="field">
                <span>{t('composer.savedReplies.search')}</span>
                <input
                  ref={search}
                  type="search"
                  role="combobox"
                  aria-expanded="true"
                  aria-controls={listId}
                  aria-autocomplete="list"
                  aria-activedescendant={current ? optionId(current) : undefined}
                  value={query}
                  onChange={(e) => {
                    setQuery(e.target.value);
                    setActive(0);
                  }}
                  onKeyDown={onSearchKey}
                />
              </label>
              {replies === null && !error && <p>{t('composer.savedReplies.loading')}</p>}
              {replies !== null && shown.length === 0 && <p>{t('composer.savedReplies.none')}</p>}
              <div id={listId} role="listbox" aria-label={t('composer.savedReplies.list')}>
                {shown.map((reply) => (
                  // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox above carries the keyboard
                  <div
                    key={reply.id}
                    id={optionId(reply)}
                    role="option"
                    tabIndex={-1}
                    aria-selected={reply === current}
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => void choose(reply)}
                  >
                    <strong dir="auto">{reply.title}</strong>
                    <span dir="auto">{reply.body}</span>
                  </div>
                ))}
              </div>
            </>
          )}
          {asking && (
            <div className="saved-replies-order">
              <p>{t('composer.savedReplies.needsOrder', { title: `\u2068${asking.title}\u2069` })}</p>
              <label className="field">
                <span>{t('composer.savedReplies.order')}</span>
                <input
                  ref={orderField}
                  value={order}
                  onChange={(e) => setOrder(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      if (order.trim()) void choose(asking, order);
                    }
                  }}
                />
              </label>
              <div className="buttons">
                <button
                  type="button"
                  disabled={working || !order.trim()}
                  onClick={() => void choose(asking, order)}
                >
                  {t('composer.savedReplies.insert')}
                </button>
                <button type="button" className="secondary" onClick={() => close()}>
                  {t('composer.cancel')}
                </button>
              </div>
            </div>
          )}
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
