import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

let script: { body: string; etag: string } | undefined;

/** The widget as served: one hand-written file, read once. */
export function widgetScript(): { body: string; etag: string } {
  if (!script) {
    const body = readFileSync(new URL('./widget.js', import.meta.url), 'utf8');
    script = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
  }
  return script;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain host page that embeds a widget with its one script tag: to try a key. */
export function demoPage(key: string, others: Array<{ key: string; name: string }>): string {
  const links = others
    .map((o) => `<li><a href="/chat/demo?key=${encodeURIComponent(o.key)}">${escapeHtml(o.name)}</a></li>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Relais web chat</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}</style></head>
<body>
<h1>A host page</h1>
<p>This page embeds the Relais chat widget with one script tag (key <code>${escapeHtml(key)}</code>).</p>
<ul>${links}</ul>
<script src="/chat/widget.js" data-key="${escapeHtml(key)}" async></script>
</body>
</html>`;
}
