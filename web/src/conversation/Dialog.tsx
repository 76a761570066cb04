import { type ReactNode, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useShortcut } from '../shortcuts.ts';

/**
 * A modal dialog (the browser's own <dialog>): focus moves to its first field when it
 * opens and goes back to what opened it when it closes; Escape closes it.
 */
export function Dialog({
  open,
  title,
  onClose,
  children,
  className,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useRef(`dialog-${Math.random().toString(36).slice(2)}`).current;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      // The first field of its form, else its first button that can be pressed.
      const first =
        dialog.querySelector<HTMLElement>(
          'form [autofocus], form input:not([disabled]):not([type=hidden]), form select:not([disabled]), form textarea:not([disabled])',
        ) ?? dialog.querySelector<HTMLElement>('form button:not([disabled]), button:not([disabled])');
      first?.focus();
    }
    if (!open && dialog.open) {
      dialog.close();
      opener.current?.focus();
      opener.current = null;
    }
  }, [open]);

  // Escape closes the dialog even when the page behind has a shortcut of its own on it.
  useShortcut('Escape', 'actions.shortcuts.close', onClose, open);
  // Ctrl+Enter confirms the dialog, never sends the reply being written behind it.
  useShortcut(
    'mod+Enter',
    'actions.shortcuts.confirm',
    () => ref.current?.querySelector('form')?.requestSubmit(),
    open,
  );

  return (
    <dialog
      ref={ref}
      className={className ? `dialog ${className}` : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="secondary close" onClick={onClose} aria-label={t('actions.close')}>
          ×
        </button>
      </div>
      {children}
    </dialog>
  );
}
