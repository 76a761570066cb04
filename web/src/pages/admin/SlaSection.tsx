import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, get, listAll } from '../../admin/client.ts';
import {
  CalendarEditor,
  calendarBody,
  numberOf,
  removeAt,
  replaceAt,
  TimeZoneField,
} from '../../admin/editors.tsx';
import { AdminForm, Check, Field, Group, LoadProblem, PathIssues, useSave } from '../../admin/form.tsx';
import { LastChanged, SectionHeader, SubsidiaryPicker } from '../../admin/layout.tsx';
import { useLoad } from '../../admin/load.ts';
import { managesSubsidiary } from '../../admin/scope.ts';
import {
  type Calendar,
  CHANNELS,
  PRIORITIES,
  type SlaPolicyView,
  type SlaTarget,
  type Subsidiary,
  TIERS,
} from '../../admin/types.ts';
import type { SectionProps } from './Admin.tsx';

/** Each subsidiary's SLA: first-response and resolution targets, and the business hours they count in. */
export function SlaSection({ admin, item }: SectionProps) {
  const { t } = useTranslation();
  const subsidiaries = useLoad(() => listAll<Subsidiary>('/api/subsidiaries'), []);
  const selected = item || subsidiaries.data?.[0]?.id || '';
  const subsidiary = subsidiaries.data?.find((s) => s.id === selected);
  return (
    <section aria-labelledby="admin-sla-title">
      <SectionHeader id="admin-sla-title" title={t('admin.sla.title')} intro={t('admin.sla.intro')} />
      {subsidiaries.error !== null && <LoadProblem error={subsidiaries.error} />}
      {subsidiaries.data && subsidiaries.data.length === 0 && <p>{t('admin.form.noSubsidiary')}</p>}
      {subsidiaries.data && subsidiaries.data.length > 0 && (
        <SubsidiaryPicker subsidiaries={subsidiaries.data} selected={selected} />
      )}
      {selected && subsidiaries.data && (
        <SlaEditor key={selected} admin={admin} subsidiaryId={selected} subsidiary={subsidiary} />
      )}
    </section>
  );
}

function SlaEditor({
  admin,
  subsidiaryId,
  subsidiary,
}: {
  admin: SectionProps['admin'];
  subsidiaryId: string;
  subsidiary: Subsidiary | undefined;
}) {
  const { t } = useTranslation();
  const loaded = useLoad(
    () => get<SlaPolicyView>(`/api/subsidiaries/${subsidiaryId}/sla-policy`),
    [subsidiaryId],
  );
  if (loaded.error !== null) return <LoadProblem error={loaded.error} />;
  if (!loaded.data) return <p>{t('workspace.loading')}</p>;
  return (
    <SlaForm
      key={`${loaded.data.data.version}:${loaded.data.data.updatedAt}`}
      admin={admin}
      subsidiary={subsidiary}
      subsidiaryId={subsidiaryId}
      view={loaded.data.data}
      onReload={loaded.reload}
    />
  );
}

const UNITS = [
  ['days', 86_400],
  ['hours', 3600],
  ['minutes', 60],
  ['seconds', 1],
] as const;
type Unit = (typeof UNITS)[number][0];

interface Duration {
  value: string;
  unit: Unit;
}

/** A number of seconds in the largest unit that holds it whole (86400 → 1 day). */
function durationOf(seconds: number): Duration {
  const [unit, size] = UNITS.find(([, size]) => seconds % size === 0) ?? ['seconds', 1];
  return { value: String(seconds / size), unit };
}

const secondsOf = (d: Duration): number | null => {
  const n = numberOf(d.value);
  const size = UNITS.find(([u]) => u === d.unit)?.[1] ?? 1;
  return n === null ? null : Math.round(n * size);
};

interface TargetDraft {
  channel: string;
  priority: string;
  tier: string;
  firstResponse: Duration;
  resolution: Duration;
  clock: SlaTarget['clock'];
  atRisk: string;
}

interface SlaDraft {
  targets: TargetDraft[];
  defaultHours: boolean;
  timeZone: string;
  calendar: Calendar;
}

const draftOf = (view: SlaPolicyView): SlaDraft => ({
  targets: view.policy.targets.map((target) => ({
    channel: target.channel ?? '',
    priority: target.priority ?? '',
    tier: target.tier ?? '',
    firstResponse: durationOf(target.firstResponseSeconds),
    resolution: durationOf(target.resolutionSeconds),
    clock: target.clock,
    atRisk: String(Math.round(target.atRisk * 1000) / 10),
  })),
  defaultHours: view.isDefault,
  timeZone: view.businessHours.timeZone,
  calendar: view.businessHours.calendar,
});

const bodyOf = (d: SlaDraft) => ({
  policy: {
    targets: d.targets.map((target) => {
      const atRisk = numberOf(target.atRisk);
      return {
        ...(target.channel ? { channel: target.channel } : {}),
        ...(target.priority ? { priority: target.priority } : {}),
        ...(target.tier ? { tier: target.tier } : {}),
        firstResponseSeconds: secondsOf(target.firstResponse),
        resolutionSeconds: secondsOf(target.resolution),
        clock: target.clock,
        atRisk: atRisk === null ? null : atRisk / 100,
      };
    }),
  },
  businessHours: d.defaultHours ? null : { calendar: calendarBody(d.calendar), timeZone: d.timeZone },
});

function DurationField({
  label,
  path,
  value,
  onChange,
}: {
  label: string;
  path: string;
  value: Duration;
  onChange: (d: Duration) => void;
}) {
  const { t } = useTranslation();
  return (
    <Group legend={label} path={path} className="admin-duration">
      <Field label={t('admin.sla.amount')}>
        {(control) => (
          <input
            {...control}
            type="number"
            inputMode="numeric"
            value={value.value}
            onChange={(e) => onChange({ ...value, value: e.target.value })}
          />
        )}
      </Field>
      <Field label={t('admin.sla.unit')}>
        {(control) => (
          <select
            {...control}
            value={value.unit}
            onChange={(e) => onChange({ ...value, unit: e.target.value as Unit })}
          >
            {UNITS.map(([unit]) => (
              <option key={unit} value={unit}>
                {t(`admin.sla.units.${unit}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
    </Group>
  );
}

function SlaForm({
  admin,
  subsidiary,
  subsidiaryId,
  view,
  onReload,
}: {
  admin: SectionProps['admin'];
  subsidiary: Subsidiary | undefined;
  subsidiaryId: string;
  view: SlaPolicyView;
  onReload: () => void;
}) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(view);
  const [draft, setDraft] = useState(() => draftOf(view));
  const save = useSave();
  const canEdit = managesSubsidiary(admin, subsidiaryId);
  const setTarget = (i: number, change: Partial<TargetDraft>) =>
    setDraft((d) => {
      const current = d.targets[i];
      return current ? { ...d, targets: replaceAt(d.targets, i, { ...current, ...change }) } : d;
    });

  function submit() {
    void save.run(async () => {
      // If-Match with the version read: a change made by someone else since is refused (412), not overwritten.
      const updated = await call<SlaPolicyView>('PUT', `/api/subsidiaries/${subsidiaryId}/sla-policy`, {
        body: bodyOf(draft),
        ifMatch: `"${saved.version}"`,
      });
      setSaved(updated.data);
      setDraft(draftOf(updated.data));
    });
  }

  const label = t('admin.sla.formLabel', { subsidiary: subsidiary?.name ?? '' });
  return (
    <>
      {saved.isDefault ? (
        <p className="admin-meta">{t('admin.sla.isDefault')}</p>
      ) : (
        <LastChanged at={saved.updatedAt} />
      )}
      {!canEdit && <p className="admin-note">{t('admin.sla.readOnly')}</p>}
      <AdminForm
        label={label}
        state={save.state}
        submitLabel={t('admin.form.save')}
        onSubmit={submit}
        onReload={onReload}
        readOnly={!canEdit}
      >
        <Group legend={t('admin.sla.targets')} path="policy.targets" hint={t('admin.sla.targetsHint')}>
          {draft.targets.map((target, i) => {
            const n = i + 1;
            const at = `policy.targets.${i}`;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: positions the server names by index
              <fieldset className="admin-group admin-target" key={i}>
                <legend>{t('admin.sla.target', { n })}</legend>
                <div className="admin-columns">
                  <Field label={t('admin.sla.channel')} path={`${at}.channel`}>
                    {(control) => (
                      <select
                        {...control}
                        value={target.channel}
                        onChange={(e) => setTarget(i, { channel: e.target.value })}
                      >
                        <option value="">{t('admin.sla.any')}</option>
                        {CHANNELS.map((c) => (
                          <option key={c} value={c}>
                            {t(`channel.${c}`)}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field label={t('admin.sla.priority')} path={`${at}.priority`}>
                    {(control) => (
                      <select
                        {...control}
                        value={target.priority}
                        onChange={(e) => setTarget(i, { priority: e.target.value })}
                      >
                        <option value="">{t('admin.sla.any')}</option>
                        {PRIORITIES.map((p) => (
                          <option key={p} value={p}>
                            {t(`admin.sla.priorities.${p}`)}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field label={t('admin.sla.tier')} path={`${at}.tier`}>
                    {(control) => (
                      <select
                        {...control}
                        value={target.tier}
                        onChange={(e) => setTarget(i, { tier: e.target.value })}
                      >
                        <option value="">{t('admin.sla.any')}</option>
                        {TIERS.map((tier) => (
                          <option key={tier} value={tier}>
                            {t(`tier.${tier}`)}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field label={t('admin.sla.clock')} path={`${at}.clock`}>
                    {(control) => (
                      <select
                        {...control}
                        value={target.clock}
                        onChange={(e) => setTarget(i, { clock: e.target.value as SlaTarget['clock'] })}
                      >
                        <option value="business">{t('admin.sla.clocks.business')}</option>
                        <option value="always">{t('admin.sla.clocks.always')}</option>
                      </select>
                    )}
                  </Field>
                  <Field label={t('admin.sla.atRisk')} path={`${at}.atRisk`}>
                    {(control) => (
                      <input
                        {...control}
                        type="number"
                        inputMode="decimal"
                        value={target.atRisk}
                        onChange={(e) => setTarget(i, { atRisk: e.target.value })}
                      />
                    )}
                  </Field>
                  <DurationField
                    label={t('admin.sla.firstResponse')}
                    path={`${at}.firstResponseSeconds`}
                    value={target.firstResponse}
                    onChange={(firstResponse) => setTarget(i, { firstResponse })}
                  />
                  <DurationField
                    label={t('admin.sla.resolution')}
                    path={`${at}.resolutionSeconds`}
                    value={target.resolution}
                    onChange={(resolution) => setTarget(i, { resolution })}
                  />
                </div>
                <PathIssues path={at} label={t('admin.sla.target', { n })} />
                <button
                  type="button"
                  className="secondary"
                  onClick={() => setDraft((d) => ({ ...d, targets: removeAt(d.targets, i) }))}
                >
                  {t('admin.sla.removeTarget', { n })}
                </button>
              </fieldset>
            );
          })}
          <button
            type="button"
            className="secondary"
            onClick={() =>
              setDraft((d) => ({
                ...d,
                targets: [
                  ...d.targets,
                  {
                    channel: '',
                    priority: '',
                    tier: '',
                    firstResponse: { value: '1', unit: 'hours' },
                    resolution: { value: '1', unit: 'days' },
                    clock: 'business',
                    atRisk: '80',
                  },
                ],
              }))
            }
          >
            {t('admin.sla.addTarget')}
          </button>
        </Group>
        <Group legend={t('admin.sla.hours')} path="businessHours">
          <Check
            label={t('admin.sla.defaultHours')}
            checked={draft.defaultHours}
            onChange={(defaultHours) => setDraft((d) => ({ ...d, defaultHours }))}
          />
          {!draft.defaultHours && (
            <>
              <TimeZoneField
                label={t('admin.sla.timeZone')}
                path="businessHours.timeZone"
                value={draft.timeZone}
                onChange={(timeZone) => setDraft((d) => ({ ...d, timeZone }))}
              />
              <CalendarEditor
                path="businessHours.calendar"
                value={draft.calendar}
                timeZone={draft.timeZone}
                onChange={(calendar) => setDraft((d) => ({ ...d, calendar }))}
              />
            </>
          )}
        </Group>
      </AdminForm>
    </>
  );
}
