import { useCallback, useEffect, useRef, useState } from 'react';

/** An offer as the agents' socket sends it. */
export interface Offer {
  offerId: string;
  conversationId: string;
  channel: string;
  language: string;
  customerName: string;
  waitingSince: string;
  expiresAt: string;
}

type Frame =
  | ({ type: 'offer' } & Offer)
  | { type: 'offer_expired'; offerId: string }
  | { type: 'assigned'; conversationId: string; offerId?: string }
  | { type: 'declined'; conversationId: string; offerId: string }
  | { type: 'error'; code: string; offerId?: string }
  | { type: string };

/**
 * The agent's socket (/api/agents/me/socket): offers come and go, assignments are
 * announced; the agent accepts or declines. Reconnects when the link drops.
 */
export function useAgentSocket(enabled: boolean, onAssigned: () => void) {
  const [offers, setOffers] = useState<Offer[]>([]);
  const [gone, setGone] = useState(false);
  const socket = useRef<WebSocket | undefined>(undefined);
  const assigned = useRef(onAssigned);
  assigned.current = onAssigned;

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let retry: number | undefined;
    const drop = (offerId: string | undefined) =>
      setOffers((all) => all.filter((o) => o.offerId !== offerId));
    const connect = () => {
      const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
      const ws = new WebSocket(`${scheme}://${window.location.host}/api/agents/me/socket`);
      socket.current = ws;
      ws.onmessage = (event) => {
        const frame = JSON.parse(String(event.data)) as Frame;
        if (frame.type === 'offer') {
          const offer = frame as Offer;
          setOffers((all) => [...all.filter((o) => o.offerId !== offer.offerId), offer]);
        } else if (frame.type === 'offer_expired' || frame.type === 'declined') {
          drop((frame as { offerId: string }).offerId);
        } else if (frame.type === 'assigned') {
          const { conversationId } = frame as { conversationId: string };
          setOffers((all) => all.filter((o) => o.conversationId !== conversationId));
          assigned.current();
        } else if (frame.type === 'error' && (frame as { code: string }).code === 'offer_gone') {
          drop((frame as { offerId?: string }).offerId);
          setGone(true);
        }
      };
      ws.onclose = () => {
        if (stopped) return;
        retry = window.setTimeout(connect, 3000);
      };
    };
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      socket.current?.close();
    };
  }, [enabled]);

  const answer = useCallback((type: 'accept' | 'decline', offerId: string) => {
    setGone(false);
    socket.current?.send(JSON.stringify({ v: 1, type, offerId }));
  }, []);

  return { offers, gone, answer };
}
