import { type FormEvent, type ReactNode, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ApiError,
  api,
  type Conversation,
  type ConversationDetail,
  type Customer,
  getWithEtag,
  type Me,
  type Presence,
  patch,
} from '../api.ts';
import { useShortcut } from '../shortcuts.ts';
import { Dialog } from './Dialog.tsx';
import { sayProblem } from './problems.ts';
import { inOneHour, knownTimeZone, tomorrowAt } from './snooze.ts';

export interface ActionsProps {
  conversation: ConversationDetail;
  me: Me;
  /** The conversation changed (escalated, transferred, snoozed, resolved): the page shows the new state. */
  onChanged: (conversation: Conversation) => void;
  /** The customer, for their time zone in the snooze presets; read on demand when not given. */
  customer?: Customer | null;
}

type Action = 'escalate' | 'transfer' | 'snooze' | 'resolve';

/** Tiers a conversation can be escalated to from the agent's screen. */
const ESCALATION_TIERS = ['level2', 'expert'] as const;

const FINISHED = new Set(['resolved', 'closed']);

/** Escalate with a reason, transfer, snooze, resolve. */
export function ConversationActions({ conversation, me, onChanged, customer }: ActionsProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<Action | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const finished = FINISHED.has(conversation.status);
  const can: Record<Action, boolean> = {
    escalate: !finished && ESCALATION_TIERS.some((tier) => tier !== conversation.tier),
    transfer: conversation.status !== 'closed',
    snooze: !finished,
    resolve: !finished,
  };
  const show = (action: Action) => {
    setDone(null);
    setOpen(action);
  };
  const close = () => setOpen(null);
  const changed = (next: Conversation, words: string) => {
    setOpen(null);
    setDone(words);
    onChanged(next);
  };

  useShortcut('e', 'actions.shortcuts.escalate', () => show('escalate'), open === null && can.escalate);
  useShortcut('t', 'actions.shortcuts.transfer', () => show('transfer'), open === null && can.transfer);
  useShortcut('s', 'actions.shortcuts.snooze', () => show('snooze'), open === null && can.snooze);
  useShortcut('R', 'actions.shortcuts.resolve', () => show('resolve'), open === null && can.resolve);

  const buttons: { action: Action; key: string }[] = [
    { action: 'escalate', key: 'e' },
    { action: 'transfer', key: 't' },
    { action: 'snooze', key: 's' },
    { action: 'resolve', key: 'Shift+R' },
  ];

  return (
    <div className="conversation-actions">
      <div role="toolbar" aria-label={t('actions.label')} className="buttons">
        {buttons.map(({ action, key }) => (
          <button
            key={action}
            type="button"
            className={action === 'resolve' ? undefined : 'secondary'}
            disabled={!can[action]}
            aria-keyshortcuts={key}
            aria-haspopup="dialog"
            onClick={() => show(action)}
          >
            {t(`actions.${action}.button`)}
          </button>
        ))}
      </div>
      {done && (
        <p role="status" className="done">
          {done}
        </p>
      )}
      <Dialog open={open === 'escalate'} title={t('actions.escalate.title')} onClose={close}>
        {open === 'escalate' && <Escalate conversation={conversation} onDone={changed} onCancel={close} />}
      </Dialog>
      <Dialog open={open === 'transfer'} title={t('actions.transfer.title')} onClose={close}>
        {open === 'transfer' && (
          <Transfer
            conversation={conversation}
            me={me}
            onDone={changed}
            onCancel={close}
            onChanged={onChanged}
          />
        )}
      </Dialog>
      <Dialog open={open === 'snooze'} title={t('actions.snooze.title')} onClose={close}>
        {open === 'snooze' && (
          <Snooze conversation={conversation} customer={customer} onDone={changed} onCancel={close} />
        )}
      </Dialog>
      <Dialog open={open === 'resolve'} title={t('actions.resolve.title')} onClose={close}>
        {open === 'resolve' && (
          <Resolve conversation={conversation} onDone={changed} onCancel={close} onChanged={onChanged} />
        )}
      </Dialog>
    </div>
  );
}

interface StepProps {
  conversation: ConversationDetail;
  onDone: (next: Conversation, words: string) => void;
  onCancel: () => void;
}

const pathOf = (conversation: Conversation) => `/api/conversations/${encodeURIComponent(conversation.id)}`;

/** The form of a dialog: its fields, its error in words, confirm and cancel. */
function DialogForm({
  onSubmit,
  onCancel,
  working,
  error,
  confirm,
  children,
  ready = true,
}: {
  onSubmit: () => Promise<void>;
  onCancel: () => void;
  working: boolean;
  error: string | null;
  confirm: string;
  children: ReactNode;
  ready?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <form
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (!working) void onSubmit();
      }}
    >
      {children}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="buttons">
        <button type="submit" disabled={working || !ready}>
          {confirm}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('composer.cancel')}
        </button>
      </div>
    </form>
  );
}

/** A guarded change: the ETag read when the dialog opened; a 412 reads the conversation again and says so. */
function useGuardedChange(conversation: Conversation, onChanged: (c: Conversation) => void) {
  const { t } = useTranslation();
  const [etag, setEtag] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState(false);
  const path = pathOf(conversation);

  useEffect(() => {
    let cancelled = false;
    getWithEtag<ConversationDetail>(path)
      .then(({ etag }) => {
        if (!cancelled) setEtag(etag);
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(sayProblem(t, e));
      });
    return () => {
      cancelled = true;
    };
  }, [path, t]);

  async function run(body: Record<string, unknown>): Promise<Conversation | undefined> {
    if (etag === null) return undefined;
    setWorking(true);
    setError(null);
    try {
      return await patch<Conversation>(path, etag, body);
    } catch (e) {
      setError(sayProblem(t, e));
      if (e instanceof ApiError && (e.status === 412 || e.status === 409)) {
        // Someone else changed it: show what it is now, and confirm against that.
        const fresh = await getWithEtag<ConversationDetail>(path).catch(() => undefined);
        if (fresh) {
          setEtag(fresh.etag);
          onChanged(fresh.body);
        }
      }
      return undefined;
    } finally {
      setWorking(false);
    }
  }
  return { run, error, working, ready: etag !== null };
}

function Escalate({ conversation, onDone, onCancel }: StepProps) {
  const { t } = useTranslation();
  const id = useId();
  const tiers = ESCALATION_TIERS.filter((tier) => tier !== conversation.tier);
  const [tier, setTier] = useState<string>(tiers[0] ?? 'level2');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState(false);

  async function submit() {
    if (!reason.trim()) {
      setError(t('actions.escalate.reasonNeeded'));
      return;
    }
    setWorking(true);
    setError(null);
    try {
      await api('POST', `${pathOf(conversation)}/escalate`, { tier, reason: reason.trim() });
      const fresh = await api<ConversationDetail>('GET', pathOf(conversation));
      onDone(fresh, t('actions.escalate.done', { tier: t(`tier.${tier}`) }));
    } catch (e) {
      setError(sayProblem(t, e));
    } finally {
      setWorking(false);
    }
  }

  return (
    <DialogForm
      onSubmit={submit}
      onCancel={onCancel}
      working={working}
      error={error}
      confirm={t('actions.escalate.confirm')}
    >
      <p className="hint">{t('actions.escalate.explained')}</p>
      <fieldset>
        <legend>{t('actions.escalate.tier')}</legend>
        {tiers.map((value) => (
          <label key={value} className="choice">
            <input
              type="radio"
              name={`${id}-tier`}
              value={value}
              checked={tier === value}
              onChange={() => setTier(value)}
            />
            <span>{t(`tier.${value}`)}</span>
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>{t('actions.escalate.reason')}</span>
        <textarea
          dir="auto"
          rows={3}
          aria-required="true"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
    </DialogForm>
  );
}

interface AgentChoice {
  id: string;
  displayName: string;
  siteId: string;
  presence: Presence;
}
interface SiteChoice {
  id: string;
  name: string;
  subsidiaryIds: string[];
}
interface QueueChoice {
  id: string;
  name: string;
}

function Transfer({
  conversation,
  me,
  onDone,
  onCancel,
  onChanged,
}: StepProps & { me: Me; onChanged: (c: Conversation) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const guarded = useGuardedChange(conversation, onChanged);
  const [to, setTo] = useState<'agent' | 'queue' | 'unassign'>('agent');
  const [agents, setAgents] = useState<AgentChoice[] | null>(null);
  const [sites, setSites] = useState<Map<string, SiteChoice>>(new Map());
  const [queues, setQueues] = useState<QueueChoice[]>([]);
  const [agentId, setAgentId] = useState('');
  const [queueId, setQueueId] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const subsidiary = encodeURIComponent(conversation.subsidiaryId);
    void Promise.all([
      api<{ items: AgentChoice[] }>('GET', '/api/agents?limit=200'),
      api<{ items: SiteChoice[] }>('GET', '/api/sites?limit=200').catch(() => ({
        items: [] as SiteChoice[],
      })),
      api<{ items: QueueChoice[] }>('GET', `/api/routing-queues?subsidiaryId=${subsidiary}&limit=200`).catch(
        () => ({ items: [] as QueueChoice[] }),
      ),
    ])
      .then(([agentPage, sitePage, queuePage]) => {
        if (cancelled) return;
        const known = new Map(sitePage.items.map((s) => [s.id, s]));
        // Only agents of sites that serve the conversation's subsidiary can take it.
        const serving = agentPage.items.filter((a) => {
          const site = known.get(a.siteId);
          return !site || site.subsidiaryIds.includes(conversation.subsidiaryId);
        });
        const others = serving.filter((a) => a.id !== me.user.agentId && a.id !== conversation.assigneeId);
        setSites(known);
        setAgents(others);
        setAgentId(others[0]?.id ?? '');
        setQueues(queuePage.items);
        setQueueId(queuePage.items[0]?.id ?? '');
      })
      .catch((e: unknown) => {
        if (!cancelled) setProblem(sayProblem(t, e));
      });
    return () => {
      cancelled = true;
    };
  }, [conversation.subsidiaryId, conversation.assigneeId, me.user.agentId, t]);

  async function submit() {
    const body =
      to === 'agent'
        ? { assigneeId: agentId }
        : to === 'queue'
          ? { assigneeId: null, queueId }
          : { assigneeId: null };
    if (to === 'agent' && !agentId) return setProblem(t('actions.transfer.chooseAgent'));
    if (to === 'queue' && !queueId) return setProblem(t('actions.transfer.chooseQueue'));
    setProblem(null);
    const next = await guarded.run(body);
    if (!next) return;
    const agent = agents?.find((a) => a.id === agentId);
    const queue = queues.find((q) => q.id === queueId);
    onDone(
      next,
      to === 'agent'
        ? t('actions.transfer.doneAgent', { name: `\u2068${agent?.displayName ?? ''}\u2069` })
        : to === 'queue'
          ? t('actions.transfer.doneQueue', { name: `\u2068${queue?.name ?? ''}\u2069` })
          : t('actions.transfer.doneUnassign'),
    );
  }

  const choices: { value: typeof to; label: string; shown: boolean }[] = [
    { value: 'agent', label: t('actions.transfer.toAgent'), shown: true },
    { value: 'queue', label: t('actions.transfer.toQueue'), shown: queues.length > 0 },
    { value: 'unassign', label: t('actions.transfer.unassign'), shown: true },
  ];

  return (
    <DialogForm
      onSubmit={submit}
      onCancel={onCancel}
      working={guarded.working}
      error={problem ?? guarded.error}
      ready={guarded.ready}
      confirm={t('actions.transfer.confirm')}
    >
      <fieldset>
        <legend>{t('actions.transfer.to')}</legend>
        {choices
          .filter((c) => c.shown)
          .map((c) => (
            <label key={c.value} className="choice">
              <input
                type="radio"
                name={`${id}-to`}
                value={c.value}
                checked={to === c.value}
                onChange={() => setTo(c.value)}
              />
              <span>{c.label}</span>
            </label>
          ))}
      </fieldset>
      {to === 'agent' && agents === null && !problem && <p>{t('workspace.loading')}</p>}
      {to === 'agent' && agents !== null && agents.length === 0 && <p>{t('actions.transfer.noAgent')}</p>}
      {to === 'agent' && agents !== null && agents.length > 0 && (
        <label className="field">
          <span>{t('actions.transfer.agent')}</span>
          <select value={agentId} onChange={(e) => setAgentId(e.target.value)}>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {t('actions.transfer.agentOption', {
                  name: a.displayName,
                  site: sites.get(a.siteId)?.name ?? '',
                  presence: t(`presence.${a.presence}`),
                })}
              </option>
            ))}
          </select>
        </label>
      )}
      {to === 'queue' && (
        <label className="field">
          <span>{t('actions.transfer.queue')}</span>
          <select value={queueId} onChange={(e) => setQueueId(e.target.value)}>
            {queues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {to === 'unassign' && <p className="hint">{t('actions.transfer.unassignExplained')}</p>}
    </DialogForm>
  );
}

function Snooze({ conversation, customer, onDone, onCancel }: StepProps & { customer?: Customer | null }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const agentZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [customerZone, setCustomerZone] = useState<string | null | undefined>(
    customer === undefined ? undefined : (customer?.timeZone ?? null),
  );
  const [now] = useState(() => new Date());
  const [preset, setPreset] = useState<'hour' | 'tomorrow' | 'custom'>('hour');
  const [custom, setCustom] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState(false);

  // The customer's time zone, read when the page did not pass the customer.
  useEffect(() => {
    if (customerZone !== undefined) return;
    let cancelled = false;
    api<Customer>('GET', `/api/customers/${encodeURIComponent(conversation.customerId)}`)
      .then((c) => !cancelled && setCustomerZone(c.timeZone))
      .catch(() => !cancelled && setCustomerZone(null));
    return () => {
      cancelled = true;
    };
  }, [customerZone, conversation.customerId]);

  const zone = knownTimeZone(customerZone) ? customerZone : agentZone;
  const whose = knownTimeZone(customerZone) ? 'customer' : 'agent';
  const times = { hour: inOneHour(now), tomorrow: tomorrowAt(now, zone) };
  const format = (at: Date, timeZone: string) =>
    new Intl.DateTimeFormat(i18n.language, {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      timeZone,
    }).format(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  const minimum = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}`;

  async function submit() {
    const until = preset === 'custom' ? (custom ? new Date(custom) : null) : times[preset];
    if (!until || Number.isNaN(until.getTime())) return setError(t('actions.snooze.chooseTime'));
    if (until.getTime() <= Date.now()) return setError(t('actions.snooze.past'));
    setWorking(true);
    setError(null);
    try {
      const answer = await api<Partial<Conversation> | null>('POST', `${pathOf(conversation)}/snooze`, {
        until: until.toISOString(),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      const next =
        answer && typeof answer.id === 'string' && typeof answer.status === 'string'
          ? (answer as Conversation)
          : await api<ConversationDetail>('GET', pathOf(conversation));
      onDone(next, t('actions.snooze.done', { time: format(until, agentZone) }));
    } catch (e) {
      setError(sayProblem(t, e));
    } finally {
      setWorking(false);
    }
  }

  return (
    <DialogForm
      onSubmit={submit}
      onCancel={onCancel}
      working={working}
      error={error}
      confirm={t('actions.snooze.confirm')}
    >
      <fieldset>
        <legend>{t('actions.snooze.until')}</legend>
        <label className="choice">
          <input
            type="radio"
            name={`${id}-when`}
            checked={preset === 'hour'}
            onChange={() => setPreset('hour')}
          />
          <span>{t('actions.snooze.inOneHour')}</span>
          <small>
            <time dateTime={times.hour.toISOString()}>{format(times.hour, agentZone)}</time>
          </small>
        </label>
        <label className="choice">
          <input
            type="radio"
            name={`${id}-when`}
            checked={preset === 'tomorrow'}
            onChange={() => setPreset('tomorrow')}
          />
          <span>
            {t(whose === 'customer' ? 'actions.snooze.tomorrowCustomer' : 'actions.snooze.tomorrowAgent', {
              zone: zone,
            })}
          </span>
          <small>
            <time dateTime={times.tomorrow.toISOString()}>{format(times.tomorrow, agentZone)}</time>
          </small>
        </label>
        <label className="choice">
          <input
            type="radio"
            name={`${id}-when`}
            checked={preset === 'custom'}
            onChange={() => setPreset('custom')}
          />
          <span>{t('actions.snooze.custom')}</span>
        </label>
      </fieldset>
      {preset === 'custom' && (
        <label className="field">
          <span>{t('actions.snooze.at', { zone: agentZone })}</span>
          <input
            type="datetime-local"
            min={minimum}
            value={custom}
            onChange={(e) => setCustom(e.target.value)}
          />
        </label>
      )}
      <label className="field">
        <span>{t('actions.snooze.reason')}</span>
        <input dir="auto" value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
    </DialogForm>
  );
}

function Resolve({
  conversation,
  onDone,
  onCancel,
  onChanged,
}: StepProps & { onChanged: (c: Conversation) => void }) {
  const { t } = useTranslation();
  const guarded = useGuardedChange(conversation, onChanged);
  async function submit() {
    const next = await guarded.run({ status: 'resolved' });
    if (next) onDone(next, t('actions.resolve.done'));
  }
  return (
    <DialogForm
      onSubmit={submit}
      onCancel={onCancel}
      working={guarded.working}
      error={guarded.error}
      ready={guarded.ready}
      confirm={t('actions.resolve.confirm')}
    >
      <p>{t('actions.resolve.explained')}</p>
    </DialogForm>
  );
}
