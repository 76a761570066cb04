import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type Conversation, getWithEtag, patch } from '../api.ts';
import type { BoardAgent } from './board.ts';

/** What came of a reassignment; null clears what was said. */
export type Outcome = { kind: 'done' | 'error'; text: string } | null;

/** Why a reassignment did not happen, in the words of the catalog. */
function refusalKey(error: unknown): string {
  if (!(error instanceof ApiError)) return 'supervisor.reassign.failed';
  if (error.status === 412) return 'supervisor.reassign.changed';
  if (error.status === 409) return 'supervisor.reassign.conflict';
  if (error.status === 400) return 'supervisor.reassign.refused';
  if (error.status === 404) return 'supervisor.reassign.gone';
  return 'supervisor.reassign.failed';
}

/**
 * Give one of an agent's conversations to another agent in scope: the conversation is read
 * first (its ETag), then changed with If-Match, so a change made meanwhile is never overwritten.
 */
export function Reassign({
  conversation,
  from,
  agents,
  label,
  report,
}: {
  conversation: BoardAgent['conversations'][number];
  from: BoardAgent;
  agents: BoardAgent[];
  /** What the conversation is called on the page, for the control's accessible name. */
  label: string;
  /** Said on the page, where it stays when the conversation leaves this agent's list. */
  report: (outcome: Outcome) => void;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [to, setTo] = useState('');
  const [working, setWorking] = useState(false);
  const number = new Intl.NumberFormat(i18n.language);

  // Agents at a site that serves the conversation's subsidiary; the server has the last word.
  const candidates = agents.filter(
    (a) => a.id !== from.id && a.site.subsidiaryIds.includes(conversation.subsidiaryId),
  );
  const sites = [...new Map(candidates.map((a) => [a.site.id, a.site.name])).entries()];

  async function submit(event: FormEvent) {
    event.preventDefault();
    const target = candidates.find((a) => a.id === to);
    if (!target) return;
    setWorking(true);
    report(null);
    try {
      const path = `/api/conversations/${encodeURIComponent(conversation.id)}`;
      const { body, etag } = await getWithEtag<Conversation>(path);
      if (body.assigneeId !== from.id) {
        report({ kind: 'error', text: t('supervisor.reassign.moved') });
        return;
      }
      await patch<Conversation>(path, etag, { assigneeId: target.id });
      report({ kind: 'done', text: t('supervisor.reassign.done', { name: target.displayName }) });
      setOpen(false);
      setTo('');
    } catch (error) {
      report({ kind: 'error', text: t(refusalKey(error)) });
    } finally {
      setWorking(false);
    }
  }

  return (
    <div className="reassign">
      {!open && (
        <button
          type="button"
          className="secondary"
          aria-label={t('supervisor.reassign.buttonFor', { conversation: label })}
          onClick={() => {
            setOpen(true);
            report(null);
          }}
        >
          {t('supervisor.reassign.button')}
        </button>
      )}
      {open && (
        <form
          onSubmit={(e) => void submit(e)}
          aria-label={t('supervisor.reassign.formFor', { conversation: label })}
        >
          {candidates.length === 0 ? (
            <p>{t('supervisor.reassign.noCandidate')}</p>
          ) : (
            <span className="field inline">
              <label htmlFor={`${id}-to`}>{t('supervisor.reassign.to')}</label>
              <select id={`${id}-to`} value={to} onChange={(e) => setTo(e.target.value)} required>
                <option value="">{t('supervisor.reassign.choose')}</option>
                {sites.map(([siteId, siteName]) => (
                  <optgroup key={siteId} label={siteName}>
                    {candidates
                      .filter((a) => a.site.id === siteId)
                      .map((a) => (
                        <option key={a.id} value={a.id}>
                          {t('supervisor.reassign.option', {
                            name: a.displayName,
                            load: number.format(a.load.total),
                            capacity: number.format(a.capacity.total),
                          })}
                        </option>
                      ))}
                  </optgroup>
                ))}
              </select>
            </span>
          )}
          <button type="submit" disabled={working || to === ''}>
            {t('supervisor.reassign.confirm')}
          </button>
          <button type="button" className="secondary" onClick={() => setOpen(false)}>
            {t('supervisor.reassign.cancel')}
          </button>
        </form>
      )}
    </div>
  );
}
