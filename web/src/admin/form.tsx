import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { AdminProblem, type FieldIssue } from './client.ts';
import { formatInstant } from './intl.ts';

/** Why a save did not happen, in the terms the admin acts on. */
export type FailureKind = 'invalid' | 'forbidden' | 'notFound' | 'changed' | 'conflict' | 'other';

export interface Failure {
  kind: FailureKind;
  /** The server's own words (English), shown beside ours. */
  detail: string;
}

export interface SaveState {
  issues: FieldIssue[];
  failure: Failure | null;
  saving: boolean;
  savedAt: string | null;
}

const IDLE: SaveState = { issues: [], failure: null, saving: false, savedAt: null };

const KIND_BY_STATUS: Record<number, FailureKind> = {
  400: 'invalid',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  412: 'changed',
  428: 'changed',
};

/** A refused call as the form shows it: the kind of refusal and the fields the server named. */
export function failureOf(error: unknown): { failure: Failure; issues: FieldIssue[] } {
  if (error instanceof AdminProblem)
    return {
      failure: { kind: KIND_BY_STATUS[error.status] ?? 'other', detail: error.detail },
      issues: error.issues,
    };
  return {
    failure: { kind: 'other', detail: error instanceof Error ? error.message : String(error) },
    issues: [],
  };
}

let justCreated: string | undefined;

/** Say, across the editor's remount at the new item's address, that it was just created. */
export function noteCreated(id: string): void {
  justCreated = id;
}

/** A form's save: one call at a time; on refusal the server's issues, and nothing kept from the attempt. */
export function useSave(item?: string) {
  const [state, setState] = useState<SaveState>(() => {
    if (item === undefined || item !== justCreated) return IDLE;
    justCreated = undefined;
    return { ...IDLE, savedAt: new Date().toISOString() };
  });
  const run = useCallback(async (action: () => Promise<void>): Promise<boolean> => {
    setState((s) => ({ ...s, saving: true, savedAt: null }));
    try {
      await action();
      setState({ ...IDLE, savedAt: new Date().toISOString() });
      return true;
    } catch (error) {
      setState({ ...IDLE, ...failureOf(error) });
      return false;
    }
  }, []);
  const fail = useCallback((failure: Failure, issues: FieldIssue[] = []) => {
    setState({ ...IDLE, failure, issues });
  }, []);
  const reset = useCallback(() => setState(IDLE), []);
  return { state, run, fail, reset };
}

interface IssueContext {
  issues: FieldIssue[];
  /** The label of each field path drawn, for the summary's words. */
  labels: Map<string, string>;
}

const Issues = createContext<IssueContext>({ issues: [], labels: new Map() });

/** The server's messages for a field: its own path, and with `deep` everything under it. */
function useFieldIssues(path: string | undefined, deep: boolean, label: string): FieldIssue[] {
  const { issues, labels } = useContext(Issues);
  if (!path) return [];
  labels.set(path, label);
  return issues.filter((i) => i.path === path || (deep && i.path.startsWith(`${path}.`)));
}

function IssueList({ id, issues }: { id: string; issues: FieldIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul id={id} className="admin-field-issues">
      {issues.map((i) => (
        <li key={`${i.path}:${i.message}`} lang={i.lang ?? 'en'} dir="auto">
          {i.message}
        </li>
      ))}
    </ul>
  );
}

export interface ControlProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

/** A labelled control; the server's message for its path appears right under it. */
export function Field({
  label,
  path,
  deep = false,
  hint,
  className,
  children,
}: {
  label: string;
  path?: string;
  deep?: boolean;
  hint?: ReactNode;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  const id = useId();
  const issues = useFieldIssues(path, deep, label);
  const described = [hint ? `${id}-hint` : '', issues.length ? `${id}-issues` : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${issues.length ? ' invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        ...(issues.length ? { 'aria-invalid': true as const } : {}),
        ...(described ? { 'aria-describedby': described } : {}),
      })}
      {hint && (
        <p id={`${id}-hint`} className="admin-hint">
          {hint}
        </p>
      )}
      <IssueList id={`${id}-issues`} issues={issues} />
    </div>
  );
}

/** The server's messages for exactly this path, where no single control stands for it (a shift as a whole). */
export function PathIssues({ path, label }: { path: string; label: string }) {
  const id = useId();
  const issues = useFieldIssues(path, false, label);
  return <IssueList id={id} issues={issues} />;
}

/** A checkbox with its label; its issues (if any) under it. */
export function Check({
  label,
  path,
  checked,
  disabled,
  onChange,
}: {
  label: string;
  path?: string;
  checked: boolean;
  disabled?: boolean;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  const issues = useFieldIssues(path, false, label);
  return (
    <div className={`admin-check${issues.length ? ' invalid' : ''}`}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        {...(issues.length ? { 'aria-invalid': true, 'aria-describedby': `${id}-issues` } : {})}
      />
      <label htmlFor={id}>{label}</label>
      <IssueList id={`${id}-issues`} issues={issues} />
    </div>
  );
}

/** Controls that belong together (a weekday's shifts, the languages): the legend names them. */
export function Group({
  legend,
  path,
  deep = false,
  hint,
  className,
  children,
}: {
  legend: string;
  path?: string;
  deep?: boolean;
  hint?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  const id = useId();
  const issues = useFieldIssues(path, deep, legend);
  return (
    <fieldset
      className={`admin-group${issues.length ? ' invalid' : ''}${className ? ` ${className}` : ''}`}
      aria-describedby={issues.length ? `${id}-issues` : undefined}
    >
      <legend>{legend}</legend>
      {hint && <p className="admin-hint">{hint}</p>}
      {children}
      <IssueList id={`${id}-issues`} issues={issues} />
    </fieldset>
  );
}

/** The label of the field that shows an issue: its own path, or the nearest drawn field above it. */
function labelFor(labels: Map<string, string>, path: string): string | undefined {
  let best: string | undefined;
  for (const key of labels.keys()) {
    if ((path === key || path.startsWith(`${key}.`)) && (!best || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : labels.get(best);
}

/** What happened to the last save, in words: the first thing a screen reader hears after it. */
export function SaveSummary({
  state,
  labels,
  onReload,
}: {
  state: SaveState;
  labels: Map<string, string>;
  onReload?: () => void;
}) {
  const { t, i18n } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const { failure, issues, savedAt } = state;
  useEffect(() => {
    if (failure) box.current?.focus();
  }, [failure]);
  if (savedAt)
    return (
      <p role="status" className="admin-saved">
        {t('admin.form.saved', { time: formatInstant(i18n.language, savedAt) })}
      </p>
    );
  if (!failure) return null;
  return (
    <div role="alert" className="admin-problem" tabIndex={-1} ref={box}>
      <p>
        <strong>
          {failure.kind === 'invalid' && issues.length === 0
            ? t('admin.problem.refused')
            : t(`admin.problem.${failure.kind}`, { count: issues.length })}
        </strong>
      </p>
      {issues.length > 0 ? (
        <ul>
          {issues.map((issue) => {
            const label = labelFor(labels, issue.path);
            return (
              <li key={`${issue.path}:${issue.message}`}>
                {label && <span className="admin-issue-field">{label}</span>}{' '}
                <span lang={issue.lang ?? 'en'} dir="auto">
                  {label ? issue.message : `${issue.path}: ${issue.message}`}
                </span>
              </li>
            );
          })}
        </ul>
      ) : (
        <p lang="en" dir="auto">
          {failure.detail}
        </p>
      )}
      {failure.kind === 'changed' && onReload && (
        <button type="button" onClick={onReload}>
          {t('admin.form.reload')}
        </button>
      )}
    </div>
  );
}

/**
 * A form that says what happened to its last save: the server's refusal field by field
 * (next to each field and together at the top) or that it was saved. The browser's own
 * checks are off: the server decides, and says why in one place.
 */
export function AdminForm({
  label,
  state,
  submitLabel,
  onSubmit,
  onReload,
  readOnly = false,
  extraActions,
  children,
}: {
  label: string;
  state: SaveState;
  submitLabel: string;
  onSubmit: () => void;
  onReload?: () => void;
  /** Shown but not changeable by this administrator (the page says why). */
  readOnly?: boolean;
  extraActions?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const labels = useRef(new Map<string, string>()).current;
  const context = useMemo(() => ({ issues: state.issues, labels }), [state.issues, labels]);
  return (
    <form
      className="admin-form"
      aria-label={label}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!state.saving) onSubmit();
      }}
    >
      <Issues.Provider value={context}>
        <SaveSummary state={state} labels={labels} {...(onReload ? { onReload } : {})} />
        <fieldset className="admin-plain" disabled={readOnly}>
          {children}
        </fieldset>
        {!readOnly && (
          <div className="admin-actions">
            <button type="submit" disabled={state.saving}>
              {state.saving ? t('admin.form.saving') : submitLabel}
            </button>
            {extraActions}
          </div>
        )}
      </Issues.Provider>
    </form>
  );
}

/** A load that failed (not found, outside the admin's scope, the server down), said in words. */
export function LoadProblem({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const { failure } = failureOf(error);
  return (
    <div role="alert" className="admin-problem">
      <p>
        <strong>
          {t(
            `admin.load.${failure.kind === 'notFound' ? 'notFound' : failure.kind === 'forbidden' ? 'forbidden' : 'failed'}`,
          )}
        </strong>
      </p>
      <p lang="en" dir="auto">
        {failure.detail}
      </p>
    </div>
  );
}
