import { useTranslation } from 'react-i18next';

/** The supervisor's agents by site and presence with their load, and today's service level. */
export default function Agents() {
  const { t } = useTranslation();
  return (
    <main className="agents">
      <p>{t('workspace.loading')}</p>
    </main>
  );
}
