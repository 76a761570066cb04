import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Attachment, api, type Me, type Message } from '../api.ts';
import { useShortcut } from '../shortcuts.ts';
import { fileSize } from './clock.ts';
import { EmailBody } from './EmailBody.tsx';

export interface TimelineProps {
  conversationId: string;
  /** Oldest first. */
  messages: Message[];
  customerName: string | undefined;
  me: Me;
  /** Agents' names by id, as far as they are known. */
  agentNames: Record<string, string>;
  /** Older messages exist that are not shown yet. */
  more: boolean;
  older: 'idle' | 'loading' | 'failed';
  onLoadOlder: () => void;
}

const attachmentUrl = (conversationId: string, messageId: string, a: Attachment) =>
  `/api/conversations/${conversationId}/messages/${messageId}/attachments/${a.sha256}`;

/** Every message of the conversation across its channels, oldest first; `j`/`k` move between them. */
export function Timeline(props: TimelineProps) {
  const { t } = useTranslation();
  const { messages } = props;
  const items = useRef(new Map<string, HTMLElement>());

  const move = (step: 1 | -1) => {
    const ids = messages.map((m) => m.id);
    const focused = ids.findIndex((id) => items.current.get(id) === document.activeElement);
    const next = focused === -1 ? (step === 1 ? 0 : ids.length - 1) : focused + step;
    const id = ids[Math.min(Math.max(next, 0), ids.length - 1)];
    const element = id ? items.current.get(id) : undefined;
    element?.focus();
    element?.scrollIntoView({ block: 'nearest' });
  };
  useShortcut('j', 'thread.shortcuts.next', () => move(1));
  useShortcut('k', 'thread.shortcuts.previous', () => move(-1));

  return (
    <section className="timeline" aria-labelledby="timeline-title">
      <h3 id="timeline-title">{t('thread.messages')}</h3>
      {props.more && (
        <p>
          <button
            type="button"
            className="secondary"
            disabled={props.older === 'loading'}
            onClick={props.onLoadOlder}
          >
            {props.older === 'loading' ? t('thread.loadingOlder') : t('thread.loadOlder')}
          </button>
        </p>
      )}
      {props.older === 'failed' && (
        <p role="alert" className="error">
          {t('thread.olderFailed')}
        </p>
      )}
      {messages.length === 0 && <p>{t('thread.empty')}</p>}
      <ol>
        {messages.map((m) => (
          <li key={m.id}>
            <MessageItem
              {...props}
              message={m}
              register={(element) => {
                if (element) items.current.set(m.id, element);
                else items.current.delete(m.id);
              }}
            />
          </li>
        ))}
      </ol>
    </section>
  );
}

function MessageItem({
  conversationId,
  message: m,
  customerName,
  me,
  agentNames,
  register,
}: TimelineProps & { message: Message; register: (element: HTMLElement | null) => void }) {
  const { t, i18n } = useTranslation();
  const dates = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const author =
    m.authorKind === 'customer'
      ? (customerName ?? t('thread.author.customer'))
      : m.authorKind === 'agent'
        ? m.authorId !== null && m.authorId === me.user.agentId
          ? t('thread.author.you')
          : ((m.authorId && agentNames[m.authorId]) ?? t('thread.author.agent'))
        : t('thread.author.system');
  const kind = m.internal ? 'note' : m.direction;
  const headId = `message-${m.id}`;
  // An email's inline images are shown inside its HTML, a call's recording in its player: not listed again.
  const listed = m.attachments.filter(
    (a) =>
      !(m.channel === 'email' && a.inline) && !(m.channel === 'voice' && a.mediaType.startsWith('audio/')),
  );
  const isEmail = m.channel === 'email' && m.hasRaw && (m.rawMediaType ?? '').startsWith('message/rfc822');

  return (
    <article
      ref={register}
      className={`message ${kind} channel-${m.channel}`}
      tabIndex={-1}
      aria-labelledby={headId}
      data-message={m.id}
    >
      <div className="message-meta" id={headId}>
        <span className="author">
          <bdi>{author}</bdi>
        </span>
        {m.internal ? (
          <span className="badge note">{t('thread.note')}</span>
        ) : (
          <>
            <span className="badge">{t(`channel.${m.channel}`)}</span>
            <span>{t(`thread.direction.${m.direction}`)}</span>
          </>
        )}
        {m.visibility && !m.internal && (
          <span className={`badge visibility-${m.visibility}`}>{t(`thread.visibility.${m.visibility}`)}</span>
        )}
        <time dateTime={m.createdAt}>{dates.format(new Date(m.createdAt))}</time>
        {m.direction === 'outbound' && !m.internal && (
          <span className={`delivery ${m.deliveryStatus}`}>{t(`thread.delivery.${m.deliveryStatus}`)}</span>
        )}
      </div>
      {m.internal && <p className="hint">{t('thread.noteHint')}</p>}
      {m.direction === 'outbound' && m.deliveryStatus === 'failed' && m.deliveryError && (
        <p className="error">
          {t('thread.deliveryError')} <bdi>{m.deliveryError}</bdi>
        </p>
      )}
      {m.channel === 'voice' ? (
        <VoiceEvent conversationId={conversationId} message={m} />
      ) : isEmail ? (
        <EmailBody conversationId={conversationId} messageId={m.id} text={m.text} from={author} />
      ) : (
        <p className="message-text" dir="auto">
          {m.text}
        </p>
      )}
      {m.channel === 'mail' && <LetterScan conversationId={conversationId} message={m} />}
      {listed.length > 0 && (
        <div className="attachments">
          <p className="attachments-title">{t('thread.attachments')}</p>
          <ul>
            {listed.map((a, i) => (
              <li key={a.sha256 ?? `${a.filename}-${i}`}>
                {a.sha256 ? (
                  <a href={attachmentUrl(conversationId, m.id, a)} download={a.filename}>
                    <bdi>{a.filename}</bdi>
                  </a>
                ) : (
                  <bdi>{a.filename}</bdi>
                )}{' '}
                <span className="size">{fileSize(i18n.language, a.size)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </article>
  );
}

/** What the telephony platform sent (the message's raw form), for a call described in the agent's language. */
interface CallEvent {
  event: 'ringing' | 'answered' | 'ended' | 'missed' | 'voicemail' | 'callback_requested';
  durationSeconds?: number;
  recordingUrl?: string;
}

function VoiceEvent({ conversationId, message: m }: { conversationId: string; message: Message }) {
  const { t, i18n } = useTranslation();
  const [call, setCall] = useState<CallEvent | null>(null);
  useEffect(() => {
    if (!m.hasRaw || m.rawMediaType !== 'application/json') return;
    let current = true;
    api<CallEvent>('GET', `/api/conversations/${conversationId}/messages/${m.id}/raw`)
      .then((c) => current && typeof c?.event === 'string' && setCall(c))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [conversationId, m.id, m.hasRaw, m.rawMediaType]);

  const recordings = m.attachments.filter((a) => a.mediaType.startsWith('audio/') && a.sha256);
  const duration =
    call?.durationSeconds === undefined
      ? undefined
      : new Intl.NumberFormat(i18n.language, {
          style: 'unit',
          unit: call.durationSeconds >= 120 ? 'minute' : 'second',
          unitDisplay: 'long',
          maximumFractionDigits: 0,
        }).format(call.durationSeconds >= 120 ? call.durationSeconds / 60 : call.durationSeconds);
  const summary = !call
    ? m.text
    : call.event === 'ended' && duration
      ? t('thread.voice.endedAfter', { duration })
      : t(`thread.voice.${call.event}`);
  return (
    <div className="voice">
      <p className="message-text" dir="auto">
        {summary}
      </p>
      {recordings.map((a) => (
        <p key={a.sha256} className="recording">
          {/* biome-ignore lint/a11y/useMediaCaption: a customer's call has no captions to give */}
          <audio controls preload="none" src={attachmentUrl(conversationId, m.id, a)} />
          <a href={attachmentUrl(conversationId, m.id, a)} download={a.filename}>
            {t('thread.voice.recording', { size: fileSize(i18n.language, a.size) })}
          </a>
        </p>
      ))}
      {call?.recordingUrl && recordings.length === 0 && (
        <p className="recording">
          <a href={call.recordingUrl} target="_blank" rel="noopener noreferrer">
            {t('thread.voice.platformRecording')}
          </a>
        </p>
      )}
    </div>
  );
}

/** A scanned letter: an image scan shown in place (a PDF is in the attachments, to open). */
function LetterScan({ conversationId, message: m }: { conversationId: string; message: Message }) {
  const { t } = useTranslation();
  const images = m.attachments.filter(
    (a) => a.sha256 && a.mediaType.startsWith('image/') && a.mediaType !== 'image/tiff',
  );
  if (images.length === 0) return null;
  return (
    <div className="letter">
      {images.map((a) => (
        <figure key={a.sha256}>
          <img
            src={attachmentUrl(conversationId, m.id, a)}
            alt={t('thread.letter.scan', { name: a.filename })}
          />
        </figure>
      ))}
    </div>
  );
}
