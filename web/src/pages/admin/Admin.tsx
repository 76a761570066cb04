import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Admin as AdminPerson, whoAmI } from '../../admin/client.ts';
import { LoadProblem } from '../../admin/form.tsx';
import { useItem } from '../../admin/item.ts';
import { follow, pathOf, type Route } from '../../router.ts';
import { AgentsSection } from './AgentsSection.tsx';
import { QueuesSection } from './QueuesSection.tsx';
import { RepliesSection } from './RepliesSection.tsx';
import { RoutingSection } from './RoutingSection.tsx';
import { SitesSection } from './SitesSection.tsx';
import { SlaSection } from './SlaSection.tsx';
import { SubsidiariesSection } from './SubsidiariesSection.tsx';

/** The sections of administration, in the side navigation's order; each is `/admin/<section>`. */
export const SECTIONS = ['subsidiaries', 'sites', 'agents', 'sla', 'routing', 'queues', 'replies'] as const;
export type Section = (typeof SECTIONS)[number];

const isSection = (s: string | undefined): s is Section => SECTIONS.some((x) => x === s);

export interface SectionProps {
  admin: AdminPerson;
  /** The item the address names (`#<id>`, `#new`), or ''. */
  item: string;
}

const PAGES: Record<Section, (props: SectionProps) => ReactNode> = {
  subsidiaries: SubsidiariesSection,
  sites: SitesSection,
  agents: AgentsSection,
  sla: SlaSection,
  routing: RoutingSection,
  queues: QueuesSection,
  replies: RepliesSection,
};

/** Administration: subsidiaries and endpoints, sites, agents, SLA policies, routing, saved replies. */
export default function Admin({ section }: { section: string | undefined }) {
  const { t } = useTranslation();
  const item = useItem();
  const [admin, setAdmin] = useState<AdminPerson | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    whoAmI().then(setAdmin, setError);
  }, []);

  const current = isSection(section) ? section : undefined;
  const Page = current ? PAGES[current] : undefined;

  return (
    <main className="admin" data-section={section ?? ''}>
      <nav className="admin-nav" aria-label={t('admin.nav.label')}>
        <ul>
          {SECTIONS.map((s) => {
            const route: Route = { page: 'admin', section: s };
            return (
              <li key={s}>
                <a
                  href={pathOf(route)}
                  onClick={follow(route)}
                  aria-current={s === current ? 'page' : undefined}
                >
                  {t(`admin.nav.${s}`)}
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="admin-content">
        {error !== null && <LoadProblem error={error} />}
        {!admin && error === null && <p>{t('workspace.loading')}</p>}
        {admin && admin.role !== 'admin' && (
          <p role="alert" className="admin-note">
            {t('admin.notAdmin')}
          </p>
        )}
        {admin?.role === 'admin' && Page && <Page key={current} admin={admin} item={item} />}
        {admin?.role === 'admin' && !Page && <Overview admin={admin} unknown={section !== undefined} />}
      </div>
    </main>
  );
}

/** `/admin`: what each section is for, and what this administrator's scope covers. */
function Overview({ admin, unknown }: { admin: AdminPerson; unknown: boolean }) {
  const { t } = useTranslation();
  return (
    <section className="admin-overview" aria-labelledby="admin-overview-title">
      <h2 id="admin-overview-title">{t('admin.overview.title')}</h2>
      {unknown && (
        <p role="alert" className="error">
          {t('admin.overview.unknown')}
        </p>
      )}
      <p>{t(`admin.overview.scope.${admin.scope.kind}`)}</p>
      <ul>
        {SECTIONS.map((s) => {
          const route: Route = { page: 'admin', section: s };
          return (
            <li key={s}>
              <a href={pathOf(route)} onClick={follow(route)}>
                {t(`admin.nav.${s}`)}
              </a>{' '}
              — {t(`admin.overview.about.${s}`)}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
