import { useTranslation } from 'react-i18next';
import type { Me } from '../api.ts';

/** One conversation: its timeline across channels, the composer, the customer panel. */
export default function ConversationPage({ id }: { id: string; me: Me }) {
  const { t } = useTranslation();
  return (
    <main className="conversation" data-conversation={id}>
      <p>{t('workspace.loading')}</p>
    </main>
  );
}
