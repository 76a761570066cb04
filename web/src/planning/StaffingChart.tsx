import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../admin/intl.ts';
import { type HourlyStaffing, localHour, niceStep, viewerZone } from './hours.ts';

/** One colour per site, told apart by people with the common colour blindnesses (Okabe & Ito), then darker tones. */
export const SITE_COLOURS = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#56b4e9',
  '#d55e00',
  '#8a6d00',
  '#4a5362',
  '#7f1d1d',
  '#14532d',
];
export const colourOf = (i: number): string => SITE_COLOURS[i % SITE_COLOURS.length] ?? '#4a5362';

const WIDTH = 960;
const HEIGHT = 300;
const AXIS = 48;
const TOP = 12;
const BOTTOM = 40;

/**
 * Scheduled agents per site, hour by hour, stacked: x the hours of the plan on the viewer's
 * clock (right to left in a right-to-left language), y the agents. A table gives the same
 * figures to those who do not see the chart.
 */
export function StaffingChart({ staffing }: { staffing: HourlyStaffing }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const rtl = i18n.dir(locale) === 'rtl';
  const titleId = useId();
  const descId = useId();
  const { hours, values, sites } = staffing;
  const first = hours[0] ?? 0;
  const last = hours.at(-1) ?? first;
  const { zone, name } = viewerZone(locale, first);
  const step = niceStep(staffing.peak);
  const top = Math.max(step, Math.ceil(staffing.peak / step) * step);
  const plotWidth = WIDTH - AXIS - 8;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const barWidth = plotWidth / Math.max(1, hours.length);
  // The time axis runs with the reading direction; the agents' axis stands where a line begins.
  const xOf = (h: number) => (rtl ? WIDTH - AXIS - (h + 1) * barWidth : AXIS + h * barWidth);
  const yOf = (agents: number) => TOP + plotHeight - (agents / top) * plotHeight;
  const axisX = rtl ? WIDTH - AXIS : AXIS;
  const plotStart = rtl ? 8 : AXIS;
  const plotEnd = rtl ? WIDTH - AXIS : WIDTH - 8;
  const days = hours.length / 24;
  const dayLabel = new Intl.DateTimeFormat(locale, {
    weekday: days > 14 ? undefined : 'short',
    day: 'numeric',
    month: days > 14 ? 'short' : undefined,
  });
  const dayTicks = hours.flatMap((at, h) => (localHour(at) === 0 ? [h] : []));
  // Each day is named at its first hour (the plan's first day too, which rarely starts at midnight
  // on the viewer's clock), as long as its name fits before the chart's end.
  const firstRoom = (dayTicks[0] ?? hours.length) * barWidth;
  const labelled = [...(dayTicks[0] === 0 || firstRoom < 60 ? [] : [0]), ...dayTicks]
    .filter((_h, i) => days <= 14 || i % 7 === 0)
    .filter((h) => h === 0 || (hours.length - h) * barWidth > 40);
  const gridLines: number[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) gridLines.push(v);
  const fmt = (at: number) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
  const number = (n: number) => formatNumber(locale, n, { maximumFractionDigits: 1 });

  return (
    <figure className="plan-chart">
      <p className="plan-zone">{t('planning.chart.zone', { zone, name })}</p>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={titleId} aria-describedby={descId}>
        <title id={titleId}>{t('planning.chart.title')}</title>
        <desc id={descId}>
          {t('planning.chart.description', { from: fmt(first), to: fmt(last + 3_600_000), zone })}
        </desc>
        <g className="plan-grid">
          {gridLines.map((v) => (
            <g key={v}>
              <line x1={plotStart} x2={plotEnd} y1={yOf(v)} y2={yOf(v)} />
              <text x={rtl ? axisX + 6 : axisX - 6} y={yOf(v) + 4} textAnchor={rtl ? 'start' : 'end'}>
                {number(v)}
              </text>
            </g>
          ))}
        </g>
        <g>
          {values.map((cells, h) => {
            let base = 0;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: an hour is its index
              <g key={h}>
                {cells.map((v, s) => {
                  if (!(v > 0)) return null;
                  const y = yOf(base + v);
                  const height = yOf(base) - y;
                  base += v;
                  return (
                    <rect
                      // biome-ignore lint/suspicious/noArrayIndexKey: a site is its column
                      key={s}
                      x={xOf(h)}
                      y={y}
                      width={Math.max(barWidth - (barWidth > 3 ? 0.5 : 0), 0.5)}
                      height={height}
                      fill={colourOf(s)}
                    />
                  );
                })}
              </g>
            );
          })}
        </g>
        <g className="plan-axis">
          <line x1={plotStart} x2={plotEnd} y1={yOf(0)} y2={yOf(0)} />
          {dayTicks.map((h) => (
            <line
              key={h}
              x1={rtl ? xOf(h) + barWidth : xOf(h)}
              x2={rtl ? xOf(h) + barWidth : xOf(h)}
              y1={yOf(0)}
              y2={yOf(0) + 6}
            />
          ))}
          {labelled.map((h) => (
            <text
              key={h}
              x={rtl ? xOf(h) + barWidth - 2 : xOf(h) + 2}
              y={yOf(0) + 20}
              textAnchor="start"
              direction={rtl ? 'rtl' : 'ltr'}
            >
              {dayLabel.format(hours[h] ?? 0)}
            </text>
          ))}
        </g>
      </svg>
      <figcaption>
        <span className="plan-axis-label">{t('planning.chart.yAxis')}</span>
        <ul className="plan-legend" aria-label={t('planning.chart.legend')}>
          {sites.map((s, i) => (
            <li key={s.id}>
              <span className="plan-swatch" style={{ background: colourOf(i) }} aria-hidden="true" />
              {s.name} ({s.code})
            </li>
          ))}
        </ul>
      </figcaption>
      <details className="plan-table">
        <summary>{t('planning.chart.asTable')}</summary>
        <table>
          <caption>{t('planning.chart.tableCaption', { zone })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('planning.chart.hour')}</th>
              {sites.map((s) => (
                <th key={s.id} scope="col">
                  {s.code}
                </th>
              ))}
              <th scope="col">{t('planning.chart.total')}</th>
            </tr>
          </thead>
          <tbody>
            {values.map((cells, h) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: an hour is its index
              <tr key={h}>
                <th scope="row">{fmt(hours[h] ?? 0)}</th>
                {cells.map((v, s) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a site is its column
                  <td key={s}>{number(v)}</td>
                ))}
                <td>{number(cells.reduce((a, b) => a + b, 0))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
