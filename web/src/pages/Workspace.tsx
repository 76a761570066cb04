import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type InboxItem, type Me, type Presence } from '../api.ts';
import { neighbour } from '../inbox-order.ts';
import { LanguagePicker } from '../LanguagePicker.tsx';
import { useAgentSocket } from '../offers.ts';
import { follow, navigate, pathOf, type Route, useRoute } from '../router.ts';
import { ShortcutHelp } from '../ShortcutHelp.tsx';
import { useShortcut } from '../shortcuts.ts';
import ConversationPage from './Conversation.tsx';
import { Inbox } from './Inbox.tsx';

const PRESENCES: Presence[] = ['available', 'busy', 'away', 'offline'];
/** The supervisor's and administrator's pages load on demand: an agent's first load carries none of them. */
const Queues = lazy(() => import('./Queues.tsx'));
const Agents = lazy(() => import('./Agents.tsx'));
const Planning = lazy(() => import('./Planning.tsx'));
const Admin = lazy(() => import('./admin/Admin.tsx'));

const REFRESH_MS = 10_000;

/** The agent's workspace: presence, and the conversations assigned to them. */
export function Workspace({ me, onSignedOut }: { me: Me; onSignedOut: () => void }) {
  const { t } = useTranslation();
  const agentId = me.user.agentId;
  const [presence, setPresence] = useState<Presence | null>(null);
  const [conversations, setConversations] = useState<InboxItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const route = useRoute();
  const supervises = me.user.role !== 'agent';
  const administers = me.user.role === 'admin';

  const load = useCallback(async () => {
    if (!agentId) return;
    try {
      const [agent, page] = await Promise.all([
        api<{ presence: Presence }>('GET', `/api/agents/${agentId}`),
        api<{ items: InboxItem[] }>('GET', '/api/inbox'),
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

  // On a conversation's page, the next and previous conversations of the inbox.
  const step = (by: 1 | -1) => {
    if (route.page !== 'conversation') return;
    const id = neighbour(route.id, by);
    if (id) navigate({ page: 'conversation', id });
  };
  useShortcut('n', 'shortcuts.nextConversation', () => step(1), route.page === 'conversation');
  useShortcut('p', 'shortcuts.previousConversation', () => step(-1), route.page === 'conversation');

  const title = TITLES[route.page];
  const links: { route: Route; key: string }[] = [
    { route: { page: 'inbox' }, key: 'workspace.title' },
    ...(supervises
      ? [
          { route: { page: 'queues' } as Route, key: 'queues.title' },
          { route: { page: 'agents' } as Route, key: 'nav.agents' },
          { route: { page: 'planning' } as Route, key: 'planning.nav' },
        ]
      : []),
    ...(administers ? [{ route: { page: 'admin', section: undefined } as Route, key: 'nav.admin' }] : []),
  ];

  return (
    <div className="workspace">
      <header>
        <h1>{t(title)}</h1>
        {links.length > 1 && (
          <nav aria-label={t('nav.label')}>
            {links.map((l) => (
              <a
                key={l.key}
                href={pathOf(l.route)}
                aria-current={l.route.page === route.page ? 'page' : undefined}
                onClick={follow(l.route)}
              >
                {t(l.key)}
              </a>
            ))}
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
        <ShortcutHelp />
        <button type="button" onClick={() => void signOut()}>
          {t('workspace.signOut')}
        </button>
      </header>
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
      <Suspense fallback={<p>{t('workspace.loading')}</p>}>
        {route.page === 'queues' && <Queues />}
        {route.page === 'agents' && <Agents />}
        {route.page === 'planning' && <Planning />}
        {route.page === 'admin' && <Admin section={route.section} />}
        {route.page === 'conversation' && <ConversationPage id={route.id} me={me} />}
        {route.page === 'inbox' && (
          <Inbox
            agent={Boolean(agentId)}
            conversations={conversations}
            offers={offers}
            failed={error !== null}
            answer={answer}
          />
        )}
      </Suspense>
    </div>
  );
}

const TITLES: Record<Route['page'], string> = {
  inbox: 'workspace.title',
  conversation: 'conversation.title',
  queues: 'queues.title',
  agents: 'nav.agents',
  planning: 'planning.title',
  admin: 'nav.admin',
};
