import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Admin, call, get, listAll, whoAmI } from '../admin/client.ts';
import { LoadProblem } from '../admin/form.tsx';
import { formatDate, formatInstant, formatList, formatNumber } from '../admin/intl.ts';
import { itemHref, openItem, useItem } from '../admin/item.ts';
import { useLoad } from '../admin/load.ts';
import type { Site, Subsidiary } from '../admin/types.ts';
import { ApplyShares } from '../planning/ApplyShares.tsx';
import { hourlyStaffing } from '../planning/hours.ts';
import { PlanForm } from '../planning/PlanForm.tsx';
import { Reasons } from '../planning/Reasons.tsx';
import { ScenarioComparison } from '../planning/ScenarioComparison.tsx';
import { StaffingChart } from '../planning/StaffingChart.tsx';
import type { Plan, PlanRequest, PlanSummary } from '../planning/types.ts';

interface Names {
  byId: Map<string, string>;
  byCode: Map<string, string>;
}

/**
 * The site mix (/planning): plan the weeks ahead from the history, see the staffing per site
 * hour by hour and the scenarios side by side, download the staff, apply the shares to routing,
 * and open past plans. Administrators plan and apply; supervisors and analysts read.
 */
export default function Planning() {
  const { t } = useTranslation();
  const selected = useItem();
  const [person, setPerson] = useState<Admin | null>(null);
  const [plan, setPlan] = useState<Plan | null>(null);
  const subsidiaries = useLoad(() => listAll<Subsidiary>('/api/subsidiaries'), []);
  const sites = useLoad(() => listAll<Site>('/api/sites'), []);
  const plans = useLoad(
    async () => (await get<{ items: PlanSummary[] }>('/api/plans?limit=50')).data.items,
    [],
  );
  const opened = useLoad(
    async () => (selected && selected !== plan?.id ? (await get<Plan>(`/api/plans/${selected}`)).data : null),
    [selected],
  );

  useEffect(() => {
    whoAmI().then(setPerson, () => setPerson(null));
  }, []);
  useEffect(() => {
    if (opened.data) setPlan(opened.data);
  }, [opened.data]);

  const names: Names = useMemo(() => {
    const list = subsidiaries.data ?? [];
    return {
      byId: new Map(list.map((s) => [s.id, `${s.name} (${s.code})`])),
      byCode: new Map(list.map((s) => [s.code, `${s.name} (${s.code})`])),
    };
  }, [subsidiaries.data]);
  const canPlan = Boolean(person?.permissions.includes('plans:write') && person.scope.kind !== 'site');

  async function makePlan(request: PlanRequest) {
    const made = await call<Plan>('POST', '/api/plans', { body: request });
    setPlan(made.data);
    openItem(made.data.id);
    plans.reload();
  }

  const shown = plan && (!selected || plan.id === selected) ? plan : null;
  return (
    <main className="planning">
      <p className="planning-intro">{t('planning.intro')}</p>
      {canPlan && (
        <section aria-labelledby="plan-form-title">
          <h2 id="plan-form-title">{t('planning.form.title')}</h2>
          <PlanForm sites={sites.data ?? []} onPlan={makePlan} />
        </section>
      )}
      {opened.error !== null && <LoadProblem error={opened.error} />}
      {selected && !shown && opened.error === null && <p>{t('workspace.loading')}</p>}
      {shown && (
        <PlanView
          key={shown.id}
          plan={shown}
          names={names}
          canApply={canPlan}
          onApplied={(summary) => {
            setPlan({ ...shown, appliedAt: summary.appliedAt, appliedBy: summary.appliedBy });
            plans.reload();
          }}
        />
      )}
      <PastPlans plans={plans.data} error={plans.error} names={names} selected={shown?.id ?? ''} />
    </main>
  );
}

function PlanView({
  plan,
  names,
  canApply,
  onApplied,
}: {
  plan: Plan;
  names: Names;
  canApply: boolean;
  onApplied: (summary: PlanSummary) => void;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const { result } = plan;
  const staffing = useMemo(() => hourlyStaffing(result), [result]);
  const money = (n: number) =>
    formatNumber(locale, n, { style: 'currency', currency: plan.currency, maximumFractionDigits: 0 });
  const percent = (share: number | null) =>
    share === null ? '—' : formatNumber(locale, share, { style: 'percent', maximumFractionDigits: 1 });
  const hours = (n: number) =>
    formatNumber(locale, n, { style: 'unit', unit: 'hour', maximumFractionDigits: 0 });
  const subsidiaries = formatList(
    locale,
    plan.subsidiaryIds.map((id) => names.byId.get(id) ?? id),
  );
  const figures: Array<[string, string]> = [
    ['planning.figures.cost', money(result.totals.cost)],
    ['planning.figures.agentHours', hours(result.totals.agentHours)],
    ['planning.figures.scheduledHours', hours(result.totals.scheduledHours)],
    ['planning.figures.contacts', formatNumber(locale, result.totals.contacts, { maximumFractionDigits: 0 })],
    ['planning.figures.serviceLevel', percent(result.totals.serviceLevel)],
    ['planning.figures.abandonment', percent(result.totals.abandonment)],
    [
      'planning.figures.quality',
      result.totals.quality === null ? '—' : formatNumber(locale, result.totals.quality),
    ],
    ['planning.figures.onshore', percent(result.totals.onshoreShare)],
  ];

  return (
    <section className="plan-result" aria-labelledby="plan-result-title">
      <h2 id="plan-result-title">
        {t('planning.result.title', { start: formatDate(locale, plan.start.slice(0, 10)), subsidiaries })}
      </h2>
      <p className="plan-meta">
        {t('planning.result.meta', {
          weeks: formatNumber(locale, plan.weeks, { style: 'unit', unit: 'week', unitDisplay: 'long' }),
          interval: formatNumber(locale, plan.intervalMinutes, {
            style: 'unit',
            unit: 'minute',
            unitDisplay: 'long',
          }),
          created: formatInstant(locale, plan.createdAt),
        })}
        {plan.appliedAt &&
          ` ${t('planning.result.applied', { time: formatInstant(locale, plan.appliedAt) })}`}
      </p>
      <p className={`plan-status ${plan.status}`} role="status">
        {t(`planning.status.${plan.status}`)}
      </p>
      {plan.status === 'no_plan' && (
        <>
          <p>{t('planning.result.whyNot')}</p>
          <Reasons result={result} kind="reason" subsidiaryNames={names.byCode} />
        </>
      )}
      <dl className="plan-figures">
        {figures.map(([key, value]) => (
          <div key={key}>
            <dt>{t(key)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {result.warnings.length > 0 && (
        <>
          <h3>{t('planning.result.warnings')}</h3>
          <Reasons result={result} kind="warning" subsidiaryNames={names.byCode} />
        </>
      )}
      <h3>{t('planning.chart.heading')}</h3>
      {staffing.sites.length === 0 ? (
        <p>{t('planning.chart.empty')}</p>
      ) : (
        <StaffingChart staffing={staffing} />
      )}
      <h3>{t('planning.sites.heading')}</h3>
      <table className="plan-sites">
        <thead>
          <tr>
            <th scope="col">{t('planning.sites.site')}</th>
            <th scope="col">{t('planning.sites.share')}</th>
            <th scope="col">{t('planning.sites.agentHours')}</th>
            <th scope="col">{t('planning.sites.cost')}</th>
            <th scope="col">{t('planning.sites.peak')}</th>
          </tr>
        </thead>
        <tbody>
          {result.sites.map((s) => (
            <tr key={s.id}>
              <th scope="row">
                {s.name} ({s.code})
              </th>
              <td>{percent(s.share)}</td>
              <td>{hours(s.agentHours)}</td>
              <td>{money(s.cost)}</td>
              <td>
                {t('planning.sites.peakValue', {
                  peak: formatNumber(locale, Math.ceil(s.peakScheduled)),
                  seats: formatNumber(locale, s.seats),
                })}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('planning.scenarios.heading')}</h3>
      <ScenarioComparison
        scenarios={plan.scenarios}
        currency={plan.currency}
        result={result}
        subsidiaryNames={names.byCode}
      />
      <div className="plan-actions">
        <a className="plan-download" href={`/api/plans/${plan.id}/staff.csv`} download>
          {t('planning.result.download')}
        </a>
        {canApply && plan.status === 'planned' && (
          <ApplyShares plan={plan} subsidiaryNames={names.byId} onApplied={onApplied} />
        )}
      </div>
    </section>
  );
}

function PastPlans({
  plans,
  error,
  names,
  selected,
}: {
  plans: PlanSummary[] | undefined;
  error: unknown;
  names: Names;
  selected: string;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  return (
    <section aria-labelledby="plan-list-title">
      <h2 id="plan-list-title">{t('planning.list.title')}</h2>
      {error !== null && <LoadProblem error={error} />}
      {plans && plans.length === 0 && <p>{t('planning.list.empty')}</p>}
      {plans && plans.length > 0 && (
        <table className="plan-list">
          <thead>
            <tr>
              <th scope="col">{t('planning.list.start')}</th>
              <th scope="col">{t('planning.list.subsidiaries')}</th>
              <th scope="col">{t('planning.list.status')}</th>
              <th scope="col">{t('planning.list.cost')}</th>
              <th scope="col">{t('planning.list.created')}</th>
              <th scope="col">{t('planning.list.applied')}</th>
            </tr>
          </thead>
          <tbody>
            {plans.map((p) => (
              <tr key={p.id} aria-current={p.id === selected ? 'true' : undefined}>
                <th scope="row">
                  <a href={itemHref(p.id)}>
                    {t('planning.list.open', {
                      start: formatDate(locale, p.start.slice(0, 10)),
                      weeks: formatNumber(locale, p.weeks, {
                        style: 'unit',
                        unit: 'week',
                        unitDisplay: 'long',
                      }),
                    })}
                  </a>
                </th>
                <td>
                  {formatList(
                    locale,
                    p.subsidiaryIds.map((id) => names.byId.get(id) ?? id),
                  )}
                </td>
                <td>{t(`planning.outcome.${p.status}`)}</td>
                <td>
                  {p.status === 'planned'
                    ? formatNumber(locale, p.cost, {
                        style: 'currency',
                        currency: p.currency,
                        maximumFractionDigits: 0,
                      })
                    : '—'}
                </td>
                <td>{formatInstant(locale, p.createdAt)}</td>
                <td>{p.appliedAt ? formatInstant(locale, p.appliedAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
