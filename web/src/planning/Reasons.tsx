import { useTranslation } from 'react-i18next';
import { formatInstant, formatNumber, languageName } from '../admin/intl.ts';
import type { PlanReason, PlanResult } from './types.ts';

/** The codes the planner gives (src/planning/sitemix.ts, ReasonCode): each has its words in the catalogs. */
const CODES = new Set([
  'no_site_language',
  'no_site_tier',
  'onshore_rule',
  'residency_rule',
  'placement',
  'closed',
  'seats',
  'partner_min',
  'partner_max',
  'quality',
]);

/**
 * A reason (or a warning) in the viewer's language, from its code and fields: never the
 * server's English message, which is kept for a code this page does not know yet.
 */
function useWords(result: PlanResult, subsidiaryNames: Map<string, string>) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const siteName = (code: string | undefined) =>
    result.sites.find((s) => s.code === code)?.name ?? code ?? '';
  const percent = (share: number | undefined) =>
    formatNumber(locale, share ?? 0, { style: 'percent', maximumFractionDigits: 1 });
  return (reason: PlanReason, kind: 'reason' | 'warning'): { text: string; english: boolean } => {
    if (!CODES.has(reason.code)) return { text: reason.message, english: true };
    const figures = reason.figures ?? {};
    const values = {
      subsidiary: subsidiaryNames.get(reason.subsidiary ?? '') ?? reason.subsidiary ?? '',
      language: reason.language ? languageName(locale, reason.language) : '',
      tier: reason.tier ? t(`tier.${reason.tier}`) : '',
      channel: reason.channel ? t(`channel.${reason.channel}`) : '',
      site: siteName(reason.site),
      from: formatInstant(locale, reason.from),
      to: formatInstant(locale, reason.to),
      contacts: formatNumber(locale, figures.contacts ?? 0, { maximumFractionDigits: 0 }),
      seats: formatNumber(locale, figures.seats ?? 0),
      needed: formatNumber(locale, figures.needed ?? 0),
      intervals: formatNumber(locale, figures.intervals ?? 0),
      minShare: percent(figures.minShare),
      maxShare: percent(figures.maxShare),
      reachable: percent(figures.reachable),
      minQuality: formatNumber(locale, figures.minQuality ?? 0),
      partner: reason.partner ?? '',
    };
    // A warning of the same code says something else than the reason (what strains, not what breaks).
    const key =
      kind === 'warning' && (reason.code === 'closed' || reason.code === 'seats')
        ? `planning.warning.${reason.code}`
        : `planning.reason.${reason.code}`;
    return { text: t(key, values), english: false };
  };
}

/** Why no plan is possible, or what the plan strains, as a list. */
export function Reasons({
  result,
  kind,
  subsidiaryNames,
  items: given,
}: {
  result: PlanResult;
  kind: 'reason' | 'warning';
  subsidiaryNames: Map<string, string>;
  /** Other reasons than the plan's own (a scenario's), worded with the plan's sites. */
  items?: PlanReason[];
}) {
  const words = useWords(result, subsidiaryNames);
  const items = given ?? (kind === 'reason' ? result.reasons : result.warnings);
  if (items.length === 0) return null;
  return (
    <ul className={kind === 'reason' ? 'plan-reasons' : 'plan-warnings'}>
      {items.map((item, i) => {
        const { text, english } = words(item, kind);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: reasons have no id; the list is never reordered
          <li key={i} {...(english ? { lang: 'en', dir: 'ltr' } : {})}>
            {text}
          </li>
        );
      })}
    </ul>
  );
}
