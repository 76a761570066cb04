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
  firstResponseDueAt: string | null;
  sla: 'on_time' | 'at_risk' | 'breached' | null;
}

interface Queue {
  subsidiaryId: string;
  language: string;
  channel: string;
  tier: string;
  waiting: number;
  atRisk: number;
  breached: number;
  oldestArrivedAt: string;
  servedPerHour: number;
}

interface View {
  items: QueueItem[];
  queues: Queue[];
}

type Link = 'connecting' | 'live' | 'lost';

/** What the supervisor narrows the view to: the socket's own filters. */
interface Filter {
  subsidiaryId: string;
  siteId: string;
  language: string;
  channel: string;
  tier: string;
}
const NO_FILTER: Filter = { subsidiaryId: '', siteId: '', language: '', channel: '', tier: '' };
const CHANNELS = ['email', 'chat', 'sms', 'social', 'whatsapp', 'voice', 'mail'];
const TIERS = ['level1', 'level2', 'expert', 'back_office'];

const queryOf = (filter: Filter): string => {
  const params = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== ''));
  const query = params.toString();
  return query ? `?${query}` : '';
};

/** The live queues in the supervisor's scope: pushed by the server over a WebSocket, no reload. */
export default function Queues() {
  const { t, i18n } = useTranslation();
  const [view, setView] = useState<View | null>(null);
  const [link, setLink] = useState<Link>('connecting');
  const [names, setNames] = useState<Record<string, string>>({});
  const [now, setNow] = useState(() => Date.now());
  const [filter, setFilter] = useState<Filter>(NO_FILTER);
  const [sites, setSites] = useState<Array<{ id: string; name: string; languages: Array<{ tag: string }> }>>(
    [],
  );

  useEffect(() => {
    api<{ items: Array<{ id: string; name: string }> }>('GET', '/api/subsidiaries?limit=100')
      .then((page) => setNames(Object.fromEntries(page.items.map((s) => [s.id, s.name]))))
      .catch(() => undefined);
    api<{ items: Array<{ id: string; name: string; languages: Array<{ tag: string }> }> }>(
      'GET',
      '/api/sites?limit=100',
    )
      .then((page) => setSites(page.items))
      .catch(() => undefined);
  }, []);
  const languages = useMemo(
    () => [...new Set(sites.flatMap((s) => s.languages.map((l) => l.tag)))].sort(),
    [sites],
  );

  useEffect(() => {
    let socket: WebSocket | undefined;
    let retry: number | undefined;
    let stopped = false;
    const connect = () => {
      const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
      socket = new WebSocket(`${scheme}://${window.location.host}/api/queues/socket${queryOf(filter)}`);
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
    setLink('connecting');
    connect();
    const clock = window.setInterval(() => setNow(Date.now()), 15_000);
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      window.clearInterval(clock);
      socket?.close();
    };
  }, [filter]);

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
  const relative = useMemo(
    () => new Intl.RelativeTimeFormat(i18n.language, { numeric: 'auto' }),
    [i18n.language],
  );
  const dueText = (due: string) => relative.format(Math.round((Date.parse(due) - now) / 60_000), 'minute');
  const choose = (field: keyof Filter) => (event: { target: { value: string } }) =>
    setFilter((f) => ({ ...f, [field]: event.target.value }));

  return (
    <main className="queues">
      <p className={`link ${link}`} role="status">
        {t(`queues.link.${link}`)}
      </p>
      <fieldset className="queue-filters">
        <legend>{t('queues.filters')}</legend>
        <label className="field inline">
          <span>{t('queues.subsidiary')}</span>
          <select value={filter.subsidiaryId} onChange={choose('subsidiaryId')}>
            <option value="">{t('queues.all')}</option>
            {Object.entries(names).map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>{t('queues.site')}</span>
          <select value={filter.siteId} onChange={choose('siteId')}>
            <option value="">{t('queues.all')}</option>
            {sites.map((site) => (
              <option key={site.id} value={site.id}>
                {site.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>{t('conversation.language')}</span>
          <select value={filter.language} onChange={choose('language')}>
            <option value="">{t('queues.all')}</option>
            {languages.map((tag) => (
              <option key={tag} value={tag}>
                {languageNames.of(tag) ?? tag}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>{t('conversation.channel')}</span>
          <select value={filter.channel} onChange={choose('channel')}>
            <option value="">{t('queues.all')}</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`channel.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>{t('queues.tier')}</span>
          <select value={filter.tier} onChange={choose('tier')}>
            <option value="">{t('queues.all')}</option>
            {TIERS.map((tier) => (
              <option key={tier} value={tier}>
                {t(`tier.${tier}`)}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
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
              <th scope="col">{t('queues.atRisk')}</th>
              <th scope="col">{t('queues.breached')}</th>
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
                <td>{waited(q.oldestArrivedAt)}</td>
                <td className={q.atRisk > 0 ? 'at-risk' : undefined}>{q.atRisk}</td>
                <td className={q.breached > 0 ? 'breached' : undefined}>{q.breached}</td>
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
                <th scope="col">{t('queues.firstResponse')}</th>
                <th scope="col">{t('queues.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {view.items.map((i) => (
                <tr key={i.conversationId} data-conversation={i.conversationId}>
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
                  <td
                    className={
                      i.sla === 'at_risk' || i.sla === 'breached' ? i.sla.replace('_', '-') : undefined
                    }
                  >
                    {i.sla && i.firstResponseDueAt
                      ? `${t(`queues.sla.${i.sla}`)} · ${dueText(i.firstResponseDueAt)}`
                      : ''}
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
