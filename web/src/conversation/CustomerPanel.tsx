import { useTranslation } from 'react-i18next';
import type { Conversation, Customer } from '../api.ts';
import { follow, pathOf } from '../router.ts';
import { useNow } from './clock.ts';

/** A merge suggestion with the other customer's name when the agent may see them. */
export interface Suggestion {
  id: string;
  reason: string;
  otherName: string | undefined;
}

interface ContactWindow {
  days: number[];
  start: string;
  end: string;
}

const OPEN_STATUSES = new Set(['open', 'assigned', 'pending']);
// 1 January 2024 was a Monday: day n of the week is that date plus n - 1 days.
const weekday = (language: string, day: number) =>
  new Intl.DateTimeFormat(language, { weekday: 'short', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2024, 0, day)),
  );
const clock = (language: string, hhmm: string) => {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return new Intl.DateTimeFormat(language, { timeStyle: 'short', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2024, 0, 1, h, m)),
  );
};

/** Weekday (1 = Monday) and "HH:MM" now in a time zone. */
function wallClock(now: Date, timeZone: string): { day: number; time: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(part('weekday')) + 1;
  return { day, time: `${part('hour')}:${part('minute')}` };
}

/** The time zone's name in the agent's language ("Central European Standard Time"), else its IANA name. */
function zoneName(language: string, timeZone: string, now: Date): string {
  const parts = new Intl.DateTimeFormat(language, { timeZone, timeZoneName: 'long' }).formatToParts(now);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/** Who the customer is, how to reach them, when, and what else they asked. */
export function CustomerPanel({
  customer,
  failed,
  conversations,
  currentId,
  suggestions,
}: {
  customer: Customer | null;
  failed: boolean;
  conversations: Conversation[];
  currentId: string;
  suggestions: Suggestion[];
}) {
  const { t, i18n } = useTranslation();
  const now = useNow(60_000);
  const language = i18n.language;
  if (!customer)
    return (
      <aside className="customer-panel" aria-labelledby="customer-title">
        <h2 id="customer-title">{t('customerPanel.title')}</h2>
        {failed ? (
          <p role="alert" className="error">
            {t('customerPanel.failed')}
          </p>
        ) : (
          <p>{t('customerPanel.loading')}</p>
        )}
      </aside>
    );

  const languages = new Intl.DisplayNames([language], { type: 'language' });
  const regions = new Intl.DisplayNames([language], { type: 'region' });
  const list = (items: string[]) => new Intl.ListFormat(language, { type: 'conjunction' }).format(items);
  const dates = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });
  const localTime = new Intl.DateTimeFormat(language, {
    timeZone: customer.timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(now);
  const windows = customer.contactWindows as unknown as ContactWindow[];
  const here = wallClock(now, customer.timeZone);
  const reachable =
    windows.length === 0
      ? undefined
      : windows.some((w) => w.days.includes(here.day) && w.start <= here.time && here.time < w.end);
  const others = conversations.filter((c) => c.id !== currentId);
  const open = others.filter((c) => OPEN_STATUSES.has(c.status));
  const past = others.filter((c) => !OPEN_STATUSES.has(c.status));
  const approach = customer.approach as { formality?: 'formal' | 'informal'; notes?: string };

  const conversationList = (items: Conversation[], title: string, id: string) => (
    <section aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {items.length === 0 ? (
        <p>{t('customerPanel.none')}</p>
      ) : (
        <ul className="panel-list">
          {items.map((c) => {
            const route = { page: 'conversation', id: c.id } as const;
            return (
              <li key={c.id}>
                <a href={pathOf(route)} onClick={follow(route)}>
                  <bdi>{c.subject ?? t('conversation.noSubject')}</bdi>
                </a>{' '}
                <span className="meta">
                  <span>{t(`channel.${c.channel}`)}</span>
                  <span>{t(`status.${c.status}`)}</span>
                  <time dateTime={c.lastMessageAt}>{dates.format(new Date(c.lastMessageAt))}</time>
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );

  return (
    <aside className="customer-panel" aria-labelledby="customer-title">
      <h2 id="customer-title">
        <span className="label">{t('customerPanel.title')}</span> <bdi>{customer.displayName}</bdi>
      </h2>
      {customer.mergedInto && <p className="hint">{t('customerPanel.merged')}</p>}
      <dl>
        <dt>{t('customerPanel.localTime')}</dt>
        <dd className="local-time" data-time-zone={customer.timeZone}>
          <time dateTime={now.toISOString()}>{localTime}</time>{' '}
          <span className="zone">{zoneName(language, customer.timeZone, now)}</span>{' '}
          <span className="iana" dir="ltr">
            ({customer.timeZone})
          </span>
          {reachable !== undefined && (
            <span className={`reachable ${reachable ? 'yes' : 'no'}`}>
              {reachable ? t('customerPanel.inWindow') : t('customerPanel.outWindow')}
            </span>
          )}
        </dd>
        <dt>{t('customerPanel.language')}</dt>
        <dd>{languages.of(customer.language) ?? customer.language}</dd>
        <dt>{t('customerPanel.country')}</dt>
        <dd>{regions.of(customer.country) ?? customer.country}</dd>
        <dt>{t('customerPanel.consent')}</dt>
        <dd>{t(`customerPanel.consentLevel.${customer.consentLevel}`)}</dd>
      </dl>

      <section aria-labelledby="customer-identities">
        <h3 id="customer-identities">{t('customerPanel.identities')}</h3>
        {customer.identities.length === 0 ? (
          <p>{t('customerPanel.none')}</p>
        ) : (
          <dl className="identities">
            {customer.identities.map((identity) => (
              <div key={identity.id}>
                <dt>{t(`customerPanel.identity.${identity.kind}`)}</dt>
                <dd>
                  <bdi dir="ltr">{identity.value}</bdi>
                </dd>
              </div>
            ))}
          </dl>
        )}
      </section>

      <section aria-labelledby="customer-preferences">
        <h3 id="customer-preferences">{t('customerPanel.preferences')}</h3>
        <dl>
          <dt>{t('customerPanel.preferredChannels')}</dt>
          <dd>
            {customer.preferredChannels.length === 0
              ? t('customerPanel.noPreference')
              : list(customer.preferredChannels.map((c) => t(`channel.${c}`)))}
          </dd>
          <dt>{t('customerPanel.contactWindows')}</dt>
          <dd>
            {windows.length === 0 ? (
              t('customerPanel.noPreference')
            ) : (
              <ul className="panel-list">
                {windows.map((w) => (
                  <li key={`${w.days.join()}-${w.start}-${w.end}`}>
                    {t('customerPanel.window', {
                      days: list(w.days.map((d) => weekday(language, d))),
                      start: clock(language, w.start),
                      end: clock(language, w.end),
                    })}
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt>{t('customerPanel.approach')}</dt>
          <dd>
            {!approach.formality && !approach.notes && t('customerPanel.noPreference')}
            {approach.formality && (
              <span className="formality">{t(`customerPanel.formality.${approach.formality}`)}</span>
            )}
            {approach.notes && (
              <span className="notes" dir="auto">
                {approach.notes}
              </span>
            )}
          </dd>
        </dl>
      </section>

      {conversationList(open, t('customerPanel.openConversations'), 'customer-open')}
      {conversationList(past, t('customerPanel.pastConversations'), 'customer-past')}

      {suggestions.length > 0 && (
        <section aria-labelledby="customer-merge">
          <h3 id="customer-merge">{t('customerPanel.mergeSuggestions')}</h3>
          <ul className="panel-list">
            {suggestions.map((s) => (
              <li key={s.id}>
                <bdi>{s.otherName ?? t('customerPanel.anotherCustomer')}</bdi>
                <p className="hint">
                  {t('customerPanel.mergeReason')} <bdi dir="auto">{s.reason}</bdi>
                </p>
              </li>
            ))}
          </ul>
        </section>
      )}
    </aside>
  );
}
