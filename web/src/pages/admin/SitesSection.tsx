import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, changedFields, get, listAll } from '../../admin/client.ts';
import {
  CalendarEditor,
  calendarBody,
  LanguagesEditor,
  numberOf,
  TimeZoneField,
  wordsOf,
} from '../../admin/editors.tsx';
import { AdminForm, Check, Field, Group, LoadProblem, noteCreated, useSave } from '../../admin/form.tsx';
import {
  countryChoices,
  countryName,
  currencyChoices,
  formatInstant,
  formatList,
  formatMoney,
  formatNumber,
  languageName,
  minorDigits,
} from '../../admin/intl.ts';
import { itemHref, openItem } from '../../admin/item.ts';
import { BackToList, LastChanged, SectionHeader } from '../../admin/layout.tsx';
import { useLoad } from '../../admin/load.ts';
import { isGroup, managesSite } from '../../admin/scope.ts';
import {
  type Calendar,
  type LanguageProficiency,
  type Site,
  type Subsidiary,
  type Team,
  TIERS,
  type Tier,
} from '../../admin/types.ts';
import type { SectionProps } from './Admin.tsx';

/** Sites: their hours, languages, skills, tiers, cost, seats and who runs them. */
export function SitesSection({ admin, item }: SectionProps) {
  if (item) return <SiteEditor key={item} admin={admin} id={item === 'new' ? null : item} />;
  return <SiteList admin={admin} />;
}

function SiteList({ admin }: { admin: SectionProps['admin'] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const sites = useLoad(() => listAll<Site>('/api/sites'), []);
  return (
    <section aria-labelledby="admin-sites-title">
      <SectionHeader
        id="admin-sites-title"
        title={t('admin.sites.title')}
        intro={t('admin.sites.intro')}
        action={isGroup(admin) ? { item: 'new', label: t('admin.sites.new') } : undefined}
      />
      {sites.error !== null && <LoadProblem error={sites.error} />}
      {!sites.data && sites.error === null && <p>{t('workspace.loading')}</p>}
      {sites.data && (
        <table>
          <caption>{t('admin.sites.caption', { count: sites.data.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.sites.name')}</th>
              <th scope="col">{t('admin.sites.country')}</th>
              <th scope="col">{t('admin.sites.operator')}</th>
              <th scope="col">{t('admin.sites.timeZone')}</th>
              <th scope="col">{t('admin.sites.languages')}</th>
              <th scope="col">{t('admin.sites.tiers')}</th>
              <th scope="col">{t('admin.sites.seats')}</th>
              <th scope="col">{t('admin.sites.cost')}</th>
              <th scope="col">{t('admin.form.updatedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {sites.data.map((site) => (
              <tr key={site.id}>
                <th scope="row">
                  <a href={itemHref(site.id)}>
                    <bdi>{site.name}</bdi>
                  </a>{' '}
                  <span className="admin-code">{site.code}</span>
                </th>
                <td>{countryName(locale, site.country)}</td>
                <td>
                  {site.operator === 'partner' ? (
                    <>
                      {t('admin.sites.partner')} <bdi>{site.partnerName}</bdi>
                    </>
                  ) : (
                    t('admin.sites.inHouse')
                  )}
                </td>
                <td>{site.timeZone}</td>
                <td>
                  {formatList(
                    locale,
                    site.languages.map(
                      (l) => `${languageName(locale, l.tag)} (${formatNumber(locale, l.proficiency)})`,
                    ),
                  )}
                </td>
                <td>
                  {formatList(
                    locale,
                    site.tiers.map((tier) => t(`tier.${tier}`)),
                  )}
                </td>
                <td>{formatNumber(locale, site.seats)}</td>
                <td>{formatMoney(locale, site.costPerHour.amountMinor, site.costPerHour.currency)}</td>
                <td>{formatInstant(locale, site.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface SiteDraft {
  code: string;
  name: string;
  country: string;
  operator: 'in_house' | 'partner';
  partnerName: string;
  timeZone: string;
  calendar: Calendar;
  languages: LanguageProficiency[];
  skills: string;
  tiers: Tier[];
  subsidiaryIds: string[];
  alwaysOpenFor: string[];
  costAmount: string;
  costCurrency: string;
  qualityIndex: string;
  seats: string;
}

const EMPTY_CALENDAR: Calendar = { weekly: {}, holidays: [], exceptions: [] };

function draftOf(site: Site | null): SiteDraft {
  if (!site)
    return {
      code: '',
      name: '',
      country: '',
      operator: 'in_house',
      partnerName: '',
      timeZone: '',
      calendar: EMPTY_CALENDAR,
      languages: [],
      skills: '',
      tiers: [],
      subsidiaryIds: [],
      alwaysOpenFor: [],
      costAmount: '',
      costCurrency: 'EUR',
      qualityIndex: '',
      seats: '',
    };
  const digits = minorDigits(site.costPerHour.currency);
  return {
    code: site.code,
    name: site.name,
    country: site.country,
    operator: site.operator,
    partnerName: site.partnerName ?? '',
    timeZone: site.timeZone,
    calendar: site.calendar,
    languages: site.languages,
    skills: site.skills.join(', '),
    tiers: site.tiers,
    subsidiaryIds: site.subsidiaryIds,
    alwaysOpenFor: site.alwaysOpenFor,
    costAmount: (site.costPerHour.amountMinor / 10 ** digits).toFixed(digits),
    costCurrency: site.costPerHour.currency,
    qualityIndex: String(site.qualityIndex),
    seats: String(site.seats),
  };
}

/** The site as the API takes it (without its code, which never changes). */
function bodyOf(d: SiteDraft) {
  const amount = numberOf(d.costAmount);
  return {
    name: d.name,
    country: d.country,
    operator: d.operator,
    partnerName: d.operator === 'partner' ? d.partnerName : null,
    timeZone: d.timeZone,
    calendar: calendarBody(d.calendar),
    languages: d.languages,
    skills: wordsOf(d.skills),
    // Kept in the order the page lists them, so ticking and unticking is no change.
    tiers: TIERS.filter((tier) => d.tiers.includes(tier)),
    subsidiaryIds: d.subsidiaryIds,
    alwaysOpenFor: d.alwaysOpenFor.filter((id) => d.subsidiaryIds.includes(id)),
    costPerHour: {
      amountMinor: amount === null ? null : Math.round(amount * 10 ** minorDigits(d.costCurrency)),
      currency: d.costCurrency,
    },
    qualityIndex: numberOf(d.qualityIndex),
    seats: numberOf(d.seats),
  };
}

const toggle = <T,>(list: readonly T[], value: T, on: boolean): T[] =>
  on ? (list.includes(value) ? [...list] : [...list, value]) : list.filter((x) => x !== value);

function SiteEditor({ admin, id }: { admin: SectionProps['admin']; id: string | null }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const loaded = useLoad(async () => {
    const [site, subsidiaries] = await Promise.all([
      id ? get<Site>(`/api/sites/${id}`) : Promise.resolve(null),
      listAll<Subsidiary>('/api/subsidiaries'),
    ]);
    return { site, subsidiaries };
  }, [id]);
  if (loaded.error !== null)
    return (
      <section aria-labelledby="admin-site-title">
        <h2 id="admin-site-title">{t('admin.sites.title')}</h2>
        <BackToList label={t('admin.sites.back')} />
        <LoadProblem error={loaded.error} />
      </section>
    );
  if (!loaded.data) return <p>{t('workspace.loading')}</p>;
  const { site, subsidiaries } = loaded.data;
  return (
    <SiteForm
      key={site?.etag ?? 'new'}
      admin={admin}
      site={site?.data ?? null}
      etag={site?.etag ?? null}
      subsidiaries={subsidiaries}
      onReload={loaded.reload}
      locale={locale}
    />
  );
}

function SiteForm({
  admin,
  site,
  etag: initialEtag,
  subsidiaries,
  onReload,
  locale,
}: {
  admin: SectionProps['admin'];
  site: Site | null;
  etag: string | null;
  subsidiaries: Subsidiary[];
  onReload: () => void;
  locale: string;
}) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(site);
  const [etag, setEtag] = useState(initialEtag);
  const [draft, setDraft] = useState(() => draftOf(site));
  const save = useSave(site?.id);
  const set = <K extends keyof SiteDraft>(key: K, value: SiteDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));

  const creating = saved === null;
  const group = isGroup(admin);
  const canEdit = creating ? group : managesSite(admin, saved.id);
  // A site's own administrators change hours, languages, skills and seats; the rest is the group's.
  const groupOnly = !group;
  const served = subsidiaries.filter((s) => draft.subsidiaryIds.includes(s.id));

  function submit() {
    void save.run(async () => {
      const body = bodyOf(draft);
      if (creating) {
        const created = await call<Site>('POST', '/api/sites', { body: { code: draft.code, ...body } });
        noteCreated(created.data.id);
        openItem(created.data.id);
        return;
      }
      const changes = changedFields(bodyOf(draftOf(saved)), body);
      const updated = await call<Site>('PATCH', `/api/sites/${saved.id}`, { body: changes, ifMatch: etag });
      setSaved(updated.data);
      setEtag(updated.etag);
      setDraft(draftOf(updated.data));
    });
  }

  const title = creating ? t('admin.sites.new') : saved.name;
  return (
    <section aria-labelledby="admin-site-title">
      <h2 id="admin-site-title">
        <bdi>{title}</bdi>
      </h2>
      <BackToList label={t('admin.sites.back')} />
      {!creating && <LastChanged at={saved.updatedAt} />}
      {!canEdit && <p className="admin-note">{t('admin.sites.readOnly')}</p>}
      {canEdit && !creating && groupOnly && <p className="admin-note">{t('admin.sites.siteScope')}</p>}
      <AdminForm
        label={title}
        state={save.state}
        submitLabel={creating ? t('admin.sites.create') : t('admin.form.save')}
        onSubmit={submit}
        onReload={onReload}
        readOnly={!canEdit}
      >
        <div className="admin-columns">
          {creating && (
            <Field label={t('admin.sites.code')} path="code" hint={t('admin.sites.codeHint')}>
              {(control) => (
                <input
                  {...control}
                  value={draft.code}
                  onChange={(e) => set('code', e.target.value.toUpperCase())}
                />
              )}
            </Field>
          )}
          <Field label={t('admin.sites.name')} path="name">
            {(control) => (
              <input
                {...control}
                dir="auto"
                value={draft.name}
                onChange={(e) => set('name', e.target.value)}
              />
            )}
          </Field>
          <Field label={t('admin.sites.country')} path="country">
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
            label={t('admin.sites.timeZone')}
            path="timeZone"
            value={draft.timeZone}
            onChange={(zone) => set('timeZone', zone)}
          />
          <Field label={t('admin.sites.operator')} path="operator">
            {(control) => (
              <select
                {...control}
                value={draft.operator}
                disabled={groupOnly && !creating}
                onChange={(e) => set('operator', e.target.value as SiteDraft['operator'])}
              >
                <option value="in_house">{t('admin.sites.inHouse')}</option>
                <option value="partner">{t('admin.sites.partner')}</option>
              </select>
            )}
          </Field>
          {draft.operator === 'partner' && (
            <Field label={t('admin.sites.partnerName')} path="partnerName">
              {(control) => (
                <input
                  {...control}
                  dir="auto"
                  value={draft.partnerName}
                  disabled={groupOnly && !creating}
                  onChange={(e) => set('partnerName', e.target.value)}
                />
              )}
            </Field>
          )}
          <Field label={t('admin.sites.seats')} path="seats">
            {(control) => (
              <input
                {...control}
                type="number"
                inputMode="numeric"
                value={draft.seats}
                onChange={(e) => set('seats', e.target.value)}
              />
            )}
          </Field>
          <Field
            label={t('admin.sites.qualityIndex')}
            path="qualityIndex"
            hint={t('admin.sites.qualityHint')}
          >
            {(control) => (
              <input
                {...control}
                type="number"
                inputMode="decimal"
                value={draft.qualityIndex}
                disabled={groupOnly && !creating}
                onChange={(e) => set('qualityIndex', e.target.value)}
              />
            )}
          </Field>
        </div>
        <Group legend={t('admin.sites.cost')} path="costPerHour" className="admin-columns">
          <Field label={t('admin.sites.costAmount')} path="costPerHour.amountMinor">
            {(control) => (
              <input
                {...control}
                type="number"
                inputMode="decimal"
                step={1 / 10 ** minorDigits(draft.costCurrency)}
                value={draft.costAmount}
                disabled={groupOnly && !creating}
                onChange={(e) => set('costAmount', e.target.value)}
              />
            )}
          </Field>
          <Field label={t('admin.sites.currency')} path="costPerHour.currency">
            {(control) => (
              <select
                {...control}
                value={draft.costCurrency}
                disabled={groupOnly && !creating}
                onChange={(e) => set('costCurrency', e.target.value)}
              >
                {currencyChoices(locale, [draft.costCurrency]).map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </Group>
        <Group legend={t('admin.sites.tiers')} path="tiers" deep>
          {TIERS.map((tier) => (
            <Check
              key={tier}
              label={t(`tier.${tier}`)}
              checked={draft.tiers.includes(tier)}
              onChange={(on) => set('tiers', toggle(draft.tiers, tier, on))}
            />
          ))}
        </Group>
        <LanguagesEditor
          legend={t('admin.sites.languages')}
          path="languages"
          value={draft.languages}
          onChange={(languages) => set('languages', languages)}
        />
        <Field label={t('admin.sites.skills')} path="skills" deep hint={t('admin.sites.skillsHint')}>
          {(control) => (
            <input {...control} value={draft.skills} onChange={(e) => set('skills', e.target.value)} />
          )}
        </Field>
        <CalendarEditor
          path="calendar"
          value={draft.calendar}
          timeZone={draft.timeZone}
          onChange={(calendar) => set('calendar', calendar)}
        />
        <Group
          legend={t('admin.sites.subsidiaries')}
          path="subsidiaryIds"
          deep
          hint={t('admin.sites.subsidiariesHint')}
        >
          {subsidiaries.map((s) => (
            <Check
              key={s.id}
              label={`${s.name} (${s.code})`}
              checked={draft.subsidiaryIds.includes(s.id)}
              disabled={groupOnly && !creating}
              onChange={(on) => set('subsidiaryIds', toggle(draft.subsidiaryIds, s.id, on))}
            />
          ))}
        </Group>
        <Group
          legend={t('admin.sites.alwaysOpenFor')}
          path="alwaysOpenFor"
          deep
          hint={t('admin.sites.alwaysOpenHint')}
        >
          {served.length === 0 && <p>{t('admin.sites.servesNone')}</p>}
          {served.map((s) => (
            <Check
              key={s.id}
              label={`${s.name} (${s.code})`}
              checked={draft.alwaysOpenFor.includes(s.id)}
              disabled={groupOnly && !creating}
              onChange={(on) => set('alwaysOpenFor', toggle(draft.alwaysOpenFor, s.id, on))}
            />
          ))}
        </Group>
      </AdminForm>
      {!creating && <TeamsPanel siteId={saved.id} canEdit={canEdit} />}
    </section>
  );
}

/** A site's teams: listed, and a new one added by name. */
function TeamsPanel({ siteId, canEdit }: { siteId: string; canEdit: boolean }) {
  const { t } = useTranslation();
  const teams = useLoad(() => listAll<Team>(`/api/teams?siteId=${siteId}`), [siteId]);
  const [name, setName] = useState('');
  const save = useSave();
  return (
    <section aria-labelledby="admin-teams-title" className="admin-subsection">
      <h3 id="admin-teams-title">{t('admin.teams.title')}</h3>
      {teams.error !== null && <LoadProblem error={teams.error} />}
      {teams.data && teams.data.length === 0 && <p>{t('admin.teams.none')}</p>}
      {teams.data && teams.data.length > 0 && (
        <ul>
          {teams.data.map((team) => (
            <li key={team.id}>
              <bdi>{team.name}</bdi>
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <AdminForm
          label={t('admin.teams.add')}
          state={save.state}
          submitLabel={t('admin.teams.add')}
          onSubmit={() =>
            void save
              .run(async () => {
                await call('POST', '/api/teams', { body: { siteId, name } });
              })
              .then((ok) => {
                if (ok) {
                  setName('');
                  teams.reload();
                }
              })
          }
        >
          <Field label={t('admin.teams.name')} path="name">
            {(control) => (
              <input {...control} dir="auto" value={name} onChange={(e) => setName(e.target.value)} />
            )}
          </Field>
        </AdminForm>
      )}
    </section>
  );
}
