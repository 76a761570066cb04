import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AgentsBySite } from '../supervisor/AgentsBySite.tsx';
import { useBoard } from '../supervisor/board.ts';
import type { Outcome } from '../supervisor/Reassign.tsx';
import { ServiceLevelCards } from '../supervisor/ServiceLevelCards.tsx';

/** The supervisor's agents by site and presence with their load, and today's service level, live. */
export default function Agents() {
  const { t } = useTranslation();
  const { board, link } = useBoard();
  const [outcome, setOutcome] = useState<Outcome>(null);
  return (
    <main className="agents">
      <p className={`link ${link}`} role="status">
        {link === 'forbidden' ? t('supervisor.forbidden') : t(`queues.link.${link}`)}
      </p>
      {!board && link !== 'forbidden' && <p>{t('workspace.loading')}</p>}
      {outcome?.kind === 'done' && (
        <p className="notice" role="status">
          {outcome.text}
        </p>
      )}
      {outcome?.kind === 'error' && (
        <p className="error" role="alert">
          {outcome.text}
        </p>
      )}
      {board && (
        <>
          <ServiceLevelCards serviceLevel={board.serviceLevel} />
          <AgentsBySite agents={board.agents} report={setOutcome} />
        </>
      )}
    </main>
  );
}
