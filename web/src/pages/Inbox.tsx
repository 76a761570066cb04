import { useTranslation } from 'react-i18next';
import type { Conversation } from '../api.ts';
import type { Offer } from '../offers.ts';
import { follow } from '../router.ts';

/** The agent's inbox: the offers waiting for their answer, then the conversations assigned to them. */
export function Inbox({
  agent,
  conversations,
  offers,
  failed,
  answer,
}: {
  agent: boolean;
  conversations: Conversation[] | null;
  offers: Offer[];
  failed: boolean;
  answer: (kind: 'accept' | 'decline', offerId: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const dates = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const languageNames = new Intl.DisplayNames([i18n.language], { type: 'language' });
  return (
    <main>
      {offers.length > 0 && (
        <section className="offers" aria-labelledby="offers-title">
          <h2 id="offers-title">{t('offers.title')}</h2>
          <ul>
            {offers.map((o) => (
              <li key={o.offerId}>
                <span>
                  <bdi>{o.customerName}</bdi>
                </span>
                <span>{t(`channel.${o.channel}`)}</span>
                <span>{languageNames.of(o.language) ?? o.language}</span>
                <span>
                  {t('offers.waitingSince', {
                    time: new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short' }).format(
                      new Date(o.waitingSince),
                    ),
                  })}
                </span>
                <button type="button" onClick={() => answer('accept', o.offerId)}>
                  {t('offers.accept')}
                </button>
                <button type="button" className="secondary" onClick={() => answer('decline', o.offerId)}>
                  {t('offers.decline')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {!agent && <p>{t('workspace.notAgent')}</p>}
      {agent && conversations === null && !failed && <p>{t('workspace.loading')}</p>}
      {conversations && conversations.length === 0 && <p>{t('workspace.empty')}</p>}
      {conversations && conversations.length > 0 && (
        <table>
          <caption>{t('workspace.count', { count: conversations.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('conversation.subject')}</th>
              <th scope="col">{t('conversation.channel')}</th>
              <th scope="col">{t('conversation.language')}</th>
              <th scope="col">{t('conversation.status')}</th>
              <th scope="col">{t('conversation.arrived')}</th>
            </tr>
          </thead>
          <tbody>
            {conversations.map((c) => (
              <tr key={c.id}>
                <td dir="auto">
                  <a href={`/conversations/${c.id}`} onClick={follow({ page: 'conversation', id: c.id })}>
                    <bdi>{c.subject ?? t('conversation.noSubject')}</bdi>
                  </a>
                </td>
                <td>{t(`channel.${c.channel}`)}</td>
                <td>{languageNames.of(c.language) ?? c.language}</td>
                <td>{t(`status.${c.status}`)}</td>
                <td>
                  <time dateTime={c.createdAt}>{dates.format(new Date(c.createdAt))}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
