import { useTranslation } from 'react-i18next';
import { Field, Group, PathIssues } from './form.tsx';
import { formatDate, languageChoices, languageName, timeZoneChoices, weekdayName } from './intl.ts';
import { type Calendar, type LanguageProficiency, type Shift, WEEKDAYS } from './types.ts';

// Editors for the parts several forms share: languages with proficiency, a calendar of
// opening hours, a time zone, a list of skills. Each names its controls and shows the
// server's messages at the paths it draws.

const PROFICIENCIES = [1, 2, 3, 4, 5];

/** A list edited in place: replace, remove or append one item, never mutate. */
export const replaceAt = <T,>(list: readonly T[], index: number, item: T): T[] =>
  list.map((x, i) => (i === index ? item : x));
export const removeAt = <T,>(list: readonly T[], index: number): T[] => list.filter((_, i) => i !== index);

export function ProficiencySelect({
  value,
  onChange,
  disabled,
  control,
}: {
  value: number;
  onChange: (n: number) => void;
  disabled?: boolean;
  control: object;
}) {
  const { t, i18n } = useTranslation();
  return (
    <select {...control} value={value} disabled={disabled} onChange={(e) => onChange(Number(e.target.value))}>
      {PROFICIENCIES.map((n) => (
        <option key={n} value={n}>
          {t(`admin.proficiency.p${n}`, { n: new Intl.NumberFormat(i18n.language).format(n) })}
        </option>
      ))}
    </select>
  );
}

/** Languages with a proficiency 1–5 each (a site's or an agent's). */
export function LanguagesEditor({
  legend,
  path,
  value,
  onChange,
  disabled = false,
}: {
  legend: string;
  path: string;
  value: LanguageProficiency[];
  onChange: (value: LanguageProficiency[]) => void;
  disabled?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const choices = languageChoices(i18n.language, value.map((l) => l.tag).filter(Boolean));
  return (
    <Group legend={legend} path={path}>
      {value.length === 0 && <p>{t('admin.languages.none')}</p>}
      {value.map((language, i) => {
        const n = i + 1;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in the list the server checks by index
          <div className="admin-row" key={i}>
            <Field label={t('admin.languages.language', { n })} path={`${path}.${i}.tag`}>
              {(control) => (
                <select
                  {...control}
                  value={language.tag}
                  disabled={disabled}
                  onChange={(e) => onChange(replaceAt(value, i, { ...language, tag: e.target.value }))}
                >
                  <option value="">{t('admin.form.choose')}</option>
                  {choices.map((c) => (
                    <option key={c.value} value={c.value}>
                      {c.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('admin.languages.proficiency', { n })} path={`${path}.${i}.proficiency`}>
              {(control) => (
                <ProficiencySelect
                  control={control}
                  value={language.proficiency}
                  disabled={disabled}
                  onChange={(proficiency) => onChange(replaceAt(value, i, { ...language, proficiency }))}
                />
              )}
            </Field>
            {!disabled && (
              <button type="button" className="secondary" onClick={() => onChange(removeAt(value, i))}>
                {t('admin.languages.remove', {
                  language: language.tag ? languageName(i18n.language, language.tag) : n,
                })}
              </button>
            )}
          </div>
        );
      })}
      {!disabled && (
        <button
          type="button"
          className="secondary"
          onClick={() => onChange([...value, { tag: '', proficiency: 3 }])}
        >
          {t('admin.languages.add')}
        </button>
      )}
    </Group>
  );
}

/** Shifts of one day: none is closed; an end at or before the start runs past midnight. */
function ShiftsEditor({
  legend,
  path,
  value,
  onChange,
  disabled,
}: {
  legend: string;
  path: string;
  value: Shift[];
  onChange: (value: Shift[]) => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Group legend={legend} path={path} className="admin-day">
      {value.length === 0 && <p className="admin-closed">{t('admin.calendar.closed')}</p>}
      {value.map((shift, i) => {
        const n = i + 1;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: shifts are positions the server names by index
          <div className="admin-row" key={i}>
            <Field label={t('admin.calendar.start', { n })} path={`${path}.${i}.start`}>
              {(control) => (
                <input
                  {...control}
                  type="time"
                  value={shift.start}
                  disabled={disabled}
                  onChange={(e) => onChange(replaceAt(value, i, { ...shift, start: e.target.value }))}
                />
              )}
            </Field>
            <Field label={t('admin.calendar.end', { n })} path={`${path}.${i}.end`}>
              {(control) => (
                <input
                  {...control}
                  type="time"
                  value={shift.end}
                  disabled={disabled}
                  onChange={(e) => onChange(replaceAt(value, i, { ...shift, end: e.target.value }))}
                />
              )}
            </Field>
            {!disabled && (
              <button type="button" className="secondary" onClick={() => onChange(removeAt(value, i))}>
                {t('admin.calendar.removeShift', { day: legend, n })}
              </button>
            )}
            <PathIssues path={`${path}.${i}`} label={legend} />
          </div>
        );
      })}
      {!disabled && (
        <button
          type="button"
          className="secondary"
          onClick={() => onChange([...value, { start: '09:00', end: '17:00' }])}
        >
          {t('admin.calendar.addShift', { day: legend })}
        </button>
      )}
    </Group>
  );
}

/** Opening hours per weekday, closures (holidays) and dates with their own hours, read in `timeZone`. */
export function CalendarEditor({
  path,
  value,
  timeZone,
  onChange,
  disabled = false,
}: {
  path: string;
  value: Calendar;
  timeZone: string;
  onChange: (value: Calendar) => void;
  disabled?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  return (
    <Group
      legend={t('admin.calendar.title')}
      path={path}
      hint={t('admin.calendar.hint', { timeZone })}
      className="admin-calendar"
    >
      <div className="admin-week">
        {WEEKDAYS.map((day, index) => (
          <ShiftsEditor
            key={day}
            legend={weekdayName(locale, index)}
            path={`${path}.weekly.${day}`}
            value={value.weekly[day] ?? []}
            disabled={disabled}
            onChange={(shifts) => onChange({ ...value, weekly: { ...value.weekly, [day]: shifts } })}
          />
        ))}
      </div>
      <Group legend={t('admin.calendar.holidays')} path={`${path}.holidays`}>
        {value.holidays.length === 0 && <p>{t('admin.calendar.noHolidays')}</p>}
        {value.holidays.map((holiday, i) => {
          const n = i + 1;
          const holidays = (h: Calendar['holidays'][number]) =>
            onChange({ ...value, holidays: replaceAt(value.holidays, i, h) });
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: positions the server names by index
            <div className="admin-row" key={i}>
              <Field label={t('admin.calendar.holidayDate', { n })} path={`${path}.holidays.${i}.date`}>
                {(control) => (
                  <input
                    {...control}
                    type="date"
                    value={holiday.date}
                    disabled={disabled}
                    onChange={(e) => holidays({ ...holiday, date: e.target.value })}
                  />
                )}
              </Field>
              <Field label={t('admin.calendar.holidayName', { n })} path={`${path}.holidays.${i}.name`}>
                {(control) => (
                  <input
                    {...control}
                    dir="auto"
                    value={holiday.name}
                    disabled={disabled}
                    onChange={(e) => holidays({ ...holiday, name: e.target.value })}
                  />
                )}
              </Field>
              {!disabled && (
                <button
                  type="button"
                  className="secondary"
                  onClick={() => onChange({ ...value, holidays: removeAt(value.holidays, i) })}
                >
                  {t('admin.calendar.removeHoliday', {
                    date: holiday.date ? formatDate(locale, holiday.date) : n,
                  })}
                </button>
              )}
            </div>
          );
        })}
        {!disabled && (
          <button
            type="button"
            className="secondary"
            onClick={() => onChange({ ...value, holidays: [...value.holidays, { date: '', name: '' }] })}
          >
            {t('admin.calendar.addHoliday')}
          </button>
        )}
      </Group>
      <Group
        legend={t('admin.calendar.exceptions')}
        path={`${path}.exceptions`}
        hint={t('admin.calendar.exceptionsHint')}
      >
        {value.exceptions.length === 0 && <p>{t('admin.calendar.noExceptions')}</p>}
        {value.exceptions.map((exception, i) => {
          const n = i + 1;
          const at = `${path}.exceptions.${i}`;
          const change = (e: Calendar['exceptions'][number]) =>
            onChange({ ...value, exceptions: replaceAt(value.exceptions, i, e) });
          const day = exception.date ? formatDate(locale, exception.date) : String(n);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: positions the server names by index
            <div className="admin-exception" key={i}>
              <div className="admin-row">
                <Field label={t('admin.calendar.exceptionDate', { n })} path={`${at}.date`}>
                  {(control) => (
                    <input
                      {...control}
                      type="date"
                      value={exception.date}
                      disabled={disabled}
                      onChange={(e) => change({ ...exception, date: e.target.value })}
                    />
                  )}
                </Field>
                <Field label={t('admin.calendar.exceptionReason', { n })} path={`${at}.reason`}>
                  {(control) => (
                    <input
                      {...control}
                      dir="auto"
                      value={exception.reason ?? ''}
                      disabled={disabled}
                      onChange={(e) => change({ ...exception, reason: e.target.value })}
                    />
                  )}
                </Field>
                {!disabled && (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => onChange({ ...value, exceptions: removeAt(value.exceptions, i) })}
                  >
                    {t('admin.calendar.removeException', { date: day })}
                  </button>
                )}
              </div>
              <ShiftsEditor
                legend={t('admin.calendar.exceptionHours', { date: day })}
                path={`${at}.intervals`}
                value={exception.intervals}
                disabled={disabled}
                onChange={(intervals) => change({ ...exception, intervals })}
              />
            </div>
          );
        })}
        {!disabled && (
          <button
            type="button"
            className="secondary"
            onClick={() =>
              onChange({ ...value, exceptions: [...value.exceptions, { date: '', intervals: [] }] })
            }
          >
            {t('admin.calendar.addException')}
          </button>
        )}
      </Group>
    </Group>
  );
}

/** A calendar as the API takes it: blank reasons left out, closed days as empty lists. */
export function calendarBody(calendar: Calendar): Calendar {
  return {
    weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, calendar.weekly[d] ?? []])),
    holidays: calendar.holidays,
    exceptions: calendar.exceptions.map((e) => ({
      date: e.date,
      intervals: e.intervals,
      ...(e.reason?.trim() ? { reason: e.reason } : {}),
    })),
  };
}

/** An IANA time zone, from the zones the browser knows. */
export function TimeZoneField({
  label,
  path,
  value,
  onChange,
  disabled = false,
}: {
  label: string;
  path: string;
  value: string;
  onChange: (zone: string) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const zones = timeZoneChoices(value ? [value] : []);
  return (
    <Field label={label} path={path}>
      {(control) => (
        <select {...control} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('admin.form.choose')}</option>
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Words separated by commas or spaces, as a list (skills). */
export const wordsOf = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((w) => w.trim())
    .filter(Boolean);

/** A number typed in a field: blank is null (the server says what it needs), anything else as typed. */
export const numberOf = (text: string): number | null => (text.trim() === '' ? null : Number(text));
