import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';

interface MessageHtml {
  html: string | null;
  remoteImages: number;
}

/** Images of our own (an email's cid: parts) and inline data only; remote ones when the agent asks. */
const POLICY = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src 'self' data:";
const POLICY_REMOTE =
  "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src 'self' data: https: http:";

/**
 * The document shown in the frame: the server's sanitised HTML under a policy that loads
 * nothing but our own images (and, once asked, the remote ones put back into `src`).
 */
function frameDocument(html: string, remote: boolean): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  if (remote) {
    for (const img of doc.querySelectorAll('img[data-remote-src]')) {
      img.setAttribute('src', img.getAttribute('data-remote-src') ?? '');
    }
  }
  const policy = remote ? POLICY_REMOTE : POLICY;
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${policy}"><base target="_blank"><style>body{margin:0;font-family:system-ui,sans-serif;color:#1c2330;overflow-wrap:anywhere}img{max-inline-size:100%;block-size:auto}</style></head><body dir="auto">${doc.body.innerHTML}</body></html>`;
}

/**
 * An email: its HTML (sanitised by the server) in a frame that runs no script, with remote
 * images held back until the agent asks; its text when it has no HTML.
 */
export function EmailBody({
  conversationId,
  messageId,
  text,
  from,
}: {
  conversationId: string;
  messageId: string;
  text: string;
  from: string;
}) {
  const { t } = useTranslation();
  const [body, setBody] = useState<MessageHtml | 'loading' | 'failed'>('loading');
  const [remote, setRemote] = useState(false);
  const [height, setHeight] = useState(160);
  const frame = useRef<HTMLIFrameElement>(null);

  useEffect(() => {
    let current = true;
    api<MessageHtml>('GET', `/api/conversations/${conversationId}/messages/${messageId}/html`)
      .then((b) => current && setBody(b))
      .catch(() => current && setBody('failed'));
    return () => {
      current = false;
    };
  }, [conversationId, messageId]);

  const html = typeof body === 'object' ? body.html : null;
  const srcDoc = useMemo(() => (html === null ? '' : frameDocument(html, remote)), [html, remote]);

  const plain = (
    <p className="message-text" dir="auto">
      {text}
    </p>
  );
  if (body === 'loading') return plain;
  if (body === 'failed')
    return (
      <>
        <p className="hint">{t('thread.email.failed')}</p>
        {plain}
      </>
    );
  if (body.html === null) return plain;

  // The frame shares our origin (so our cid: images load and its height can be read) but runs no script at all.
  const fit = () => {
    const doc = frame.current?.contentDocument;
    if (doc?.documentElement) setHeight(Math.min(Math.max(doc.documentElement.scrollHeight, 48), 2400));
  };
  return (
    <div className="email-body">
      {body.remoteImages > 0 && (
        <div className="remote-images">
          {remote ? (
            <p className="hint">{t('thread.email.remoteShown')}</p>
          ) : (
            <>
              <p className="hint">{t('thread.email.remoteHidden', { count: body.remoteImages })}</p>
              <button type="button" className="secondary" onClick={() => setRemote(true)}>
                {t('thread.email.showRemote', { count: body.remoteImages })}
              </button>
            </>
          )}
        </div>
      )}
      <iframe
        ref={frame}
        title={t('thread.email.frameTitle', { name: from })}
        sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
        referrerPolicy="no-referrer"
        srcDoc={srcDoc}
        style={{ blockSize: `${height}px` }}
        onLoad={fit}
      />
    </div>
  );
}
