import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, changedFields, get, listAll } from '../../admin/client.ts';
import { AdminForm, Field, LoadProblem, noteCreated, useSave } from '../../admin/form.tsx';
import { formatInstant, languageName } from '../../admin/intl.ts';
import { itemHref, openItem } from '../../admin/item.ts';
import { BackToList, LastChanged, SectionHeader } from '../../admin/layout.tsx';
import { useLoad } from '../../admin/load.ts';
import { managesSubsidiary } from '../../admin/scope.ts';
import type { Subsidiary } from '../../admin/types.ts';
import type { SectionProps } from './Admin.tsx';

interface SavedReply {
  id: string;
  subsidiaryId: string;
  language: string;
  title: string;
  body: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The variables a reply's body may hold; the agent's workspace fills them in. */
const VARIABLES = ['{{customer.name}}', '{{customer.localTime}}', '{{agent.name}}', '{{order}}'];

const PAGE = 50;

/** Saved replies: the texts agents insert, per subsidiary and language. */
export function RepliesSection({ admin, item }: SectionProps) {
  const subsidiaries = useLoad(() => listAll<Subsidiary>('/api/subsidiaries'), []);
  if (item)
    return (
      <ReplyEditor
        key={item}
        admin={admin}
        id={item === 'new' ? null : item}
        subsidiaries={subsidiaries.data}
      />
    );
  return <ReplyList admin={admin} subsidiaries={subsidiaries.data} error={subsidiaries.error} />;
}

function ReplyList({
  admin,
  subsidiaries,
  error,
}: {
  admin: SectionProps['admin'];
  subsidiaries: Subsidiary[] | undefined;
  error: unknown;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const [subsidiaryId, setSubsidiaryId] = useState('');
  const [language, setLanguage] = useState('');
  const [q, setQ] = useState('');
  const [query, setQuery] = useState({ subsidiaryId: '', language: '', q: '' });
  const [more, setMore] = useState<{ items: SavedReply[]; cursor: string | null }>({
    items: [],
    cursor: null,
  });
  const first = useLoad(async () => {
    const page = await get<{ items: SavedReply[]; nextCursor: string | null }>(repliesUrl(query, null));
    setMore({ items: [], cursor: page.data.nextCursor });
    return page.data.items;
  }, [query]);
  const items = [...(first.data ?? []), ...more.items];
  const list = subsidiaries ?? [];
  const name = (id: string) => list.find((s) => s.id === id)?.name ?? '';
  const languages = [...new Set(list.flatMap((s) => s.languages))];
  const canAdd = list.some((s) => managesSubsidiary(admin, s.id));

  async function next() {
    if (!more.cursor) return;
    const page = await get<{ items: SavedReply[]; nextCursor: string | null }>(
      repliesUrl(query, more.cursor),
    );
    setMore((m) => ({ items: [...m.items, ...page.data.items], cursor: page.data.nextCursor }));
  }

  return (
    <section aria-labelledby="admin-replies-title">
      <SectionHeader
        id="admin-replies-title"
        title={t('admin.replies.title')}
        intro={t('admin.replies.intro')}
        action={canAdd ? { item: 'new', label: t('admin.replies.new') } : undefined}
      />
      {error !== null && <LoadProblem error={error} />}
      <form
        className="admin-filters"
        aria-label={t('admin.replies.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ subsidiaryId, language, q });
        }}
      >
        <label className="field">
          <span>{t('admin.form.subsidiary')}</span>
          <select value={subsidiaryId} onChange={(e) => setSubsidiaryId(e.target.value)}>
            <option value="">{t('admin.replies.allSubsidiaries')}</option>
            {list.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('admin.replies.language')}</span>
          <select value={language} onChange={(e) => setLanguage(e.target.value)}>
            <option value="">{t('admin.replies.allLanguages')}</option>
            {languages.map((tag) => (
              <option key={tag} value={tag}>
                {languageName(locale, tag)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('admin.replies.search')}</span>
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <button type="submit">{t('admin.replies.find')}</button>
      </form>
      {first.error !== null && <LoadProblem error={first.error} />}
      {!first.data && first.error === null && <p>{t('workspace.loading')}</p>}
      {first.data && (
        <table>
          <caption>{t('admin.replies.caption', { count: items.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.replies.titleField')}</th>
              <th scope="col">{t('admin.form.subsidiary')}</th>
              <th scope="col">{t('admin.replies.language')}</th>
              <th scope="col">{t('admin.form.updatedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  <a href={itemHref(r.id)}>
                    <bdi>{r.title}</bdi>
                  </a>
                </th>
                <td>
                  <bdi>{name(r.subsidiaryId)}</bdi>
                </td>
                <td>{languageName(locale, r.language)}</td>
                <td>{formatInstant(locale, r.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more.cursor && (
        <button type="button" className="secondary" onClick={() => void next()}>
          {t('admin.replies.more')}
        </button>
      )}
    </section>
  );
}

function repliesUrl(
  query: { subsidiaryId: string; language: string; q: string },
  cursor: string | null,
): string {
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (query.subsidiaryId) params.set('subsidiaryId', query.subsidiaryId);
  if (query.language) params.set('language', query.language);
  if (query.q.trim()) params.set('q', query.q.trim());
  if (cursor) params.set('cursor', cursor);
  return `/api/saved-replies?${params}`;
}

function ReplyEditor({
  admin,
  id,
  subsidiaries,
}: {
  admin: SectionProps['admin'];
  id: string | null;
  subsidiaries: Subsidiary[] | undefined;
}) {
  const { t } = useTranslation();
  const loaded = useLoad(
    () => (id ? get<SavedReply>(`/api/saved-replies/${id}`) : Promise.resolve(null)),
    [id],
  );
  if (loaded.error !== null)
    return (
      <section aria-labelledby="admin-reply-title">
        <h2 id="admin-reply-title">{t('admin.replies.title')}</h2>
        <BackToList label={t('admin.replies.back')} />
        <LoadProblem error={loaded.error} />
      </section>
    );
  if (loaded.data === undefined || !subsidiaries) return <p>{t('workspace.loading')}</p>;
  return (
    <ReplyForm
      key={loaded.data?.etag ?? 'new'}
      admin={admin}
      reply={loaded.data?.data ?? null}
      etag={loaded.data?.etag ?? null}
      subsidiaries={subsidiaries}
      onReload={loaded.reload}
    />
  );
}

function ReplyForm({
  admin,
  reply,
  etag: initialEtag,
  subsidiaries,
  onReload,
}: {
  admin: SectionProps['admin'];
  reply: SavedReply | null;
  etag: string | null;
  subsidiaries: Subsidiary[];
  onReload: () => void;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const managed = subsidiaries.filter((s) => managesSubsidiary(admin, s.id));
  const [saved, setSaved] = useState(reply);
  const [etag, setEtag] = useState(initialEtag);
  const first = managed[0];
  const [draft, setDraft] = useState(() => ({
    subsidiaryId: reply?.subsidiaryId ?? first?.id ?? '',
    language: reply?.language ?? first?.defaultLanguage ?? '',
    title: reply?.title ?? '',
    body: reply?.body ?? '',
  }));
  const [confirming, setConfirming] = useState(false);
  const text = useRef<HTMLTextAreaElement>(null);
  const save = useSave(reply?.id);
  const creating = saved === null;
  const canEdit = creating ? managed.length > 0 : managesSubsidiary(admin, saved.subsidiaryId);
  const subsidiary = subsidiaries.find((s) => s.id === draft.subsidiaryId);
  const languages = [...new Set([...(subsidiary?.languages ?? []), draft.language].filter(Boolean))];

  /** A variable goes where the cursor is, as the agent's text would have it. */
  function insert(variable: string) {
    const area = text.current;
    const start = area?.selectionStart ?? draft.body.length;
    const end = area?.selectionEnd ?? draft.body.length;
    setDraft((d) => ({ ...d, body: `${d.body.slice(0, start)}${variable}${d.body.slice(end)}` }));
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(start + variable.length, start + variable.length);
    });
  }

  function submit() {
    void save.run(async () => {
      if (creating) {
        const created = await call<SavedReply>('POST', '/api/saved-replies', { body: draft });
        noteCreated(created.data.id);
        openItem(created.data.id);
        return;
      }
      const { subsidiaryId: _s, ...editable } = draft;
      const changes = changedFields(
        { language: saved.language, title: saved.title, body: saved.body },
        editable,
      );
      const updated = await call<SavedReply>('PATCH', `/api/saved-replies/${saved.id}`, {
        body: changes,
        ifMatch: etag,
      });
      setSaved(updated.data);
      setEtag(updated.etag);
    });
  }

  function remove() {
    if (!saved) return;
    void save
      .run(async () => {
        await call('DELETE', `/api/saved-replies/${saved.id}`, { ifMatch: etag });
      })
      .then((ok) => {
        if (ok) openItem('');
      });
  }

  const title = creating ? t('admin.replies.new') : saved.title;
  return (
    <section aria-labelledby="admin-reply-title">
      <h2 id="admin-reply-title">
        <bdi>{title}</bdi>
      </h2>
      <BackToList label={t('admin.replies.back')} />
      {!creating && <LastChanged at={saved.updatedAt} />}
      {!canEdit && <p className="admin-note">{t('admin.replies.readOnly')}</p>}
      <AdminForm
        label={title}
        state={save.state}
        submitLabel={creating ? t('admin.replies.create') : t('admin.form.save')}
        onSubmit={submit}
        onReload={onReload}
        readOnly={!canEdit}
        extraActions={
          !creating &&
          (confirming ? (
            <>
              <button type="button" className="danger" onClick={remove}>
                {t('admin.replies.confirmRemove', { title: saved.title })}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                {t('admin.form.cancel')}
              </button>
            </>
          ) : (
            <button type="button" className="secondary" onClick={() => setConfirming(true)}>
              {t('admin.replies.remove')}
            </button>
          ))
        }
      >
        <div className="admin-columns">
          <Field label={t('admin.form.subsidiary')} path="subsidiaryId">
            {(control) => (
              <select
                {...control}
                value={draft.subsidiaryId}
                disabled={!creating}
                onChange={(e) => setDraft((d) => ({ ...d, subsidiaryId: e.target.value }))}
              >
                {(creating ? managed : subsidiaries).map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('admin.replies.replyLanguage')} path="language">
            {(control) => (
              <select
                {...control}
                value={draft.language}
                onChange={(e) => setDraft((d) => ({ ...d, language: e.target.value }))}
              >
                <option value="">{t('admin.form.choose')}</option>
                {languages.map((tag) => (
                  <option key={tag} value={tag}>
                    {languageName(locale, tag)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('admin.replies.titleField')} path="title">
            {(control) => (
              <input
                {...control}
                dir="auto"
                lang={draft.language || undefined}
                value={draft.title}
                onChange={(e) => setDraft((d) => ({ ...d, title: e.target.value }))}
              />
            )}
          </Field>
        </div>
        <Field label={t('admin.replies.body')} path="body" hint={t('admin.replies.variablesHint')}>
          {(control) => (
            <textarea
              {...control}
              ref={text}
              dir="auto"
              lang={draft.language || undefined}
              rows={8}
              value={draft.body}
              onChange={(e) => setDraft((d) => ({ ...d, body: e.target.value }))}
            />
          )}
        </Field>
        <div className="admin-variables">
          <span id="admin-variables-label">{t('admin.replies.insert')}</span>
          {VARIABLES.map((v) => (
            <button
              key={v}
              type="button"
              className="secondary"
              aria-describedby="admin-variables-label"
              onClick={() => insert(v)}
            >
              <code dir="ltr">{v}</code>
            </button>
          ))}
        </div>
      </AdminForm>
    </section>
  );
}
