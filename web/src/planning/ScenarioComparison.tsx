import { useTranslation } from 'react-i18next';
import { formatNumber } from '../admin/intl.ts';
import { Reasons } from './Reasons.tsx';
import type { PlanResult, Scenario, WhatIf } from './types.ts';

/** A scenario's name in the viewer's language, from what it is (the server's name is English). */
export function useScenarioName() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  // In a right-to-left sentence, a site code and a signed percentage keep their own order.
  const isolate = (text: string) => (i18n.dir(locale) === 'rtl' ? `\u2068${text}\u2069` : text);
  const change = (factor: number) =>
    isolate(
      formatNumber(locale, factor - 1, { style: 'percent', signDisplay: 'always', maximumFractionDigits: 1 }),
    );
  const whatIfName = (w: WhatIf | undefined): string => {
    switch (w?.kind) {
      case 'site_cost':
        return t('planning.scenario.siteCost', { site: isolate(w.site), change: change(w.factor) });
      case 'volume':
        return t('planning.scenario.volume', { change: change(w.factor) });
      case 'new_language':
        return t('planning.scenario.newLanguage', {
          language: isolate(w.language),
          subsidiary: isolate(w.subsidiary),
        });
      case 'new_site':
        return t('planning.scenario.newSite', { site: isolate(w.site.code) });
      default:
        return t('planning.scenario.whatIf');
    }
  };
  return (s: Scenario): string =>
    s.kind === 'what_if' ? whatIfName(s.whatIf) : t(`planning.scenario.${s.kind}`);
}

/** The scenarios' costs side by side: bars, and a table with cost, service level, quality and onshore share. */
export function ScenarioComparison({
  scenarios,
  currency,
  result,
  subsidiaryNames,
}: {
  scenarios: Scenario[];
  currency: string;
  /** The plan, whose sites name those in the scenarios' reasons. */
  result: PlanResult;
  subsidiaryNames: Map<string, string>;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const nameOf = useScenarioName();
  const money = (n: number) =>
    formatNumber(locale, n, { style: 'currency', currency, maximumFractionDigits: 0 });
  const percent = (share: number | null) =>
    share === null ? '—' : formatNumber(locale, share, { style: 'percent', maximumFractionDigits: 1 });
  const against = (ratio: number | null) =>
    ratio === null
      ? '—'
      : formatNumber(locale, ratio - 1, {
          style: 'percent',
          signDisplay: 'exceptZero',
          maximumFractionDigits: 1,
        });
  const highest = Math.max(0, ...scenarios.filter((s) => s.status === 'planned').map((s) => s.cost));
  return (
    <>
      {/* The bars show the table's costs at a glance; the table says the same to everyone. */}
      <ul className="plan-bars" aria-hidden="true">
        {scenarios.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: scenarios keep their order
          <li key={i} className={s.kind === 'bestshore' ? 'bestshore' : undefined}>
            <span className="plan-bar-name">{nameOf(s)}</span>
            <span className="plan-bar-track">
              {s.status === 'planned' ? (
                <span
                  className="plan-bar"
                  style={{ inlineSize: `${highest > 0 ? (s.cost / highest) * 100 : 0}%` }}
                />
              ) : (
                <span className="plan-bar-none">{t('planning.outcome.no_plan')}</span>
              )}
            </span>
            <span className="plan-bar-value">{s.status === 'planned' ? money(s.cost) : ''}</span>
          </li>
        ))}
      </ul>
      <table className="plan-scenarios">
        <caption>{t('planning.scenarios.caption', { currency })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('planning.scenarios.name')}</th>
            <th scope="col">{t('planning.scenarios.cost')}</th>
            <th scope="col">{t('planning.scenarios.against')}</th>
            <th scope="col">{t('planning.scenarios.serviceLevel')}</th>
            <th scope="col">{t('planning.scenarios.abandonment')}</th>
            <th scope="col">{t('planning.scenarios.quality')}</th>
            <th scope="col">{t('planning.scenarios.onshore')}</th>
          </tr>
        </thead>
        <tbody>
          {scenarios.map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: scenarios keep their order
            <tr key={i}>
              <th scope="row">{nameOf(s)}</th>
              {s.status === 'planned' ? (
                <>
                  <td>{money(s.cost)}</td>
                  <td>{against(s.againstBestshore)}</td>
                  <td>{percent(s.serviceLevel)}</td>
                  <td>{percent(s.abandonment)}</td>
                  <td>{s.quality === null ? '—' : formatNumber(locale, s.quality)}</td>
                  <td>{percent(s.onshoreShare)}</td>
                </>
              ) : (
                <td colSpan={6}>
                  {t('planning.scenarios.noPlan')}
                  {s.details && s.details.length > 0 && (
                    <Reasons
                      result={result}
                      kind="reason"
                      subsidiaryNames={subsidiaryNames}
                      items={s.details}
                    />
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
