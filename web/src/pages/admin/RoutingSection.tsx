import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, get, listAll } from '../../admin/client.ts';
import { numberOf, removeAt, replaceAt } from '../../admin/editors.tsx';
import { AdminForm, Field, Group, LoadProblem, useSave } from '../../admin/form.tsx';
import { formatNumber, languageName } from '../../admin/intl.ts';
import { LastChanged, SectionHeader, SubsidiaryPicker } from '../../admin/layout.tsx';
import { useLoad } from '../../admin/load.ts';
import { managesSubsidiary } from '../../admin/scope.ts';
import {
  type RoutingPolicyView,
  type Site,
  type Subsidiary,
  WEIGHTS,
  type WeightName,
} from '../../admin/types.ts';
import type { SectionProps } from './Admin.tsx';

/** Each subsidiary's routing policy: how the router weighs cost, quality and the rest, and language fallbacks. */
export function RoutingSection({ admin, item }: SectionProps) {
  const { t } = useTranslation();
  const subsidiaries = useLoad(() => listAll<Subsidiary>('/api/subsidiaries'), []);
  const selected = item || subsidiaries.data?.[0]?.id || '';
  const subsidiary = subsidiaries.data?.find((s) => s.id === selected);
  return (
    <section aria-labelledby="admin-routing-title">
      <SectionHeader
        id="admin-routing-title"
        title={t('admin.routing.title')}
        intro={t('admin.routing.intro')}
      />
      {subsidiaries.error !== null && <LoadProblem error={subsidiaries.error} />}
      {subsidiaries.data && subsidiaries.data.length === 0 && <p>{t('admin.form.noSubsidiary')}</p>}
      {subsidiaries.data && subsidiaries.data.length > 0 && (
        <SubsidiaryPicker subsidiaries={subsidiaries.data} selected={selected} />
      )}
      {selected && subsidiaries.data && (
        <PolicyEditor key={selected} admin={admin} subsidiaryId={selected} subsidiary={subsidiary} />
      )}
    </section>
  );
}

function PolicyEditor({
  admin,
  subsidiaryId,
  subsidiary,
}: {
  admin: SectionProps['admin'];
  subsidiaryId: string;
  subsidiary: Subsidiary | undefined;
}) {
  const { t } = useTranslation();
  const loaded = useLoad(async () => {
    const [policy, sites] = await Promise.all([
      get<RoutingPolicyView>(`/api/subsidiaries/${subsidiaryId}/routing-policy`),
      listAll<Site>(`/api/sites?subsidiaryId=${subsidiaryId}`),
    ]);
    return { policy, sites };
  }, [subsidiaryId]);
  if (loaded.error !== null) return <LoadProblem error={loaded.error} />;
  if (!loaded.data) return <p>{t('workspace.loading')}</p>;
  return (
    <PolicyForm
      key={loaded.data.policy.etag ?? ''}
      admin={admin}
      subsidiary={subsidiary}
      subsidiaryId={subsidiaryId}
      policy={loaded.data.policy.data}
      etag={loaded.data.policy.etag}
      sites={loaded.data.sites}
      onReload={loaded.reload}
    />
  );
}

interface PolicyDraft {
  weights: Record<WeightName, string>;
  fallbacks: Array<{ language: string; fallback: string; afterSeconds: string }>;
  shares: Record<string, string>;
}

const percent = (share: number): string => String(Math.round(share * 100_000) / 1000);

const draftOf = (p: RoutingPolicyView): PolicyDraft => ({
  weights: Object.fromEntries(
    WEIGHTS.map((w) => [w, p.weights[w] === undefined ? '' : String(p.weights[w])]),
  ) as Record<WeightName, string>,
  fallbacks: p.fallbacks.map((f) => ({ ...f, afterSeconds: String(f.afterSeconds) })),
  shares: Object.fromEntries(Object.entries(p.targetShares).map(([site, share]) => [site, percent(share)])),
});

/** The whole policy, as the PUT takes it: blank weights keep their defaults, blank shares are no target. */
const bodyOf = (d: PolicyDraft) => ({
  weights: Object.fromEntries(
    WEIGHTS.filter((w) => d.weights[w].trim() !== '').map((w) => [w, numberOf(d.weights[w])]),
  ),
  fallbacks: d.fallbacks.map((f) => ({
    language: f.language,
    fallback: f.fallback,
    afterSeconds: numberOf(f.afterSeconds),
  })),
  targetShares: Object.fromEntries(
    Object.entries(d.shares)
      .filter(([, p]) => p.trim() !== '')
      .map(([site, p]) => {
        const n = numberOf(p);
        return [site, n === null ? null : n / 100];
      }),
  ),
});

function PolicyForm({
  admin,
  subsidiary,
  subsidiaryId,
  policy,
  etag: initialEtag,
  sites,
  onReload,
}: {
  admin: SectionProps['admin'];
  subsidiary: Subsidiary | undefined;
  subsidiaryId: string;
  policy: RoutingPolicyView;
  etag: string | null;
  sites: Site[];
  onReload: () => void;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const [saved, setSaved] = useState(policy);
  const [etag, setEtag] = useState(initialEtag);
  const [draft, setDraft] = useState(() => draftOf(policy));
  const save = useSave();
  const canEdit = managesSubsidiary(admin, subsidiaryId);
  // The languages a fallback may name: the subsidiary's and those its sites speak.
  const tags = [
    ...new Set([...(subsidiary?.languages ?? []), ...sites.flatMap((s) => s.languages.map((l) => l.tag))]),
  ];
  const setFallback = (i: number, change: Partial<PolicyDraft['fallbacks'][number]>) =>
    setDraft((d) => {
      const current = d.fallbacks[i];
      return current ? { ...d, fallbacks: replaceAt(d.fallbacks, i, { ...current, ...change }) } : d;
    });

  function submit() {
    void save.run(async () => {
      const updated = await call<RoutingPolicyView>(
        'PUT',
        `/api/subsidiaries/${subsidiaryId}/routing-policy`,
        {
          body: bodyOf(draft),
          ifMatch: etag,
        },
      );
      setSaved(updated.data);
      setEtag(updated.etag);
      setDraft(draftOf(updated.data));
    });
  }

  const label = t('admin.routing.formLabel', { subsidiary: subsidiary?.name ?? '' });
  return (
    <>
      {saved.isDefault ? (
        <p className="admin-meta">{t('admin.routing.isDefault')}</p>
      ) : (
        <LastChanged at={saved.updatedAt} />
      )}
      {!canEdit && <p className="admin-note">{t('admin.routing.readOnly')}</p>}
      <AdminForm
        label={label}
        state={save.state}
        submitLabel={t('admin.form.save')}
        onSubmit={submit}
        onReload={onReload}
        readOnly={!canEdit}
      >
        <Group
          legend={t('admin.routing.weights')}
          path="weights"
          hint={t('admin.routing.weightsHint')}
          className="admin-columns"
        >
          {WEIGHTS.map((w) => (
            <Field
              key={w}
              label={t(`admin.routing.weight.${w}`)}
              path={`weights.${w}`}
              hint={t('admin.routing.defaultWeight', {
                value: formatNumber(locale, saved.effectiveWeights[w]),
              })}
            >
              {(control) => (
                <input
                  {...control}
                  type="number"
                  inputMode="decimal"
                  step="any"
                  value={draft.weights[w]}
                  onChange={(e) => {
                    const value = e.target.value;
                    setDraft((d) => ({ ...d, weights: { ...d.weights, [w]: value } }));
                  }}
                />
              )}
            </Field>
          ))}
        </Group>
        <Group legend={t('admin.routing.fallbacks')} path="fallbacks" hint={t('admin.routing.fallbacksHint')}>
          {draft.fallbacks.length === 0 && <p>{t('admin.routing.noFallbacks')}</p>}
          {draft.fallbacks.map((f, i) => {
            const n = i + 1;
            const choices = [...new Set([...tags, f.language, f.fallback].filter(Boolean))];
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: positions the server names by index
              <div className="admin-row" key={i}>
                <Field label={t('admin.routing.fallbackLanguage', { n })} path={`fallbacks.${i}.language`}>
                  {(control) => (
                    <select
                      {...control}
                      value={f.language}
                      onChange={(e) => setFallback(i, { language: e.target.value })}
                    >
                      <option value="">{t('admin.form.choose')}</option>
                      {choices.map((tag) => (
                        <option key={tag} value={tag}>
                          {languageName(locale, tag)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={t('admin.routing.fallbackTo', { n })} path={`fallbacks.${i}.fallback`}>
                  {(control) => (
                    <select
                      {...control}
                      value={f.fallback}
                      onChange={(e) => setFallback(i, { fallback: e.target.value })}
                    >
                      <option value="">{t('admin.form.choose')}</option>
                      {choices.map((tag) => (
                        <option key={tag} value={tag}>
                          {languageName(locale, tag)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={t('admin.routing.fallbackAfter', { n })} path={`fallbacks.${i}.afterSeconds`}>
                  {(control) => (
                    <input
                      {...control}
                      type="number"
                      inputMode="numeric"
                      value={f.afterSeconds}
                      onChange={(e) => setFallback(i, { afterSeconds: e.target.value })}
                    />
                  )}
                </Field>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => setDraft((d) => ({ ...d, fallbacks: removeAt(d.fallbacks, i) }))}
                >
                  {t('admin.routing.removeFallback', { n })}
                </button>
              </div>
            );
          })}
          <button
            type="button"
            className="secondary"
            onClick={() =>
              setDraft((d) => ({
                ...d,
                fallbacks: [...d.fallbacks, { language: '', fallback: '', afterSeconds: '60' }],
              }))
            }
          >
            {t('admin.routing.addFallback')}
          </button>
        </Group>
        <Group
          legend={t('admin.routing.shares')}
          path="targetShares"
          hint={t('admin.routing.sharesHint')}
          className="admin-columns"
        >
          {sites.length === 0 && <p>{t('admin.routing.noSites')}</p>}
          {sites.map((site) => (
            <Field
              key={site.id}
              label={t('admin.routing.share', { site: site.name })}
              path={`targetShares.${site.id}`}
            >
              {(control) => (
                <input
                  {...control}
                  type="number"
                  inputMode="decimal"
                  step="any"
                  value={draft.shares[site.id] ?? ''}
                  onChange={(e) => {
                    const value = e.target.value;
                    setDraft((d) => ({ ...d, shares: { ...d.shares, [site.id]: value } }));
                  }}
                />
              )}
            </Field>
          ))}
        </Group>
      </AdminForm>
    </>
  );
}
