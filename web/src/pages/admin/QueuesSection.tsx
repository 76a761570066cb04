import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, changedFields, get, listAll } from '../../admin/client.ts';
import { numberOf, ProficiencySelect, removeAt, replaceAt, wordsOf } from '../../admin/editors.tsx';
import {
  AdminForm,
  Check,
  Field,
  Group,
  LoadProblem,
  noteCreated,
  PathIssues,
  useSave,
} from '../../admin/form.tsx';
import { formatInstant, formatNumber } from '../../admin/intl.ts';
import { itemHref, openItem } from '../../admin/item.ts';
import { BackToList, LastChanged, SectionHeader } from '../../admin/layout.tsx';
import { useLoad } from '../../admin/load.ts';
import { isGroup, managesSubsidiary } from '../../admin/scope.ts';
import type { Ring, RoutingQueue, Site, SkillNeed, Subsidiary } from '../../admin/types.ts';
import type { SectionProps } from './Admin.tsx';

/** Routing queues: skills a kind of work needs, and rings of sites that widen as it waits. */
export function QueuesSection({ admin, item }: SectionProps) {
  if (item) return <QueueEditor key={item} admin={admin} id={item === 'new' ? null : item} />;
  return <QueueList admin={admin} />;
}

function QueueList({ admin }: { admin: SectionProps['admin'] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const loaded = useLoad(async () => {
    const [queues, subsidiaries] = await Promise.all([
      listAll<RoutingQueue>('/api/routing-queues'),
      listAll<Subsidiary>('/api/subsidiaries'),
    ]);
    return { queues, subsidiaries };
  }, []);
  const canAdd =
    (loaded.data?.subsidiaries ?? []).some((s) => managesSubsidiary(admin, s.id)) || isGroup(admin);
  const name = (id: string) => loaded.data?.subsidiaries.find((s) => s.id === id)?.name ?? '';
  return (
    <section aria-labelledby="admin-queues-title">
      <SectionHeader
        id="admin-queues-title"
        title={t('admin.queues.title')}
        intro={t('admin.queues.intro')}
        action={canAdd ? { item: 'new', label: t('admin.queues.new') } : undefined}
      />
      {loaded.error !== null && <LoadProblem error={loaded.error} />}
      {!loaded.data && loaded.error === null && <p>{t('workspace.loading')}</p>}
      {loaded.data && (
        <table>
          <caption>{t('admin.queues.caption', { count: loaded.data.queues.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.queues.name')}</th>
              <th scope="col">{t('admin.form.subsidiary')}</th>
              <th scope="col">{t('admin.queues.rings')}</th>
              <th scope="col">{t('admin.form.updatedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {loaded.data.queues.map((q) => (
              <tr key={q.id}>
                <th scope="row">
                  <a href={itemHref(q.id)}>
                    <bdi>{q.name}</bdi>
                  </a>
                </th>
                <td>
                  <bdi>{name(q.subsidiaryId)}</bdi>
                </td>
                <td>{formatNumber(locale, q.rings.length)}</td>
                <td>{formatInstant(locale, q.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

type SkillMode = 'inherit' | 'all' | 'none' | 'only' | 'drop';

interface RingDraft {
  afterSeconds: string;
  everySite: boolean;
  sites: string[];
  mode: SkillMode;
  skills: string;
}

interface QueueDraft {
  subsidiaryId: string;
  name: string;
  requiredSkills: SkillNeed[];
  optionalSkills: SkillNeed[];
  rings: RingDraft[];
}

const ringDraft = (ring: Ring): RingDraft => ({
  afterSeconds: String(ring.afterSeconds),
  everySite: ring.sites === null,
  sites: ring.sites ?? [],
  mode: ring.dropSkills
    ? 'drop'
    : ring.optionalSkills === undefined
      ? 'inherit'
      : typeof ring.optionalSkills === 'string'
        ? ring.optionalSkills
        : 'only',
  skills: (ring.dropSkills ?? (Array.isArray(ring.optionalSkills) ? ring.optionalSkills : [])).join(', '),
});

const draftOf = (q: RoutingQueue | null, subsidiaryId: string): QueueDraft => ({
  subsidiaryId: q?.subsidiaryId ?? subsidiaryId,
  name: q?.name ?? '',
  requiredSkills: q?.requiredSkills ?? [],
  optionalSkills: q?.optionalSkills ?? [],
  rings: (q?.rings ?? [{ afterSeconds: 0, sites: null }]).map(ringDraft),
});

const bodyOf = (d: QueueDraft) => ({
  name: d.name,
  requiredSkills: d.requiredSkills.map((s) => ({ name: s.name.trim(), minProficiency: s.minProficiency })),
  optionalSkills: d.optionalSkills.map((s) => ({ name: s.name.trim(), minProficiency: s.minProficiency })),
  rings: d.rings.map((r) => ({
    afterSeconds: numberOf(r.afterSeconds),
    sites: r.everySite ? null : r.sites,
    ...(r.mode === 'all' || r.mode === 'none' ? { optionalSkills: r.mode } : {}),
    ...(r.mode === 'only' ? { optionalSkills: wordsOf(r.skills) } : {}),
    ...(r.mode === 'drop' ? { dropSkills: wordsOf(r.skills) } : {}),
  })),
});

function QueueEditor({ admin, id }: { admin: SectionProps['admin']; id: string | null }) {
  const { t } = useTranslation();
  const loaded = useLoad(async () => {
    const [queue, subsidiaries] = await Promise.all([
      id ? get<RoutingQueue>(`/api/routing-queues/${id}`) : Promise.resolve(null),
      listAll<Subsidiary>('/api/subsidiaries'),
    ]);
    return { queue, subsidiaries };
  }, [id]);
  if (loaded.error !== null)
    return (
      <section aria-labelledby="admin-queue-title">
        <h2 id="admin-queue-title">{t('admin.queues.title')}</h2>
        <BackToList label={t('admin.queues.back')} />
        <LoadProblem error={loaded.error} />
      </section>
    );
  if (!loaded.data) return <p>{t('workspace.loading')}</p>;
  return (
    <QueueForm
      key={loaded.data.queue?.etag ?? 'new'}
      admin={admin}
      queue={loaded.data.queue?.data ?? null}
      etag={loaded.data.queue?.etag ?? null}
      subsidiaries={loaded.data.subsidiaries}
      onReload={loaded.reload}
    />
  );
}

function SkillNeeds({
  legend,
  add,
  path,
  value,
  onChange,
}: {
  legend: string;
  add: string;
  path: string;
  value: SkillNeed[];
  onChange: (v: SkillNeed[]) => void;
}) {
  const { t } = useTranslation();
  return (
    <Group legend={legend} path={path}>
      {value.length === 0 && <p>{t('admin.queues.noSkills')}</p>}
      {value.map((skill, i) => {
        const n = i + 1;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: positions the server names by index
          <div className="admin-row" key={i}>
            <Field label={t('admin.queues.skill', { list: legend, n })} path={`${path}.${i}.name`}>
              {(control) => (
                <input
                  {...control}
                  value={skill.name}
                  onChange={(e) => onChange(replaceAt(value, i, { ...skill, name: e.target.value }))}
                />
              )}
            </Field>
            <Field
              label={t('admin.queues.minProficiency', { list: legend, n })}
              path={`${path}.${i}.minProficiency`}
            >
              {(control) => (
                <ProficiencySelect
                  control={control}
                  value={skill.minProficiency}
                  onChange={(minProficiency) => onChange(replaceAt(value, i, { ...skill, minProficiency }))}
                />
              )}
            </Field>
            <button type="button" className="secondary" onClick={() => onChange(removeAt(value, i))}>
              {t('admin.queues.removeSkill', { skill: skill.name || n })}
            </button>
          </div>
        );
      })}
      <button
        type="button"
        className="secondary"
        onClick={() => onChange([...value, { name: '', minProficiency: 1 }])}
      >
        {add}
      </button>
    </Group>
  );
}

function QueueForm({
  admin,
  queue,
  etag: initialEtag,
  subsidiaries,
  onReload,
}: {
  admin: SectionProps['admin'];
  queue: RoutingQueue | null;
  etag: string | null;
  subsidiaries: Subsidiary[];
  onReload: () => void;
}) {
  const { t } = useTranslation();
  const managed = subsidiaries.filter((s) => managesSubsidiary(admin, s.id));
  const [saved, setSaved] = useState(queue);
  const [etag, setEtag] = useState(initialEtag);
  const [draft, setDraft] = useState(() => draftOf(queue, managed[0]?.id ?? ''));
  const [confirming, setConfirming] = useState(false);
  const save = useSave(queue?.id);
  const sites = useLoad(
    () =>
      draft.subsidiaryId
        ? listAll<Site>(`/api/sites?subsidiaryId=${draft.subsidiaryId}`)
        : Promise.resolve([]),
    [draft.subsidiaryId],
  );
  const creating = saved === null;
  const canEdit = creating ? managed.length > 0 : managesSubsidiary(admin, saved.subsidiaryId);
  const setRing = (i: number, change: Partial<RingDraft>) =>
    setDraft((d) => {
      const current = d.rings[i];
      return current ? { ...d, rings: replaceAt(d.rings, i, { ...current, ...change }) } : d;
    });

  function submit() {
    void save.run(async () => {
      const body = bodyOf(draft);
      if (creating) {
        const created = await call<RoutingQueue>('POST', '/api/routing-queues', {
          body: { subsidiaryId: draft.subsidiaryId, ...body },
        });
        noteCreated(created.data.id);
        openItem(created.data.id);
        return;
      }
      const changes = changedFields(bodyOf(draftOf(saved, saved.subsidiaryId)), body);
      const updated = await call<RoutingQueue>('PATCH', `/api/routing-queues/${saved.id}`, {
        body: changes,
        ifMatch: etag,
      });
      setSaved(updated.data);
      setEtag(updated.etag);
      setDraft(draftOf(updated.data, updated.data.subsidiaryId));
    });
  }

  function remove() {
    if (!saved) return;
    void save
      .run(async () => {
        await call('DELETE', `/api/routing-queues/${saved.id}`, { ifMatch: etag });
      })
      .then((ok) => {
        if (ok) openItem('');
      });
  }

  const title = creating ? t('admin.queues.new') : saved.name;
  const siteList = sites.data ?? [];
  return (
    <section aria-labelledby="admin-queue-title">
      <h2 id="admin-queue-title">
        <bdi>{title}</bdi>
      </h2>
      <BackToList label={t('admin.queues.back')} />
      {!creating && <LastChanged at={saved.updatedAt} />}
      {!canEdit && <p className="admin-note">{t('admin.queues.readOnly')}</p>}
      <AdminForm
        label={title}
        state={save.state}
        submitLabel={creating ? t('admin.queues.create') : t('admin.form.save')}
        onSubmit={submit}
        onReload={onReload}
        readOnly={!canEdit}
        extraActions={
          !creating &&
          (confirming ? (
            <>
              <button type="button" className="danger" onClick={remove}>
                {t('admin.queues.confirmRemove', { name: saved.name })}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                {t('admin.form.cancel')}
              </button>
            </>
          ) : (
            <button type="button" className="secondary" onClick={() => setConfirming(true)}>
              {t('admin.queues.remove')}
            </button>
          ))
        }
      >
        {!creating && (
          <dl className="admin-facts">
            <dt>{t('admin.form.subsidiary')}</dt>
            <dd>
              <bdi>{subsidiaries.find((s) => s.id === saved.subsidiaryId)?.name}</bdi>
            </dd>
          </dl>
        )}
        <div className="admin-columns">
          {creating ? (
            <Field label={t('admin.form.subsidiary')} path="subsidiaryId">
              {(control) => (
                <select
                  {...control}
                  value={draft.subsidiaryId}
                  onChange={(e) => setDraft((d) => ({ ...d, subsidiaryId: e.target.value }))}
                >
                  {managed.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : null}
          <Field label={t('admin.queues.name')} path="name">
            {(control) => (
              <input
                {...control}
                dir="auto"
                value={draft.name}
                onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))}
              />
            )}
          </Field>
        </div>
        <SkillNeeds
          legend={t('admin.queues.requiredSkills')}
          add={t('admin.queues.addRequired')}
          path="requiredSkills"
          value={draft.requiredSkills}
          onChange={(requiredSkills) => setDraft((d) => ({ ...d, requiredSkills }))}
        />
        <SkillNeeds
          legend={t('admin.queues.optionalSkills')}
          add={t('admin.queues.addOptional')}
          path="optionalSkills"
          value={draft.optionalSkills}
          onChange={(optionalSkills) => setDraft((d) => ({ ...d, optionalSkills }))}
        />
        <Group legend={t('admin.queues.rings')} path="rings" hint={t('admin.queues.ringsHint')}>
          {draft.rings.map((ring, i) => {
            const n = i + 1;
            const at = `rings.${i}`;
            const ringName = t('admin.queues.ring', { n });
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: positions the server names by index
              <fieldset className="admin-group" key={i}>
                <legend>{ringName}</legend>
                <div className="admin-columns">
                  <Field
                    label={t('admin.queues.afterSeconds', { ring: ringName })}
                    path={`${at}.afterSeconds`}
                  >
                    {(control) => (
                      <input
                        {...control}
                        type="number"
                        inputMode="numeric"
                        value={ring.afterSeconds}
                        onChange={(e) => setRing(i, { afterSeconds: e.target.value })}
                      />
                    )}
                  </Field>
                  <Field
                    label={t('admin.queues.skillMode', { ring: ringName })}
                    path={`${at}.optionalSkills`}
                    deep
                  >
                    {(control) => (
                      <select
                        {...control}
                        value={ring.mode}
                        onChange={(e) => setRing(i, { mode: e.target.value as SkillMode })}
                      >
                        {(['inherit', 'all', 'none', 'only', 'drop'] as const).map((mode) => (
                          <option key={mode} value={mode}>
                            {t(`admin.queues.modes.${mode}`)}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  {(ring.mode === 'only' || ring.mode === 'drop') && (
                    <Field
                      label={t('admin.queues.ringSkills', { ring: ringName })}
                      path={`${at}.dropSkills`}
                      deep
                      hint={t('admin.sites.skillsHint')}
                    >
                      {(control) => (
                        <input
                          {...control}
                          value={ring.skills}
                          onChange={(e) => setRing(i, { skills: e.target.value })}
                        />
                      )}
                    </Field>
                  )}
                </div>
                <Group legend={t('admin.queues.ringSites', { ring: ringName })} path={`${at}.sites`} deep>
                  <Check
                    label={t('admin.queues.everySite')}
                    checked={ring.everySite}
                    onChange={(everySite) => setRing(i, { everySite })}
                  />
                  {!ring.everySite &&
                    siteList.map((site) => (
                      <Check
                        key={site.id}
                        label={site.name}
                        checked={ring.sites.includes(site.id)}
                        onChange={(on) =>
                          setRing(i, {
                            sites: on ? [...ring.sites, site.id] : ring.sites.filter((s) => s !== site.id),
                          })
                        }
                      />
                    ))}
                </Group>
                <PathIssues path={at} label={ringName} />
                {draft.rings.length > 1 && (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => setDraft((d) => ({ ...d, rings: removeAt(d.rings, i) }))}
                  >
                    {t('admin.queues.removeRing', { ring: ringName })}
                  </button>
                )}
              </fieldset>
            );
          })}
          <button
            type="button"
            className="secondary"
            onClick={() =>
              setDraft((d) => {
                const last = d.rings[d.rings.length - 1];
                const after = String((numberOf(last?.afterSeconds ?? '0') ?? 0) + 60);
                return {
                  ...d,
                  rings: [
                    ...d.rings,
                    { afterSeconds: after, everySite: true, sites: [], mode: 'inherit', skills: '' },
                  ],
                };
              })
            }
          >
            {t('admin.queues.addRing')}
          </button>
        </Group>
      </AdminForm>
    </section>
  );
}
