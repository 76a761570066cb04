import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, changedFields, get, listAll } from '../../admin/client.ts';
import { LanguagesEditor, numberOf, ProficiencySelect, removeAt, replaceAt } from '../../admin/editors.tsx';
import { AdminForm, Field, Group, LoadProblem, noteCreated, useSave } from '../../admin/form.tsx';
import { formatInstant, formatList, formatNumber, languageName } from '../../admin/intl.ts';
import { itemHref, openItem } from '../../admin/item.ts';
import { BackToList, LastChanged, SectionHeader } from '../../admin/layout.tsx';
import { useLoad } from '../../admin/load.ts';
import { managesSite } from '../../admin/scope.ts';
import {
  type Agent,
  CHANNELS,
  type Channel,
  type LanguageProficiency,
  type Site,
  type Team,
  TIERS,
  type Tier,
} from '../../admin/types.ts';
import { LANGUAGES, nativeName } from '../../i18n.ts';
import type { SectionProps } from './Admin.tsx';

/** Agents: where they work, their level, languages, skills and how much they take at once per channel. */
export function AgentsSection({ admin, item }: SectionProps) {
  if (item) return <AgentEditor key={item} admin={admin} id={item === 'new' ? null : item} />;
  return <AgentList admin={admin} />;
}

function capacityText(locale: string, agent: Agent, channel: (c: Channel) => string, total: string): string {
  const parts = CHANNELS.filter((c) => (agent.capacity.perChannel[c] ?? 0) > 0).map(
    (c) => `${channel(c)} ${formatNumber(locale, agent.capacity.perChannel[c] ?? 0)}`,
  );
  return `${formatList(locale, parts)} · ${total}`;
}

function AgentList({ admin }: { admin: SectionProps['admin'] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const [siteId, setSiteId] = useState('');
  const sites = useLoad(() => listAll<Site>('/api/sites'), []);
  const agents = useLoad(() => listAll<Agent>(`/api/agents${siteId ? `?siteId=${siteId}` : ''}`), [siteId]);
  const siteName = (id: string) => sites.data?.find((s) => s.id === id)?.name ?? '';
  const canAdd = (sites.data ?? []).some((s) => managesSite(admin, s.id));
  return (
    <section aria-labelledby="admin-agents-title">
      <SectionHeader
        id="admin-agents-title"
        title={t('admin.agents.title')}
        intro={t('admin.agents.intro')}
        action={canAdd ? { item: 'new', label: t('admin.agents.new') } : undefined}
      />
      <label className="field inline">
        <span>{t('admin.agents.site')}</span>
        <select value={siteId} onChange={(e) => setSiteId(e.target.value)}>
          <option value="">{t('admin.agents.allSites')}</option>
          {(sites.data ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      {agents.error !== null && <LoadProblem error={agents.error} />}
      {!agents.data && agents.error === null && <p>{t('workspace.loading')}</p>}
      {agents.data && (
        <table>
          <caption>{t('admin.agents.caption', { count: agents.data.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.agents.name')}</th>
              <th scope="col">{t('admin.agents.email')}</th>
              <th scope="col">{t('admin.agents.site')}</th>
              <th scope="col">{t('admin.agents.tier')}</th>
              <th scope="col">{t('admin.agents.languages')}</th>
              <th scope="col">{t('admin.agents.capacity')}</th>
              <th scope="col">{t('admin.form.updatedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {agents.data.map((agent) => (
              <tr key={agent.id}>
                <th scope="row">
                  <a href={itemHref(agent.id)}>
                    <bdi>{agent.displayName}</bdi>
                  </a>
                </th>
                <td>
                  <bdi>{agent.email}</bdi>
                </td>
                <td>
                  <bdi>{siteName(agent.siteId)}</bdi>
                </td>
                <td>{t(`tier.${agent.tier}`)}</td>
                <td>
                  {formatList(
                    locale,
                    agent.languages.map(
                      (l) => `${languageName(locale, l.tag)} (${formatNumber(locale, l.proficiency)})`,
                    ),
                  )}
                </td>
                <td>
                  {capacityText(
                    locale,
                    agent,
                    (c) => t(`channel.${c}`),
                    t('admin.agents.totalShort', { count: agent.capacity.total }),
                  )}
                </td>
                <td>{formatInstant(locale, agent.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface AgentDraft {
  displayName: string;
  email: string;
  password: string;
  locale: string;
  siteId: string;
  teamId: string;
  tier: Tier;
  languages: LanguageProficiency[];
  skills: Array<{ name: string; proficiency: number }>;
  perChannel: Record<Channel, string>;
  total: string;
}

function draftOf(agent: Agent | null, siteId: string): AgentDraft {
  const perChannel = Object.fromEntries(
    CHANNELS.map((c) => [
      c,
      agent?.capacity.perChannel[c] === undefined ? '' : String(agent.capacity.perChannel[c]),
    ]),
  ) as Record<Channel, string>;
  return {
    displayName: agent?.displayName ?? '',
    email: agent?.email ?? '',
    password: '',
    locale: agent?.locale ?? 'en',
    siteId: agent?.siteId ?? siteId,
    teamId: agent?.teamId ?? '',
    tier: agent?.tier ?? 'level1',
    languages: agent?.languages ?? [],
    skills: agent?.skills ?? [],
    perChannel,
    total: agent ? String(agent.capacity.total) : '',
  };
}

/** The agent's routing profile as the API takes it. */
function bodyOf(d: AgentDraft) {
  return {
    teamId: d.teamId || null,
    tier: d.tier,
    languages: d.languages,
    skills: d.skills.map((s) => ({ name: s.name.trim(), proficiency: s.proficiency })),
    capacity: {
      perChannel: Object.fromEntries(
        CHANNELS.filter((c) => d.perChannel[c].trim() !== '').map((c) => [c, numberOf(d.perChannel[c])]),
      ),
      total: numberOf(d.total),
    },
  };
}

function AgentEditor({ admin, id }: { admin: SectionProps['admin']; id: string | null }) {
  const { t } = useTranslation();
  const loaded = useLoad(async () => {
    const [agent, sites] = await Promise.all([
      id ? get<Agent>(`/api/agents/${id}`) : Promise.resolve(null),
      listAll<Site>('/api/sites'),
    ]);
    return { agent, sites };
  }, [id]);
  if (loaded.error !== null)
    return (
      <section aria-labelledby="admin-agent-title">
        <h2 id="admin-agent-title">{t('admin.agents.title')}</h2>
        <BackToList label={t('admin.agents.back')} />
        <LoadProblem error={loaded.error} />
      </section>
    );
  if (!loaded.data) return <p>{t('workspace.loading')}</p>;
  const { agent, sites } = loaded.data;
  return (
    <AgentForm
      key={agent?.etag ?? 'new'}
      admin={admin}
      agent={agent?.data ?? null}
      etag={agent?.etag ?? null}
      sites={sites}
      onReload={loaded.reload}
    />
  );
}

function AgentForm({
  admin,
  agent,
  etag: initialEtag,
  sites,
  onReload,
}: {
  admin: SectionProps['admin'];
  agent: Agent | null;
  etag: string | null;
  sites: Site[];
  onReload: () => void;
}) {
  const { t, i18n } = useTranslation();
  const managed = sites.filter((s) => managesSite(admin, s.id));
  const [saved, setSaved] = useState(agent);
  const [etag, setEtag] = useState(initialEtag);
  const [draft, setDraft] = useState(() => draftOf(agent, managed[0]?.id ?? ''));
  const save = useSave(agent?.id);
  const teams = useLoad(
    () => (draft.siteId ? listAll<Team>(`/api/teams?siteId=${draft.siteId}`) : Promise.resolve([])),
    [draft.siteId],
  );
  const set = <K extends keyof AgentDraft>(key: K, value: AgentDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));

  const creating = saved === null;
  const canEdit = creating ? managed.length > 0 : managesSite(admin, saved.siteId);
  const site = sites.find((s) => s.id === draft.siteId);

  function submit() {
    void save.run(async () => {
      const body = bodyOf(draft);
      if (creating) {
        const user = {
          email: draft.email,
          displayName: draft.displayName,
          locale: draft.locale,
          ...(draft.password ? { password: draft.password } : {}),
        };
        const created = await call<Agent>('POST', '/api/agents', {
          body: { user, siteId: draft.siteId, ...body },
        });
        noteCreated(created.data.id);
        openItem(created.data.id);
        return;
      }
      const changes = changedFields(bodyOf(draftOf(saved, saved.siteId)), body);
      const updated = await call<Agent>('PATCH', `/api/agents/${saved.id}`, { body: changes, ifMatch: etag });
      setSaved(updated.data);
      setEtag(updated.etag);
      setDraft(draftOf(updated.data, updated.data.siteId));
    });
  }

  const title = creating ? t('admin.agents.new') : saved.displayName;
  return (
    <section aria-labelledby="admin-agent-title">
      <h2 id="admin-agent-title">
        <bdi>{title}</bdi>
      </h2>
      <BackToList label={t('admin.agents.back')} />
      {!creating && <LastChanged at={saved.updatedAt} />}
      {!canEdit && <p className="admin-note">{t('admin.agents.readOnly')}</p>}
      <AdminForm
        label={title}
        state={save.state}
        submitLabel={creating ? t('admin.agents.create') : t('admin.form.save')}
        onSubmit={submit}
        onReload={onReload}
        readOnly={!canEdit}
      >
        {!creating && (
          <dl className="admin-facts">
            <dt>{t('admin.agents.email')}</dt>
            <dd>
              <bdi>{saved.email}</bdi>
            </dd>
            <dt>{t('admin.agents.site')}</dt>
            <dd>
              <bdi>{site?.name}</bdi>
            </dd>
          </dl>
        )}
        <div className="admin-columns">
          {creating ? (
            <>
              <Field label={t('admin.agents.name')} path="user.displayName">
                {(control) => (
                  <input
                    {...control}
                    dir="auto"
                    value={draft.displayName}
                    onChange={(e) => set('displayName', e.target.value)}
                  />
                )}
              </Field>
              <Field label={t('admin.agents.email')} path="user.email">
                {(control) => (
                  <input
                    {...control}
                    type="email"
                    dir="ltr"
                    value={draft.email}
                    onChange={(e) => set('email', e.target.value)}
                  />
                )}
              </Field>
              <Field
                label={t('admin.agents.password')}
                path="user.password"
                hint={t('admin.agents.passwordHint')}
              >
                {(control) => (
                  <input
                    {...control}
                    type="password"
                    autoComplete="new-password"
                    value={draft.password}
                    onChange={(e) => set('password', e.target.value)}
                  />
                )}
              </Field>
              <Field label={t('admin.agents.locale')} path="user.locale">
                {(control) => (
                  <select {...control} value={draft.locale} onChange={(e) => set('locale', e.target.value)}>
                    {LANGUAGES.map((l) => (
                      <option key={l} value={l} lang={l}>
                        {nativeName(l)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t('admin.agents.site')} path="siteId">
                {(control) => (
                  <select
                    {...control}
                    value={draft.siteId}
                    onChange={(e) => setDraft((d) => ({ ...d, siteId: e.target.value, teamId: '' }))}
                  >
                    {managed.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </>
          ) : null}
          <Field label={t('admin.agents.team')} path="teamId">
            {(control) => (
              <select {...control} value={draft.teamId} onChange={(e) => set('teamId', e.target.value)}>
                <option value="">{t('admin.agents.noTeam')}</option>
                {(teams.data ?? []).map((team) => (
                  <option key={team.id} value={team.id}>
                    {team.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label={t('admin.agents.tier')}
            path="tier"
            hint={
              site
                ? t('admin.agents.tierHint', {
                    tiers: formatList(
                      i18n.language,
                      site.tiers.map((tier) => t(`tier.${tier}`)),
                    ),
                  })
                : undefined
            }
          >
            {(control) => (
              <select {...control} value={draft.tier} onChange={(e) => set('tier', e.target.value as Tier)}>
                {TIERS.map((tier) => (
                  <option key={tier} value={tier}>
                    {t(`tier.${tier}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <LanguagesEditor
          legend={t('admin.agents.languages')}
          path="languages"
          value={draft.languages}
          onChange={(languages) => set('languages', languages)}
        />
        <Group legend={t('admin.agents.skills')} path="skills">
          {draft.skills.length === 0 && <p>{t('admin.agents.noSkills')}</p>}
          {draft.skills.map((skill, i) => {
            const n = i + 1;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: positions the server names by index
              <div className="admin-row" key={i}>
                <Field label={t('admin.agents.skill', { n })} path={`skills.${i}.name`}>
                  {(control) => (
                    <input
                      {...control}
                      value={skill.name}
                      onChange={(e) =>
                        set('skills', replaceAt(draft.skills, i, { ...skill, name: e.target.value }))
                      }
                    />
                  )}
                </Field>
                <Field label={t('admin.agents.skillProficiency', { n })} path={`skills.${i}.proficiency`}>
                  {(control) => (
                    <ProficiencySelect
                      control={control}
                      value={skill.proficiency}
                      onChange={(proficiency) =>
                        set('skills', replaceAt(draft.skills, i, { ...skill, proficiency }))
                      }
                    />
                  )}
                </Field>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => set('skills', removeAt(draft.skills, i))}
                >
                  {t('admin.agents.removeSkill', { skill: skill.name || n })}
                </button>
              </div>
            );
          })}
          <button
            type="button"
            className="secondary"
            onClick={() => set('skills', [...draft.skills, { name: '', proficiency: 3 }])}
          >
            {t('admin.agents.addSkill')}
          </button>
        </Group>
        <Group legend={t('admin.agents.capacity')} path="capacity" hint={t('admin.agents.capacityHint')}>
          <Group legend={t('admin.agents.perChannel')} path="capacity.perChannel" className="admin-columns">
            {CHANNELS.map((c) => (
              <Field key={c} label={t(`channel.${c}`)} path={`capacity.perChannel.${c}`}>
                {(control) => (
                  <input
                    {...control}
                    type="number"
                    inputMode="numeric"
                    min={0}
                    value={draft.perChannel[c]}
                    onChange={(e) => set('perChannel', { ...draft.perChannel, [c]: e.target.value })}
                  />
                )}
              </Field>
            ))}
          </Group>
          <Field label={t('admin.agents.total')} path="capacity.total">
            {(control) => (
              <input
                {...control}
                type="number"
                inputMode="numeric"
                min={1}
                value={draft.total}
                onChange={(e) => set('total', e.target.value)}
              />
            )}
          </Field>
        </Group>
      </AdminForm>
    </section>
  );
}
