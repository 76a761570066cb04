import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminProblem } from '../admin/client.ts';
import { TIERS } from '../admin/types.ts';
import { nextMonday } from './hours.ts';
import type { PlanRequest, WhatIf } from './types.ts';

const INTERVALS = [15, 30, 60];

/** What the form holds: text as typed, turned into the request on Plan. */
interface Draft {
  start: string;
  weeks: string;
  intervalMinutes: string;
  minQuality: string;
  onshoreTiers: string[];
  costSite: string;
  costChange: string;
  volumeChange: string;
}

const initial = (): Draft => ({
  start: nextMonday(),
  weeks: '1',
  intervalMinutes: '30',
  minQuality: '',
  onshoreTiers: ['level2'],
  costSite: '',
  costChange: '10',
  volumeChange: '',
});

const numberOf = (text: string): number | null => {
  const n = Number(text.trim().replace(',', '.'));
  return text.trim() === '' || !Number.isFinite(n) ? null : n;
};

/** The request, or the form's own words for what is missing (the server checks the rest). */
function requestOf(d: Draft): { request: PlanRequest } | { field: keyof Draft; problem: string } {
  const minQuality = numberOf(d.minQuality);
  if (d.minQuality.trim() !== '' && (minQuality === null || minQuality < 0 || minQuality > 100))
    return { field: 'minQuality', problem: 'planning.form.minQualityRange' };
  const whatIfs: WhatIf[] = [];
  if (d.costSite) {
    const change = numberOf(d.costChange);
    if (change === null || change <= -100)
      return { field: 'costChange', problem: 'planning.form.changeRange' };
    whatIfs.push({ kind: 'site_cost', site: d.costSite, factor: 1 + change / 100 });
  }
  if (d.volumeChange.trim() !== '') {
    const change = numberOf(d.volumeChange);
    if (change === null || change < -100)
      return { field: 'volumeChange', problem: 'planning.form.changeRange' };
    whatIfs.push({ kind: 'volume', factor: 1 + change / 100 });
  }
  return {
    request: {
      start: d.start,
      weeks: Number(d.weeks),
      intervalMinutes: Number(d.intervalMinutes),
      rules: { onshoreTiers: d.onshoreTiers, ...(minQuality !== null ? { minQuality } : {}) },
      whatIfs,
    },
  };
}

/** The server's refusal in the viewer's words where the page knows the field, else its own (English) words. */
function problemWords(problem: unknown, t: (key: string, values?: Record<string, string>) => string) {
  if (!(problem instanceof AdminProblem)) return [{ text: t('planning.form.failed'), english: false }];
  if (problem.status === 403) return [{ text: t('planning.form.forbidden'), english: false }];
  if (problem.issues.length === 0) return [{ text: problem.detail, english: true }];
  return problem.issues.map((issue) => {
    if (issue.path === 'historyWeeks') return { text: t('planning.form.noHistory'), english: false };
    if (issue.path.startsWith('rates.'))
      return { text: t('planning.form.noRate', { currency: issue.path.slice(6) }), english: false };
    return { text: `${issue.path}: ${issue.message}`, english: true };
  });
}

/** Plan the weeks ahead: the period, the rules, the what-ifs to compare. */
export function PlanForm({
  sites,
  onPlan,
}: {
  sites: Array<{ id: string; code: string; name: string }>;
  onPlan: (request: PlanRequest) => Promise<void>;
}) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState(initial);
  const [working, setWorking] = useState(false);
  const [own, setOwn] = useState<{ field: keyof Draft; problem: string } | null>(null);
  const [refusal, setRefusal] = useState<Array<{ text: string; english: boolean }> | null>(null);
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));
  const invalid = (field: keyof Draft) => (own?.field === field ? { 'aria-invalid': true as const } : {});

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (working) return;
    const built = requestOf(draft);
    setRefusal(null);
    if ('field' in built) {
      setOwn(built);
      return;
    }
    setOwn(null);
    setWorking(true);
    try {
      await onPlan(built.request);
    } catch (problem) {
      setRefusal(problemWords(problem, t));
    } finally {
      setWorking(false);
    }
  }

  return (
    <form className="plan-form" onSubmit={(e) => void submit(e)} aria-busy={working}>
      <div className="plan-form-row">
        <label className="field">
          <span>{t('planning.form.start')}</span>
          <input type="date" required value={draft.start} onChange={(e) => set({ start: e.target.value })} />
          <small>{t('planning.form.startHint')}</small>
        </label>
        <label className="field">
          <span>{t('planning.form.weeks')}</span>
          <select value={draft.weeks} onChange={(e) => set({ weeks: e.target.value })}>
            {[1, 2, 3, 4, 5, 6, 7, 8].map((w) => (
              <option key={w} value={String(w)}>
                {new Intl.NumberFormat(i18n.language, {
                  style: 'unit',
                  unit: 'week',
                  unitDisplay: 'long',
                }).format(w)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('planning.form.interval')}</span>
          <select value={draft.intervalMinutes} onChange={(e) => set({ intervalMinutes: e.target.value })}>
            {INTERVALS.map((m) => (
              <option key={m} value={String(m)}>
                {new Intl.NumberFormat(i18n.language, {
                  style: 'unit',
                  unit: 'minute',
                  unitDisplay: 'long',
                }).format(m)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('planning.form.minQuality')}</span>
          <input
            type="number"
            inputMode="decimal"
            min={0}
            max={100}
            step="any"
            value={draft.minQuality}
            onChange={(e) => set({ minQuality: e.target.value })}
            {...invalid('minQuality')}
          />
          <small>{t('planning.form.minQualityHint')}</small>
        </label>
      </div>
      <fieldset className="plan-tiers">
        <legend>{t('planning.form.onshoreTiers')}</legend>
        {TIERS.map((tier) => (
          <label key={tier} className="plan-check">
            <input
              type="checkbox"
              checked={draft.onshoreTiers.includes(tier)}
              onChange={(e) =>
                set({
                  onshoreTiers: e.target.checked
                    ? [...draft.onshoreTiers, tier]
                    : draft.onshoreTiers.filter((x) => x !== tier),
                })
              }
            />
            {t(`tier.${tier}`)}
          </label>
        ))}
      </fieldset>
      <fieldset className="plan-what-ifs">
        <legend>{t('planning.form.whatIfs')}</legend>
        <p className="hint">{t('planning.form.whatIfsHint')}</p>
        <div className="plan-form-row">
          <label className="field">
            <span>{t('planning.form.costSite')}</span>
            <select value={draft.costSite} onChange={(e) => set({ costSite: e.target.value })}>
              <option value="">{t('planning.form.noSite')}</option>
              {sites.map((s) => (
                <option key={s.id} value={s.code}>
                  {s.name} ({s.code})
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('planning.form.costChange')}</span>
            <input
              type="number"
              inputMode="decimal"
              step="any"
              value={draft.costChange}
              disabled={!draft.costSite}
              onChange={(e) => set({ costChange: e.target.value })}
              {...invalid('costChange')}
            />
          </label>
          <label className="field">
            <span>{t('planning.form.volumeChange')}</span>
            <input
              type="number"
              inputMode="decimal"
              step="any"
              value={draft.volumeChange}
              onChange={(e) => set({ volumeChange: e.target.value })}
              {...invalid('volumeChange')}
            />
            <small>{t('planning.form.volumeHint')}</small>
          </label>
        </div>
      </fieldset>
      {own && (
        <p role="alert" className="error">
          {t(own.problem)}
        </p>
      )}
      {refusal && (
        <div role="alert" className="error">
          <p>{t('planning.form.refused')}</p>
          <ul>
            {refusal.map((r) => (
              <li key={r.text} {...(r.english ? { lang: 'en', dir: 'ltr' } : {})}>
                {r.text}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="buttons">
        <button type="submit" disabled={working}>
          {working ? t('planning.form.working') : t('planning.form.submit')}
        </button>
        {working && <span role="status">{t('planning.form.workingHint')}</span>}
      </div>
    </form>
  );
}
