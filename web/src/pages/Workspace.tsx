import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type Conversation, type Me, type Presence } from '../api.ts';
import { LanguagePicker } from '../LanguagePicker.tsx';
import { useAgentSocket } from '../offers.ts';

const PRESENCES: Presence[] = ['available', 'busy', 'away', 'offline'];
/** The supervisor's pages load on demand: an agent's first load carries none of them. */
const Queues = lazy(() => import('./Queues.tsx'));

type Page = 'conversations' | 'queues';
const pageOf = (path: string): Page => (path === '/queues' ? 'queues' : 'conversations');
const PATHS: Record<Page, string> = { conversations: '/', queues: '/queues' };
const REFRESH_MS = 10_000;

/** The agent's workspace: presence, and the conversations assigned to them. */
export function Workspace({ me, onSignedOut }: { me: Me; onSignedOut: () => void }) {
  const { t, i18n } = useTranslation();
  const agentId = me.user.agentId;
  const [presence, setPresence] = useState<Presence | null>(null);
  const [conversations, setConversations] = useState<Conversation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [page, setPage] = useState<Page>(() => pageOf(window.location.pathname));
  const supervises = me.user.role !== 'agent';

  useEffect(() => {
    const back = () => setPage(pageOf(window.location.pathname));
    window.addEventListener('popstate', back);
    return () => window.removeEventListener('popstate', back);
  }, []);

  function go(next: Page, event: { preventDefault(): void }) {
    event.preventDefault();
    window.history.pushState(null, '', `${PATHS[next]}${window.location.search}`);
    setPage(next);
  }

  const load = useCallback(async () => {
    if (!agentId) return;
    try {
      const [agent, page] = await Promise.all([
        api<{ presence: Presence }>('GET', `/api/agents/${agentId}`),
        api<{ items: Conversation[] }>('GET', '/api/conversations?assigneeId=me&status=assigned&limit=100'),
      ]);
      setPresence(agent.presence);
      setConversations(page.items);
      setError(null);
    } catch {
      setError(t('workspace.loadFailed'));
    }
  }, [agentId, t]);

  const { offers, gone, answer } = useAgentSocket(Boolean(agentId), () => void load());

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  async function changePresence(next: Presence) {
    try {
      await api('PUT', '/api/agents/me/presence', { presence: next });
      setPresence(next);
    } catch (e) {
      setError(e instanceof ApiError ? t('presence.failed') : t('workspace.loadFailed'));
    }
  }

  async function signOut() {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    onSignedOut();
  }

  const dates = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const languageNames = new Intl.DisplayNames([i18n.language], { type: 'language' });

  return (
    <div className="workspace">
      <header>
        <h1>{t(page === 'queues' ? 'queues.title' : 'workspace.title')}</h1>
        {supervises && (
          <nav aria-label={t('nav.label')}>
            <a
              href={PATHS.conversations}
              aria-current={page === 'conversations' ? 'page' : undefined}
              onClick={(e) => go('conversations', e)}
            >
              {t('workspace.title')}
            </a>
            <a
              href={PATHS.queues}
              aria-current={page === 'queues' ? 'page' : undefined}
              onClick={(e) => go('queues', e)}
            >
              {t('queues.title')}
            </a>
          </nav>
        )}
        {/* The name isolated (U+2068…U+2069): a Latin name reads right inside an Arabic sentence. */}
        <p>{t('workspace.signedInAs', { name: `\u2068${me.user.displayName}\u2069` })}</p>
        {agentId && presence && (
          <label className="field inline">
            <span>{t('presence.label')}</span>
            <select value={presence} onChange={(e) => void changePresence(e.target.value as Presence)}>
              {PRESENCES.map((p) => (
                <option key={p} value={p}>
                  {t(`presence.${p}`)}
                </option>
              ))}
            </select>
          </label>
        )}
        <LanguagePicker />
        <button type="button" onClick={() => void signOut()}>
          {t('workspace.signOut')}
        </button>
      </header>
      {page === 'queues' ? (
        <Suspense fallback={<p>{t('workspace.loading')}</p>}>
          <Queues />
        </Suspense>
      ) : (
        <main>
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
          {gone && (
            <p role="alert" className="error">
              {t('offers.gone')}
            </p>
          )}
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          {!agentId && <p>{t('workspace.notAgent')}</p>}
          {agentId && conversations === null && !error && <p>{t('workspace.loading')}</p>}
          {conversations && conversations.length === 0 && <p>{t('workspace.empty')}</p>}
          {conversations && conversations.length > 0 && (
            <table>
              <caption>{t('workspace.count', { count: conversations.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('conversation.subject')}</th>
                  <th scope="col">{t('conversation.channel')}</th>
                  <th scope="col">{t('conversation.language')}</th>
                  <th scope="col">{t('conversation.status')}</th>
                  <th scope="col">{t('conversation.arrived')}</th>
                </tr>
              </thead>
              <tbody>
                {conversations.map((c) => (
                  <tr key={c.id}>
                    <td dir="auto">
                      <bdi>{c.subject ?? t('conversation.noSubject')}</bdi>
                    </td>
                    <td>{t(`channel.${c.channel}`)}</td>
                    <td>{languageNames.of(c.language) ?? c.language}</td>
                    <td>{t(`status.${c.status}`)}</td>
                    <td>
                      <time dateTime={c.createdAt}>{dates.format(new Date(c.createdAt))}</time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </main>
      )}
    </div>
  );
}
