import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { follow, pathOf } from '../router.ts';
import type { BoardAgent } from './board.ts';
import { type Outcome, Reassign } from './Reassign.tsx';

const PRESENCES = ['available', 'busy', 'away', 'offline'] as const;
type PresenceFilter = 'all' | (typeof PRESENCES)[number];

/** The channels worth a line in an agent's load: those they may take and those they hold. */
const channelsOf = (a: BoardAgent): string[] =>
  [
    ...new Set([
      ...Object.keys(a.capacity.perChannel).filter((c) => (a.capacity.perChannel[c] ?? 0) > 0),
      ...Object.keys(a.load.perChannel),
    ]),
  ].sort();

/** The agents in scope by site: presence, load against capacity, and their conversations to reassign. */
export function AgentsBySite({ agents, report }: { agents: BoardAgent[]; report: (o: Outcome) => void }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [presence, setPresence] = useState<PresenceFilter>('all');
  const formats = useMemo(
    () => ({
      number: new Intl.NumberFormat(i18n.language),
      languages: new Intl.DisplayNames([i18n.language], { type: 'language' }),
      list: new Intl.ListFormat(i18n.language, { style: 'narrow', type: 'unit' }),
      time: new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short' }),
      dateTime: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' }),
    }),
    [i18n.language],
  );
  const since = (iso: string) => {
    const at = new Date(iso);
    return (at.toDateString() === new Date().toDateString() ? formats.time : formats.dateTime).format(at);
  };
  const n = (value: number) => formats.number.format(value);

  const shown = presence === 'all' ? agents : agents.filter((a) => a.presence === presence);
  const sites = useMemo(() => {
    const bySite = new Map<string, { name: string; agents: BoardAgent[] }>();
    for (const a of shown) {
      const site = bySite.get(a.site.id) ?? { name: a.site.name, agents: [] };
      site.agents.push(a);
      bySite.set(a.site.id, site);
    }
    return [...bySite.entries()];
  }, [shown]);

  return (
    <section className="agents-by-site" aria-labelledby={id}>
      <h2 id={id}>{t('supervisor.agents.title')}</h2>
      <span className="field inline">
        <label htmlFor={`${id}-presence`}>{t('supervisor.agents.filter')}</label>
        <select
          id={`${id}-presence`}
          value={presence}
          onChange={(e) => setPresence(e.target.value as PresenceFilter)}
        >
          <option value="all">{t('supervisor.agents.allPresences')}</option>
          {PRESENCES.map((p) => (
            <option key={p} value={p}>
              {t(`presence.${p}`)}
            </option>
          ))}
        </select>
      </span>
      {sites.length === 0 && (
        <p>{agents.length === 0 ? t('supervisor.agents.none') : t('supervisor.agents.noneMatch')}</p>
      )}
      {sites.map(([siteId, site]) => (
        <table key={siteId} data-site={siteId}>
          <caption>
            <bdi>{site.name}</bdi> <span>{t('supervisor.agents.count', { count: site.agents.length })}</span>
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('supervisor.agents.agent')}</th>
              <th scope="col">{t('queues.tier')}</th>
              <th scope="col">{t('supervisor.agents.languages')}</th>
              <th scope="col">{t('presence.label')}</th>
              <th scope="col">{t('supervisor.agents.load')}</th>
              <th scope="col">{t('supervisor.agents.conversations')}</th>
            </tr>
          </thead>
          <tbody>
            {site.agents.map((a) => {
              const hidden = a.load.total - a.conversations.length;
              return (
                <tr key={a.id} data-agent={a.id} data-presence={a.presence}>
                  <th scope="row">
                    <bdi>{a.displayName}</bdi>
                  </th>
                  <td>{t(`tier.${a.tier}`)}</td>
                  <td>{formats.list.format(a.languages.map((l) => formats.languages.of(l.tag) ?? l.tag))}</td>
                  <td>
                    <span className={`presence ${a.presence}`}>{t(`presence.${a.presence}`)}</span>{' '}
                    <small>{t('supervisor.agents.since', { time: since(a.presenceSince) })}</small>
                  </td>
                  <td>
                    <span className="load" data-load={a.load.total}>
                      {t('supervisor.agents.loadValue', {
                        load: n(a.load.total),
                        capacity: n(a.capacity.total),
                      })}
                    </span>
                    <ul className="per-channel">
                      {channelsOf(a).map((c) => (
                        <li key={c}>
                          {t('supervisor.agents.channelLoad', {
                            channel: t(`channel.${c}`),
                            load: n(a.load.perChannel[c] ?? 0),
                            capacity: n(a.capacity.perChannel[c] ?? 0),
                          })}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    {a.conversations.length === 0 && hidden <= 0 && (
                      <span>{t('supervisor.agents.noConversation')}</span>
                    )}
                    <ul className="held">
                      {a.conversations.map((c) => {
                        const label = c.subject ?? t('conversation.noSubject');
                        return (
                          <li key={c.id} data-conversation={c.id}>
                            <a
                              href={pathOf({ page: 'conversation', id: c.id })}
                              onClick={follow({ page: 'conversation', id: c.id })}
                              dir="auto"
                            >
                              {label}
                            </a>{' '}
                            <small>{t(`channel.${c.channel}`)}</small>
                            <Reassign
                              conversation={c}
                              from={a}
                              agents={agents}
                              label={label}
                              report={report}
                            />
                          </li>
                        );
                      })}
                    </ul>
                    {hidden > 0 && <small>{t('supervisor.agents.hidden', { count: hidden })}</small>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ))}
    </section>
  );
}
