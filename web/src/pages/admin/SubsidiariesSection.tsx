import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, changedFields, etagOf, get, listAll } from '../../admin/client.ts';
import { removeAt, replaceAt, TimeZoneField } from '../../admin/editors.tsx';
import { AdminForm, Check, Field, Group, LoadProblem, noteCreated, useSave } from '../../admin/form.tsx';
import {
  countryChoices,
  countryName,
  currencyChoices,
  formatInstant,
  formatList,
  languageChoices,
  languageName,
} from '../../admin/intl.ts';
import { itemHref, openItem } from '../../admin/item.ts';
import { BackToList, LastChanged, SectionHeader } from '../../admin/layout.tsx';
import { useLoad } from '../../admin/load.ts';
import { isGroup, managesSubsidiary } from '../../admin/scope.ts';
import { CHANNELS, type Channel, type Endpoint, type Subsidiary } from '../../admin/types.ts';
import type { SectionProps } from './Admin.tsx';

/** Subsidiaries (a country's operation: languages, time zone, currency) and their channel endpoints. */
export function SubsidiariesSection({ admin, item }: SectionProps) {
  if (item) return <SubsidiaryEditor key={item} admin={admin} id={item === 'new' ? null : item} />;
  return <SubsidiaryList admin={admin} />;
}

function SubsidiaryList({ admin }: { admin: SectionProps['admin'] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const list = useLoad(() => listAll<Subsidiary>('/api/subsidiaries'), []);
  return (
    <section aria-labelledby="admin-subsidiaries-title">
      <SectionHeader
        id="admin-subsidiaries-title"
        title={t('admin.subsidiaries.title')}
        intro={t('admin.subsidiaries.intro')}
        action={isGroup(admin) ? { item: 'new', label: t('admin.subsidiaries.new') } : undefined}
      />
      {list.error !== null && <LoadProblem error={list.error} />}
      {!list.data && list.error === null && <p>{t('workspace.loading')}</p>}
      {list.data && (
        <table>
          <caption>{t('admin.subsidiaries.caption', { count: list.data.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.subsidiaries.name')}</th>
              <th scope="col">{t('admin.subsidiaries.country')}</th>
              <th scope="col">{t('admin.subsidiaries.languages')}</th>
              <th scope="col">{t('admin.subsidiaries.timeZone')}</th>
              <th scope="col">{t('admin.subsidiaries.currency')}</th>
              <th scope="col">{t('admin.form.updatedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  <a href={itemHref(s.id)}>
                    <bdi>{s.name}</bdi>
                  </a>{' '}
                  <span className="admin-code">{s.code}</span>
                </th>
                <td>{countryName(locale, s.country)}</td>
                <td>
                  {formatList(
                    locale,
                    s.languages.map((l) => languageName(locale, l)),
                  )}
                </td>
                <td>{s.timeZone}</td>
                <td>{s.currency}</td>
                <td>{formatInstant(locale, s.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface SubsidiaryDraft {
  code: string;
  name: string;
  country: string;
  languages: string[];
  defaultLanguage: string;
  timeZone: string;
  currency: string;
  dataRegion: string;
}

const draftOf = (s: Subsidiary | null): SubsidiaryDraft => ({
  code: s?.code ?? '',
  name: s?.name ?? '',
  country: s?.country ?? '',
  languages: s?.languages ?? [],
  defaultLanguage: s?.defaultLanguage ?? '',
  timeZone: s?.timeZone ?? '',
  currency: s?.currency ?? '',
  dataRegion: s?.dataRegion ?? '',
});

const bodyOf = ({ code: _code, ...rest }: SubsidiaryDraft) => rest;

function SubsidiaryEditor({ admin, id }: { admin: SectionProps['admin']; id: string | null }) {
  const { t } = useTranslation();
  const loaded = useLoad(
    () => (id ? get<Subsidiary>(`/api/subsidiaries/${id}`) : Promise.resolve(null)),
    [id],
  );
  if (loaded.error !== null)
    return (
      <section aria-labelledby="admin-subsidiary-title">
        <h2 id="admin-subsidiary-title">{t('admin.subsidiaries.title')}</h2>
        <BackToList label={t('admin.subsidiaries.back')} />
        <LoadProblem error={loaded.error} />
      </section>
    );
  if (loaded.data === undefined) return <p>{t('workspace.loading')}</p>;
  return (
    <SubsidiaryForm
      key={loaded.data?.etag ?? 'new'}
      admin={admin}
      subsidiary={loaded.data?.data ?? null}
      etag={loaded.data?.etag ?? null}
      onReload={loaded.reload}
    />
  );
}

function SubsidiaryForm({
  admin,
  subsidiary,
  etag: initialEtag,
  onReload,
}: {
  admin: SectionProps['admin'];
  subsidiary: Subsidiary | null;
  etag: string | null;
  onReload: () => void;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const [saved, setSaved] = useState(subsidiary);
  const [etag, setEtag] = useState(initialEtag);
  const [draft, setDraft] = useState(() => draftOf(subsidiary));
  const save = useSave(subsidiary?.id);
  const set = <K extends keyof SubsidiaryDraft>(key: K, value: SubsidiaryDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const creating = saved === null;
  const canEdit = creating ? isGroup(admin) : managesSubsidiary(admin, saved.id);

  function submit() {
    void save.run(async () => {
      if (creating) {
        const created = await call<Subsidiary>('POST', '/api/subsidiaries', { body: draft });
        noteCreated(created.data.id);
        openItem(created.data.id);
        return;
      }
      const changes = changedFields(bodyOf(draftOf(saved)), bodyOf(draft));
      const updated = await call<Subsidiary>('PATCH', `/api/subsidiaries/${saved.id}`, {
        body: changes,
        ifMatch: etag,
      });
      setSaved(updated.data);
      setEtag(updated.etag);
      setDraft(draftOf(updated.data));
    });
  }

  const languages = languageChoices(locale, draft.languages);
  const title = creating ? t('admin.subsidiaries.new') : saved.name;
  return (
    <section aria-labelledby="admin-subsidiary-title">
      <h2 id="admin-subsidiary-title">
        <bdi>{title}</bdi>
      </h2>
      <BackToList label={t('admin.subsidiaries.back')} />
      {!creating && <LastChanged at={saved.updatedAt} />}
      {!canEdit && <p className="admin-note">{t('admin.subsidiaries.readOnly')}</p>}
      <AdminForm
        label={title}
        state={save.state}
        submitLabel={creating ? t('admin.subsidiaries.create') : t('admin.form.save')}
        onSubmit={submit}
        onReload={onReload}
        readOnly={!canEdit}
      >
        <div className="admin-columns">
          {creating && (
            <Field label={t('admin.subsidiaries.code')} path="code" hint={t('admin.subsidiaries.codeHint')}>
              {(control) => (
                <input
                  {...control}
                  value={draft.code}
                  onChange={(e) => set('code', e.target.value.toUpperCase())}
                />
              )}
            </Field>
          )}
          <Field label={t('admin.subsidiaries.name')} path="name">
            {(control) => (
              <input
                {...control}
                dir="auto"
                value={draft.name}
                onChange={(e) => set('name', e.target.value)}
              />
            )}
          </Field>
          <Field label={t('admin.subsidiaries.country')} path="country">
            {(control) => (
              <select {...control} value={draft.country} onChange={(e) => set('country', e.target.value)}>
                <option value="">{t('admin.form.choose')}</option>
                {countryChoices(locale, draft.country ? [draft.country] : []).map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <TimeZoneField
            label={t('admin.subsidiaries.timeZone')}
            path="timeZone"
            value={draft.timeZone}
            onChange={(zone) => set('timeZone', zone)}
          />
          <Field label={t('admin.subsidiaries.currency')} path="currency">
            {(control) => (
              <select {...control} value={draft.currency} onChange={(e) => set('currency', e.target.value)}>
                <option value="">{t('admin.form.choose')}</option>
                {currencyChoices(locale, draft.currency ? [draft.currency] : []).map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label={t('admin.subsidiaries.dataRegion')}
            path="dataRegion"
            hint={t('admin.subsidiaries.dataRegionHint')}
          >
            {(control) => (
              <input
                {...control}
                value={draft.dataRegion}
                onChange={(e) => set('dataRegion', e.target.value)}
              />
            )}
          </Field>
        </div>
        <Group legend={t('admin.subsidiaries.languages')} path="languages">
          {draft.languages.map((tag, i) => {
            const n = i + 1;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: positions the server names by index
              <div className="admin-row" key={i}>
                <Field label={t('admin.languages.language', { n })} path={`languages.${i}`}>
                  {(control) => (
                    <select
                      {...control}
                      value={tag}
                      onChange={(e) => set('languages', replaceAt(draft.languages, i, e.target.value))}
                    >
                      <option value="">{t('admin.form.choose')}</option>
                      {languages.map((c) => (
                        <option key={c.value} value={c.value}>
                          {c.label}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => set('languages', removeAt(draft.languages, i))}
                >
                  {t('admin.languages.remove', { language: tag ? languageName(locale, tag) : n })}
                </button>
              </div>
            );
          })}
          <button
            type="button"
            className="secondary"
            onClick={() => set('languages', [...draft.languages, ''])}
          >
            {t('admin.languages.add')}
          </button>
        </Group>
        <Field label={t('admin.subsidiaries.defaultLanguage')} path="defaultLanguage">
          {(control) => (
            <select
              {...control}
              value={draft.defaultLanguage}
              onChange={(e) => set('defaultLanguage', e.target.value)}
            >
              <option value="">{t('admin.form.choose')}</option>
              {draft.languages.filter(Boolean).map((tag) => (
                <option key={tag} value={tag}>
                  {languageName(locale, tag)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </AdminForm>
      {!creating && <EndpointsPanel subsidiaryId={saved.id} canEdit={canEdit} />}
    </section>
  );
}

/** A subsidiary's addresses on its channels: mailboxes, chat widgets, SMS senders, pages, numbers. */
function EndpointsPanel({ subsidiaryId, canEdit }: { subsidiaryId: string; canEdit: boolean }) {
  const { t, i18n } = useTranslation();
  const endpoints = useLoad(
    () => listAll<Endpoint>(`/api/endpoints?subsidiaryId=${subsidiaryId}`),
    [subsidiaryId],
  );
  const [editing, setEditing] = useState<Endpoint | 'new' | null>(null);
  return (
    <section aria-labelledby="admin-endpoints-title" className="admin-subsection">
      <h3 id="admin-endpoints-title">{t('admin.endpoints.title')}</h3>
      {endpoints.error !== null && <LoadProblem error={endpoints.error} />}
      {endpoints.data && (
        <table>
          <caption>{t('admin.endpoints.caption', { count: endpoints.data.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.endpoints.name')}</th>
              <th scope="col">{t('admin.endpoints.channel')}</th>
              <th scope="col">{t('admin.endpoints.address')}</th>
              <th scope="col">{t('admin.endpoints.state')}</th>
              <th scope="col">{t('admin.form.updatedAt')}</th>
              {canEdit && (
                <th scope="col">
                  <span className="admin-hidden">{t('admin.form.actions')}</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {endpoints.data.map((e) => (
              <tr key={e.id}>
                <th scope="row">
                  <bdi>{e.name}</bdi>
                </th>
                <td>{t(`channel.${e.channel}`)}</td>
                <td>
                  <bdi>{e.address}</bdi>
                </td>
                <td>{e.active ? t('admin.endpoints.active') : t('admin.endpoints.inactive')}</td>
                <td>{formatInstant(i18n.language, e.updatedAt)}</td>
                {canEdit && (
                  <td>
                    <button type="button" className="secondary" onClick={() => setEditing(e)}>
                      {t('admin.endpoints.edit', { name: e.name })}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && editing === null && (
        <button type="button" onClick={() => setEditing('new')}>
          {t('admin.endpoints.new')}
        </button>
      )}
      {canEdit && editing !== null && (
        <EndpointForm
          key={editing === 'new' ? 'new' : `${editing.id}:${editing.version}`}
          subsidiaryId={subsidiaryId}
          endpoint={editing === 'new' ? null : editing}
          onDone={() => {
            setEditing(null);
            endpoints.reload();
          }}
        />
      )}
    </section>
  );
}

function EndpointForm({
  subsidiaryId,
  endpoint,
  onDone,
}: {
  subsidiaryId: string;
  endpoint: Endpoint | null;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [channel, setChannel] = useState<Channel>(endpoint?.channel ?? 'email');
  const [address, setAddress] = useState(endpoint?.address ?? '');
  const [name, setName] = useState(endpoint?.name ?? '');
  const [active, setActive] = useState(endpoint?.active ?? true);
  const [settings, setSettings] = useState(
    endpoint && Object.keys(endpoint.settings).length > 0 ? JSON.stringify(endpoint.settings, null, 2) : '',
  );
  const [secret, setSecret] = useState('');
  const [dropSecret, setDropSecret] = useState(false);
  const save = useSave();

  function submit() {
    let parsed: Record<string, unknown> = {};
    if (settings.trim()) {
      try {
        parsed = JSON.parse(settings) as Record<string, unknown>;
      } catch {
        const message = t('admin.endpoints.settingsJson');
        save.fail({ kind: 'invalid', detail: message }, [{ path: 'settings', message, lang: i18n.language }]);
        return;
      }
    }
    void save
      .run(async () => {
        if (!endpoint) {
          await call('POST', '/api/endpoints', {
            body: {
              subsidiaryId,
              channel,
              address,
              name,
              ...(settings.trim() ? { settings: parsed } : {}),
              ...(secret ? { secret } : {}),
            },
          });
          return;
        }
        const body = {
          ...(name !== endpoint.name ? { name } : {}),
          ...(active !== endpoint.active ? { active } : {}),
          ...(JSON.stringify(parsed) !== JSON.stringify(endpoint.settings) ? { settings: parsed } : {}),
          ...(dropSecret ? { secret: null } : secret ? { secret } : {}),
        };
        await call('PATCH', `/api/endpoints/${endpoint.id}`, { body, ifMatch: etagOf(endpoint) });
      })
      .then((ok) => {
        if (ok) onDone();
      });
  }

  const label = endpoint ? t('admin.endpoints.edit', { name: endpoint.name }) : t('admin.endpoints.new');
  return (
    <AdminForm
      label={label}
      state={save.state}
      submitLabel={endpoint ? t('admin.form.save') : t('admin.endpoints.create')}
      onSubmit={submit}
      onReload={onDone}
      extraActions={
        <button type="button" className="secondary" onClick={onDone}>
          {t('admin.form.cancel')}
        </button>
      }
    >
      <h4>{label}</h4>
      <div className="admin-columns">
        <Field label={t('admin.endpoints.channel')} path="channel">
          {(control) => (
            <select
              {...control}
              value={channel}
              disabled={endpoint !== null}
              onChange={(e) => setChannel(e.target.value as Channel)}
            >
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {t(`channel.${c}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('admin.endpoints.address')} path="address" hint={t('admin.endpoints.addressHint')}>
          {(control) => (
            <input
              {...control}
              dir="ltr"
              value={address}
              disabled={endpoint !== null}
              onChange={(e) => setAddress(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('admin.endpoints.name')} path="name">
          {(control) => (
            <input {...control} dir="auto" value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <Field
          label={t('admin.endpoints.secret')}
          path="secret"
          hint={endpoint?.hasSecret ? t('admin.endpoints.secretSet') : t('admin.endpoints.secretHint')}
        >
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="new-password"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
            />
          )}
        </Field>
      </div>
      {endpoint && (
        <Check label={t('admin.endpoints.activeLabel')} path="active" checked={active} onChange={setActive} />
      )}
      {endpoint?.hasSecret && (
        <Check
          label={t('admin.endpoints.dropSecret')}
          path="secret"
          checked={dropSecret}
          onChange={setDropSecret}
        />
      )}
      <Field
        label={t('admin.endpoints.settings')}
        path="settings"
        deep
        hint={t('admin.endpoints.settingsHint')}
      >
        {(control) => (
          <textarea
            {...control}
            dir="ltr"
            rows={5}
            value={settings}
            onChange={(e) => setSettings(e.target.value)}
          />
        )}
      </Field>
    </AdminForm>
  );
}
