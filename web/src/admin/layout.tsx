import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatInstant } from './intl.ts';
import { itemHref, openItem } from './item.ts';

/** The way back from an item to its section's list. */
export function BackToList({ label }: { label: string }) {
  return (
    <p className="admin-back">
      <a
        href={`${window.location.pathname}${window.location.search}`}
        onClick={(e) => {
          if (e.metaKey || e.ctrlKey || e.button !== 0) return;
          e.preventDefault();
          openItem('');
        }}
      >
        {label}
      </a>
    </p>
  );
}

/** When an item last changed, in the admin's locale. */
export function LastChanged({ at }: { at: string | null | undefined }) {
  const { t, i18n } = useTranslation();
  if (!at) return null;
  return (
    <p className="admin-meta">{t('admin.form.lastChanged', { time: formatInstant(i18n.language, at) })}</p>
  );
}

/** A section's heading, what it is for, and its main action (such as "New site"). */
export function SectionHeader({
  id,
  title,
  intro,
  action,
}: {
  id: string;
  title: string;
  intro?: ReactNode;
  action?: { item: string; label: string } | undefined;
}) {
  return (
    <div className="admin-section-header">
      <h2 id={id}>{title}</h2>
      {intro && <p>{intro}</p>}
      {action && (
        <a className="admin-button" href={itemHref(action.item)}>
          {action.label}
        </a>
      )}
    </div>
  );
}

/** The subsidiary a per-subsidiary section shows (its address's fragment), chosen from those in scope. */
export function SubsidiaryPicker({
  subsidiaries,
  selected,
}: {
  subsidiaries: Array<{ id: string; name: string; code: string }>;
  selected: string;
}) {
  const { t } = useTranslation();
  return (
    <label className="field inline admin-picker">
      <span>{t('admin.form.subsidiary')}</span>
      <select value={selected} onChange={(e) => openItem(e.target.value)}>
        {subsidiaries.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name} ({s.code})
          </option>
        ))}
      </select>
    </label>
  );
}
