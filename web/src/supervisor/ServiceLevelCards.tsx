import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Figures, ServiceLevel } from './board.ts';

function useFormats() {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const language = i18n.language;
    return {
      number: new Intl.NumberFormat(language),
      percent: new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 }),
      seconds: new Intl.NumberFormat(language, { style: 'unit', unit: 'second', unitDisplay: 'short' }),
      minutes: new Intl.NumberFormat(language, { style: 'unit', unit: 'minute', unitDisplay: 'short' }),
    };
  }, [i18n.language]);
}

/** One card: a subsidiary's figures on one channel, or on all. */
function Card({ title, channel, figures }: { title: string; channel: string; figures: Figures }) {
  const { t } = useTranslation();
  const f = useFormats();
  const id = useId();
  const speed = figures.averageSpeedOfAnswerSeconds;
  return (
    <li className="sl-card" data-channel={channel} aria-labelledby={id}>
      <h4 id={id}>{title}</h4>
      <dl>
        <div className="sl-level">
          <dt>{t('supervisor.serviceLevel.level')}</dt>
          <dd className={figures.serviceLevel === null ? 'sl-none' : undefined}>
            {figures.serviceLevel === null
              ? t('supervisor.serviceLevel.noAnswer')
              : f.percent.format(figures.serviceLevel)}
          </dd>
        </div>
        <div>
          <dt>{t('supervisor.serviceLevel.answered')}</dt>
          <dd>
            {t('supervisor.serviceLevel.answeredOf', {
              answered: f.number.format(figures.answered),
              arrived: f.number.format(figures.arrived),
            })}
          </dd>
        </div>
        <div>
          <dt>{t('supervisor.serviceLevel.inTarget')}</dt>
          <dd>{f.number.format(figures.answeredInTarget)}</dd>
        </div>
        <div className={figures.breaches.firstResponse + figures.breaches.resolution > 0 ? 'sl-bad' : ''}>
          <dt>{t('supervisor.serviceLevel.breaches')}</dt>
          <dd>
            {t('supervisor.serviceLevel.breachesDetail', {
              firstResponse: f.number.format(figures.breaches.firstResponse),
              resolution: f.number.format(figures.breaches.resolution),
            })}
          </dd>
        </div>
        <div>
          <dt>{t('supervisor.serviceLevel.waiting')}</dt>
          <dd>{f.number.format(figures.waiting)}</dd>
        </div>
        <div className={figures.atRisk > 0 ? 'sl-bad' : ''}>
          <dt>{t('supervisor.serviceLevel.atRisk')}</dt>
          <dd>{f.number.format(figures.atRisk)}</dd>
        </div>
        <div>
          <dt>{t('supervisor.serviceLevel.speed')}</dt>
          <dd>
            {speed === null
              ? t('supervisor.serviceLevel.noAnswer')
              : speed < 120
                ? f.seconds.format(speed)
                : f.minutes.format(Math.round(speed / 60))}
          </dd>
        </div>
      </dl>
    </li>
  );
}

/** Today's service level: a card per channel and one for all, for each subsidiary in scope. */
export function ServiceLevelCards({ serviceLevel }: { serviceLevel: ServiceLevel }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <section className="service-level" aria-labelledby={id}>
      <h2 id={id}>{t('supervisor.serviceLevel.title')}</h2>
      {serviceLevel.subsidiaries.length === 0 && <p>{t('supervisor.serviceLevel.noSubsidiary')}</p>}
      {serviceLevel.subsidiaries.map((s) => (
        <section key={s.subsidiaryId} className="sl-subsidiary" data-subsidiary={s.subsidiaryId}>
          <h3>
            <bdi>{s.name}</bdi>
          </h3>
          <p>
            {t('supervisor.serviceLevel.day', {
              date: new Intl.DateTimeFormat(i18n.language, {
                dateStyle: 'full',
                timeZone: s.timeZone,
              }).format(new Date(s.dayStart)),
            })}
          </p>
          <ul className="sl-cards">
            <Card title={t('supervisor.serviceLevel.allChannels')} channel="all" figures={s.total} />
            {s.channels.map((c) => (
              <Card key={c.channel} title={t(`channel.${c.channel}`)} channel={c.channel} figures={c} />
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}
