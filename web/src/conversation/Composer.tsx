import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type Attachment,
  api,
  type ConversationDetail,
  type Customer,
  type Me,
  type Message,
  upload,
} from '../api.ts';
import { supported } from '../i18n.ts';
import { useShortcut } from '../shortcuts.ts';
import { defaultChannel, hasPublicComments, type ReplyChannel, replyChannels } from './channels.ts';
import { sayProblem } from './problems.ts';
import { lastInbound, quoteMessage, withQuote } from './quote.ts';
import { SavedReplyPicker } from './SavedReplyPicker.tsx';
import { countSms, visibleForm } from './sms.ts';

export interface ComposerProps {
  conversation: ConversationDetail;
  customer: Customer | null;
  me: Me;
  /** A message or note was stored: the page adds it to the timeline. */
  onSent: (message: Message) => void;
}

/** What the agent has written and not sent, per conversation, kept for the browser tab's life. */
interface Draft {
  text: string;
  note: boolean;
  attachments: Attachment[];
}

/** Characters that force UCS-2 named at most: a whole Arabic message would list its alphabet. */
const UNICODE_SHOWN = 12;

const EMPTY: Draft = { text: '', note: false, attachments: [] };
const draftKey = (conversationId: string) => `relais.draft.${conversationId}`;

function readDraft(conversationId: string): Draft {
  try {
    const stored = window.sessionStorage.getItem(draftKey(conversationId));
    return stored ? { ...EMPTY, ...(JSON.parse(stored) as Partial<Draft>) } : EMPTY;
  } catch {
    return EMPTY;
  }
}

function writeDraft(conversationId: string, draft: Draft): void {
  try {
    if (!draft.text && draft.attachments.length === 0 && !draft.note)
      window.sessionStorage.removeItem(draftKey(conversationId));
    else window.sessionStorage.setItem(draftKey(conversationId), JSON.stringify(draft));
  } catch {
    // Storage full or refused: the draft lives in the page only.
  }
}

/** A draft that follows the conversation shown: another conversation, its own draft. */
function useDraft(conversationId: string) {
  const [state, setState] = useState(() => ({ id: conversationId, draft: readDraft(conversationId) }));
  const draft = state.id === conversationId ? state.draft : readDraft(conversationId);
  if (state.id !== conversationId) setState({ id: conversationId, draft });
  const update = (change: Partial<Draft>) =>
    setState((s) => {
      const next = { ...(s.id === conversationId ? s.draft : readDraft(conversationId)), ...change };
      writeDraft(conversationId, next);
      return { id: conversationId, draft: next };
    });
  return [draft, update] as const;
}

/** The reply box, fitted to the channel: SMS segments, email quoting and attachments, public or private on social networks, saved replies, notes. */
export function Composer({ conversation, customer, onSent }: ComposerProps) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const box = useRef<HTMLTextAreaElement>(null);
  const files = useRef<HTMLInputElement>(null);
  const [draft, update] = useDraft(conversation.id);
  const channels = useMemo(() => replyChannels(conversation, customer), [conversation, customer]);
  const [chosen, setChosen] = useState<{ id: string; channel: ReplyChannel } | null>(null);
  const channel =
    chosen && chosen.id === conversation.id && channels.includes(chosen.channel)
      ? chosen.channel
      : defaultChannel(conversation, channels);
  const [visibility, setVisibility] = useState<'public' | 'private' | null>(null);
  const [quoting, setQuoting] = useState(false);
  const [sending, setSending] = useState(false);
  const [uploading, setUploading] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Another conversation: nothing of the last one's choices carries over.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the conversation changes
  useEffect(() => {
    setVisibility(null);
    setQuoting(false);
    setError(null);
  }, [conversation.id]);

  const note = draft.note || channel === undefined;
  const publicChoice = !note && channel === 'social' && hasPublicComments(conversation.messages);
  const email = !note && channel === 'email';
  const sms = !note && channel === 'sms' ? countSms(draft.text) : null;

  const quoted = useMemo(() => {
    const last = lastInbound(conversation.messages);
    if (!last) return undefined;
    // The quote is written for the customer: their language's words and dates, their time zone.
    const language = supported(conversation.language) ?? conversation.language;
    const words = i18n.getFixedT(supported(conversation.language) ?? 'en');
    return quoteMessage(last, {
      language,
      timeZone: customer?.timeZone,
      name: customer?.displayName ?? t('composer.quote.customer'),
      header: ({ date, name }) => words('composer.quote.header', { date, name }),
    });
  }, [conversation.messages, conversation.language, customer, i18n, t]);

  useShortcut('r', 'composer.shortcuts.focus', () => box.current?.focus());
  useShortcut('mod+Enter', 'composer.shortcuts.send', () => void send());

  function insert(text: string) {
    const area = box.current;
    const start = area?.selectionStart ?? draft.text.length;
    const end = area?.selectionEnd ?? draft.text.length;
    const next = draft.text.slice(0, start) + text + draft.text.slice(end);
    update({ text: next });
    requestAnimationFrame(() => {
      if (!box.current) return;
      box.current.focus();
      box.current.setSelectionRange(start + text.length, start + text.length);
    });
  }

  async function attach(list: FileList | null) {
    if (!list || list.length === 0) return;
    setError(null);
    const added: Attachment[] = [];
    try {
      for (const file of Array.from(list)) {
        setUploading(file.name);
        added.push(
          await upload<Attachment>(
            `/api/conversations/${encodeURIComponent(conversation.id)}/attachments?filename=${encodeURIComponent(file.name)}`,
            file,
          ),
        );
      }
    } catch (e) {
      setError(t('composer.attachments.failed', { reason: sayProblem(t, e) }));
    } finally {
      setUploading(null);
      // The same file twice is attached once.
      const known = new Set(draft.attachments.map((a) => a.sha256 ?? a.filename));
      const fresh = added.filter((a) => !known.has(a.sha256 ?? a.filename));
      if (fresh.length) update({ attachments: [...draft.attachments, ...fresh] });
      if (files.current) files.current.value = '';
    }
  }

  async function send() {
    if (sending || uploading) return;
    const text = draft.text.trim();
    if (!text) {
      setError(t(note ? 'composer.problems.emptyNote' : 'composer.problems.empty'));
      box.current?.focus();
      return;
    }
    if (publicChoice && !visibility) {
      setError(t('composer.problems.visibility'));
      return;
    }
    setSending(true);
    setError(null);
    const path = `/api/conversations/${encodeURIComponent(conversation.id)}`;
    try {
      const message = note
        ? await api<Message>('POST', `${path}/notes`, { text })
        : await api<Message>('POST', `${path}/messages`, {
            direction: 'outbound',
            text: withQuote(text, email && quoting ? quoted : undefined),
            channel,
            ...(email && draft.attachments.length ? { attachments: draft.attachments } : {}),
            ...(publicChoice && visibility ? { visibility } : {}),
          });
      update({ text: '', attachments: email ? [] : draft.attachments });
      setQuoting(false);
      setVisibility(null);
      onSent(message);
    } catch (e) {
      setError(
        t(note ? 'composer.problems.noteFailed' : 'composer.problems.sendFailed', {
          reason: sayProblem(t, e),
        }),
      );
    } finally {
      setSending(false);
    }
  }

  /** A file's size in the agent's language: bytes, kB or MB. */
  const size = (bytes: number) => {
    const [unit, value] =
      bytes < 1024
        ? ['byte', bytes]
        : bytes < 1024 ** 2
          ? ['kilobyte', bytes / 1024]
          : ['megabyte', bytes / 1024 ** 2];
    return new Intl.NumberFormat(i18n.language, { style: 'unit', unit, maximumFractionDigits: 1 }).format(
      value,
    );
  };

  return (
    <section className={note ? 'composer note' : 'composer'} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t(note ? 'composer.noteTitle' : 'composer.title')}</h2>
      <div className="composer-bar">
        {channel !== undefined && (
          <label className="field inline note-toggle">
            <input
              type="checkbox"
              checked={draft.note}
              onChange={(e) => update({ note: e.target.checked })}
            />
            <span>{t('composer.noteToggle')}</span>
          </label>
        )}
        {!note && channels.length > 1 && (
          <label className="field inline">
            <span>{t('composer.channel')}</span>
            <select
              value={channel}
              onChange={(e) => setChosen({ id: conversation.id, channel: e.target.value as ReplyChannel })}
            >
              {channels.map((c) => (
                <option key={c} value={c}>
                  {t(`channel.${c}`)}
                </option>
              ))}
            </select>
          </label>
        )}
        {!note && channels.length === 1 && channel && (
          <p className="hint">{t('composer.replyingOn', { channel: t(`channel.${channel}`) })}</p>
        )}
        {!note && <SavedReplyPicker conversation={conversation} onInsert={insert} />}
      </div>
      {channel === undefined && <p className="hint">{t('composer.noChannel')}</p>}

      <form
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        {email && (
          <p className="composer-subject">
            <span>{t('conversation.subject')}</span>{' '}
            <bdi>{conversation.subject ?? t('conversation.noSubject')}</bdi>
          </p>
        )}
        {publicChoice && (
          <fieldset className="visibility">
            <legend>{t('composer.visibility.legend')}</legend>
            {(['public', 'private'] as const).map((v) => (
              <label key={v} className="choice">
                <input
                  type="radio"
                  name={`${id}-visibility`}
                  value={v}
                  checked={visibility === v}
                  aria-describedby={`${id}-visibility-${v}`}
                  onChange={() => setVisibility(v)}
                />
                <span>{t(`composer.visibility.${v}`)}</span>
                <small id={`${id}-visibility-${v}`}>{t(`composer.visibility.${v}Explained`)}</small>
              </label>
            ))}
          </fieldset>
        )}
        <label className="field">
          <span>{t(note ? 'composer.noteLabel' : 'composer.label')}</span>
          <textarea
            ref={box}
            dir="auto"
            rows={5}
            value={draft.text}
            aria-keyshortcuts="r"
            aria-describedby={sms ? `${id}-sms` : undefined}
            onChange={(e) => update({ text: e.target.value })}
          />
        </label>
        {sms && (
          <div id={`${id}-sms`} className="sms-count">
            <p>
              {t('composer.sms.characters', { count: sms.units })}
              {' · '}
              {t('composer.sms.segments', { count: sms.segments })}
              {' · '}
              {t(`composer.sms.${sms.encoding}`)}
            </p>
            {sms.unicode.length > 0 && (
              <p className="hint">
                {t('composer.sms.unicodeBecause', { count: sms.unicode.length })}{' '}
                {/* Each character on its own, isolated: no list words that could join it to its neighbours. */}
                <span className="unicode-chars">
                  {sms.unicode.slice(0, UNICODE_SHOWN).map((c) => (
                    <bdi key={c}>{visibleForm(c)}</bdi>
                  ))}
                  {sms.unicode.length > UNICODE_SHOWN && <span aria-hidden="true">…</span>}
                </span>
              </p>
            )}
          </div>
        )}
        {email && quoted && (
          <div className="quote">
            <label className="field inline">
              <input type="checkbox" checked={quoting} onChange={(e) => setQuoting(e.target.checked)} />
              <span>{t('composer.quote.toggle')}</span>
            </label>
            {quoting && (
              <figure>
                <figcaption className="hint">{t('composer.quote.preview')}</figcaption>
                <pre dir="auto">{quoted}</pre>
              </figure>
            )}
          </div>
        )}
        {email && (
          <div className="attachments">
            {/* The browser's own file button speaks the browser's language: ours speaks the agent's. */}
            <label className="file-button">
              <input
                ref={files}
                type="file"
                multiple
                disabled={uploading !== null}
                onChange={(e) => void attach(e.target.files)}
              />
              <span>{t('composer.attachments.add')}</span>
            </label>
            {uploading && (
              <p role="status">{t('composer.attachments.uploading', { name: `\u2068${uploading}\u2069` })}</p>
            )}
            {draft.attachments.length > 0 && (
              <ul aria-label={t('composer.attachments.list')}>
                {draft.attachments.map((a) => (
                  <li key={a.sha256 ?? a.filename}>
                    <bdi>{a.filename}</bdi> <span className="hint">{size(a.size)}</span>
                    <button
                      type="button"
                      className="secondary"
                      aria-label={t('composer.attachments.remove', { name: a.filename })}
                      onClick={() => update({ attachments: draft.attachments.filter((b) => b !== a) })}
                    >
                      {t('composer.attachments.removeShort')}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="composer-send">
          <button
            type="submit"
            disabled={sending || uploading !== null}
            aria-keyshortcuts="Control+Enter Meta+Enter"
          >
            {t(sending ? 'composer.sending' : note ? 'composer.addNote' : 'composer.send')}
          </button>
          <span className="hint">{t('composer.sendHint')}</span>
        </div>
      </form>
    </section>
  );
}
