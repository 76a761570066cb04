import { useTranslation } from 'react-i18next';

/** Administration: subsidiaries and endpoints, sites, agents, SLA policies, routing, saved replies. */
export default function Admin({ section }: { section: string | undefined }) {
  const { t } = useTranslation();
  return (
    <main className="admin" data-section={section ?? ''}>
      <p>{t('workspace.loading')}</p>
    </main>
  );
}
