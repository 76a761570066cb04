import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';

interface QueueItem {
  conversationId: string;
  subsidiaryId: string;
  channel: string;
  language: string;
  tier: string;
  priority: string;
  arrivedAt: string;
  position: number;
  waitReason: { code: string; message: string } | null;
  estimatedWaitSeconds: number | null;
}

interface Queue {
  subsidiaryId: string;
  language: string;
  channel: string;
  tier: string;
  waiting: number;
  servedPerHour: number;
}

interface View {
  items: QueueItem[];
  queues: Queue[];
}

type Link = 'connecting' | 'live' | 'lost';

/** The live queues in the supervisor's scope: pushed by the server over a WebSocket, no reload. */
export default function Queues() {
  const { t, i18n } = useTranslation();
  const [view, setView] = useState<View | null>(null);
  const [link, setLink] = useState<Link>('connecting');
  const [names, setNames] = useState<Record<string, string>>({});
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    api<{ items: Array<{ id: string; name: string }> }>('GET', '/api/subsidiaries?limit=100')
      .then((page) => setNames(Object.fromEntries(page.items.map((s) => [s.id, s.name]))))
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    let socket: WebSocket | undefined;
    let retry: number | undefined;
    let stopped = false;
    const connect = () => {
      const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
      socket = new WebSocket(`${scheme}://${window.location.host}/api/queues/socket`);
      socket.onopen = () => setLink('live');
      socket.onmessage = (event) => {
        const frame = JSON.parse(String(event.data)) as { type: string } & Partial<View>;
        if (frame.type === 'queues' && frame.items && frame.queues)
          setView({ items: frame.items, queues: frame.queues });
      };
      socket.onclose = () => {
        if (stopped) return;
        setLink('lost');
        retry = window.setTimeout(connect, 3000);
      };
    };
    connect();
    const clock = window.setInterval(() => setNow(Date.now()), 15_000);
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      window.clearInterval(clock);
      socket?.close();
    };
  }, []);

  const minutes = useMemo(
    () => new Intl.NumberFormat(i18n.language, { style: 'unit', unit: 'minute', unitDisplay: 'short' }),
    [i18n.language],
  );
  const languageNames = useMemo(
    () => new Intl.DisplayNames([i18n.language], { type: 'language' }),
    [i18n.language],
  );
  const waited = (since: string) =>
    minutes.format(Math.max(0, Math.floor((now - Date.parse(since)) / 60_000)));
  const longest = (q: Queue) => {
    const first = view?.items
      .filter(
        (i) =>
          i.subsidiaryId === q.subsidiaryId &&
          i.language === q.language &&
          i.channel === q.channel &&
          i.tier === q.tier,
      )
      .map((i) => i.arrivedAt)
      .sort()[0];
    return first ? waited(first) : '';
  };

  return (
    <main className="queues">
      <p className={`link ${link}`} role="status">
        {t(`queues.link.${link}`)}
      </p>
      {view && view.queues.length === 0 && <p>{t('queues.empty')}</p>}
      {view && view.queues.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('queues.subsidiary')}</th>
              <th scope="col">{t('conversation.language')}</th>
              <th scope="col">{t('conversation.channel')}</th>
              <th scope="col">{t('queues.tier')}</th>
              <th scope="col">{t('queues.waiting')}</th>
              <th scope="col">{t('queues.longestWait')}</th>
              <th scope="col">{t('queues.servedPerHour')}</th>
            </tr>
          </thead>
          <tbody>
            {view.queues.map((q) => (
              <tr key={`${q.subsidiaryId}|${q.language}|${q.channel}|${q.tier}`} data-waiting={q.waiting}>
                <td>
                  <bdi>{names[q.subsidiaryId] ?? q.subsidiaryId}</bdi>
                </td>
                <td>{languageNames.of(q.language) ?? q.language}</td>
                <td>{t(`channel.${q.channel}`)}</td>
                <td>{t(`tier.${q.tier}`)}</td>
                <td>{q.waiting}</td>
                <td>{longest(q)}</td>
                <td>
                  {new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(q.servedPerHour)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {view && view.items.length > 0 && (
        <>
          <h2>{t('queues.items')}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('queues.position')}</th>
                <th scope="col">{t('queues.subsidiary')}</th>
                <th scope="col">{t('conversation.language')}</th>
                <th scope="col">{t('conversation.channel')}</th>
                <th scope="col">{t('queues.tier')}</th>
                <th scope="col">{t('queues.waitingFor')}</th>
                <th scope="col">{t('queues.estimatedWait')}</th>
                <th scope="col">{t('queues.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {view.items.map((i) => (
                <tr key={i.conversationId}>
                  <td>{i.position}</td>
                  <td>
                    <bdi>{names[i.subsidiaryId] ?? i.subsidiaryId}</bdi>
                  </td>
                  <td>{languageNames.of(i.language) ?? i.language}</td>
                  <td>{t(`channel.${i.channel}`)}</td>
                  <td>{t(`tier.${i.tier}`)}</td>
                  <td>{waited(i.arrivedAt)}</td>
                  <td>
                    {i.estimatedWaitSeconds === null
                      ? ''
                      : minutes.format(Math.ceil(i.estimatedWaitSeconds / 60))}
                  </td>
                  <td>{i.waitReason ? t(`waitReason.${i.waitReason.code}`) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
