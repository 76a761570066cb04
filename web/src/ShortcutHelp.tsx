import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShortcut, useShortcuts } from './shortcuts.ts';

/** How a key is written on the keyboard help: `mod+Enter` → Ctrl + Enter (⌘ on a Mac). */
function keyName(key: string, t: (k: string) => string): string[] {
  if (key === 'mod+Enter') return [/Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl', 'Enter'];
  if (key === 'Escape') return [t('shortcuts.escape')];
  if (key.length === 1 && key !== key.toLowerCase()) return [t('shortcuts.shift'), key.toLowerCase()];
  return [key];
}

/**
 * The keyboard help: `?` (or the header's button) lists the shortcuts the current page
 * offers, each with what it does. Escape or the close button closes it and gives the focus back.
 */
export function ShortcutHelp() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const shortcuts = useShortcuts();
  useShortcut('?', 'shortcuts.help', () => setOpen(true));

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  const listed = shortcuts.filter((s, i) => shortcuts.findIndex((o) => o.key === s.key) === i);
  return (
    <>
      <button type="button" className="secondary" aria-keyshortcuts="?" onClick={() => setOpen(true)}>
        {t('shortcuts.button')}
      </button>
      <dialog
        ref={dialog}
        aria-labelledby="shortcuts-title"
        onClose={() => setOpen(false)}
        className="shortcuts"
      >
        <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
        <table>
          <caption className="visually-hidden">{t('shortcuts.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('shortcuts.key')}</th>
              <th scope="col">{t('shortcuts.action')}</th>
            </tr>
          </thead>
          <tbody>
            {listed.map((s) => (
              <tr key={s.key}>
                <td>
                  {keyName(s.key, t).map((k, i) => (
                    <span key={k}>
                      {i > 0 && ' + '}
                      <kbd>{k}</kbd>
                    </span>
                  ))}
                </td>
                <td>{t(s.label)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="dialog">
          <button type="submit">{t('shortcuts.close')}</button>
        </form>
      </dialog>
    </>
  );
}
