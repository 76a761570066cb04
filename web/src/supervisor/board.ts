import { useEffect, useState } from 'react';
import { ApiError, api } from '../api.ts';

/** One agent on the board, as GET /api/agents/board and the socket's `board` frame give it. */
export interface BoardAgent {
  id: string;
  displayName: string;
  site: { id: string; name: string; subsidiaryIds: string[] };
  tier: string;
  languages: Array<{ tag: string; proficiency: number }>;
  presence: 'available' | 'busy' | 'away' | 'offline';
  presenceSince: string;
  load: { total: number; perChannel: Record<string, number> };
  capacity: { total: number; perChannel: Record<string, number> };
  conversations: Array<{ id: string; subsidiaryId: string; channel: string; subject: string | null }>;
}

export interface Figures {
  arrived: number;
  answered: number;
  answeredInTarget: number;
  serviceLevel: number | null;
  breaches: { firstResponse: number; resolution: number };
  waiting: number;
  atRisk: number;
  averageSpeedOfAnswerSeconds: number | null;
}

/** GET /api/service-level/today. */
export interface ServiceLevel {
  asOf: string;
  subsidiaries: Array<{
    subsidiaryId: string;
    name: string;
    timeZone: string;
    day: string;
    dayStart: string;
    total: Figures;
    channels: Array<Figures & { channel: string }>;
  }>;
}

export interface Board {
  agents: BoardAgent[];
  serviceLevel: ServiceLevel;
}

/** The socket's state: `forbidden` when the caller's role has no board (it is not retried). */
export type Link = 'connecting' | 'live' | 'lost' | 'forbidden';

const RETRY_MS = 3000;

/**
 * The board and today's service level, pushed by the server over a WebSocket
 * (GET /api/supervisor/socket) on connecting and whenever they change; reconnects when lost.
 */
export function useBoard(): { board: Board | null; link: Link } {
  const [board, setBoard] = useState<Board | null>(null);
  const [link, setLink] = useState<Link>('connecting');

  useEffect(() => {
    let socket: WebSocket | undefined;
    let retry: number | undefined;
    let stopped = false;
    const connect = () => {
      let opened = false;
      const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
      socket = new WebSocket(`${scheme}://${window.location.host}/api/supervisor/socket`);
      socket.onopen = () => {
        opened = true;
        setLink('live');
      };
      socket.onmessage = (event) => {
        const frame = JSON.parse(String(event.data)) as { type: string } & Partial<Board>;
        if (frame.type === 'board' && frame.agents && frame.serviceLevel)
          setBoard({ agents: frame.agents, serviceLevel: frame.serviceLevel });
      };
      socket.onclose = async () => {
        if (stopped) return;
        // Refused before opening: ask over HTTP why, so a role without a board is told so once.
        if (!opened) {
          const refusal = await api('GET', '/api/agents/board').then(
            () => undefined,
            (e: unknown) => e,
          );
          if (stopped) return;
          if (refusal instanceof ApiError && refusal.status === 403) {
            setLink('forbidden');
            return;
          }
        }
        setLink('lost');
        retry = window.setTimeout(connect, RETRY_MS);
      };
    };
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      socket?.close();
    };
  }, []);

  return { board, link };
}
