import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminProblem, call } from '../admin/client.ts';
import { formatInstant, formatNumber } from '../admin/intl.ts';
import { Dialog } from '../conversation/Dialog.tsx';
import type { Plan, PlanSummary } from './types.ts';

/**
 * "Apply the shares to routing": the plan's share of each subsidiary's contacts per site,
 * confirmed in a dialog, becomes the target shares of the subsidiaries' routing policies.
 */
export function ApplyShares({
  plan,
  subsidiaryNames,
  onApplied,
}: {
  plan: Plan;
  subsidiaryNames: Map<string, string>;
  onApplied: (summary: PlanSummary) => void;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const [open, setOpen] = useState(false);
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const siteName = (id: string) => {
    const site = plan.result.sites.find((s) => s.id === id);
    return site ? `${site.name} (${site.code})` : id;
  };
  const percent = (share: number) =>
    formatNumber(locale, share, { style: 'percent', maximumFractionDigits: 1 });

  async function apply(e: FormEvent) {
    e.preventDefault();
    if (working) return;
    setWorking(true);
    setError(null);
    try {
      const answer = await call<{ plan: PlanSummary }>('POST', `/api/plans/${plan.id}/apply`, { body: {} });
      setOpen(false);
      setDone(t('planning.apply.done', { time: formatInstant(locale, answer.data.plan.appliedAt) }));
      onApplied(answer.data.plan);
    } catch (problem) {
      setError(
        problem instanceof AdminProblem && problem.status === 409
          ? t('planning.apply.conflict')
          : problem instanceof AdminProblem && (problem.status === 403 || problem.status === 404)
            ? t('planning.apply.forbidden')
            : t('planning.apply.failed'),
      );
    } finally {
      setWorking(false);
    }
  }

  return (
    <div className="plan-apply">
      <button type="button" onClick={() => setOpen(true)}>
        {t('planning.apply.button')}
      </button>
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      <Dialog open={open} title={t('planning.apply.title')} onClose={() => setOpen(false)}>
        {open && (
          <form onSubmit={(e) => void apply(e)}>
            <p>{t('planning.apply.explained')}</p>
            {plan.subsidiaryIds.map((id) => {
              const shares = Object.entries(plan.result.shares[id] ?? {}).sort((a, b) => b[1] - a[1]);
              const name = subsidiaryNames.get(id) ?? id;
              return (
                <section key={id} aria-label={name}>
                  <h3>{name}</h3>
                  {shares.length === 0 ? (
                    <p>{t('planning.apply.noWork')}</p>
                  ) : (
                    <ul>
                      {shares.map(([site, share]) => (
                        <li key={site}>
                          {t('planning.apply.share', { site: siteName(site), share: percent(share) })}
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
              );
            })}
            {plan.appliedAt && (
              <p className="hint">
                {t('planning.apply.already', { time: formatInstant(locale, plan.appliedAt) })}
              </p>
            )}
            {error && (
              <p role="alert" className="error">
                {error}
              </p>
            )}
            <div className="buttons">
              <button type="submit" disabled={working}>
                {t('planning.apply.confirm')}
              </button>
              <button type="button" className="secondary" onClick={() => setOpen(false)}>
                {t('planning.apply.cancel')}
              </button>
            </div>
          </form>
        )}
      </Dialog>
    </div>
  );
}
