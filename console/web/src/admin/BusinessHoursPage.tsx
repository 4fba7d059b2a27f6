import { useCallback, useId, useMemo, useState, type FormEvent } from 'react';
import type { AdminApi } from '../api/admin.js';
import type { CalendarView } from '../api/types.js';
import { Field } from '../components/Field.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { checkWeek, DAY_ORDER, formatHolidays, OFFICE_HOURS, parseHolidays, timeZones, type WeeklyHours } from './business-hours.js';
import { useLoad } from './useLoad.js';
import { ListForm, ListPage, useListEditor } from './AdminList.js';

/** The weekday's name in the app's language; `day` counts from Sunday like the API. */
function dayName(day: number, language: string): string {
  return new Intl.DateTimeFormat(language === 'zh' ? 'zh-CN' : 'en', { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2023, 0, 1 + day)));
}

/**
 * Business hours: calendars of weekly opening hours in a time zone, with holidays, and which
 * group keeps which calendar. Outside its hours a group's conversations wait or overflow as the
 * group's settings say (the router decides).
 */
export function BusinessHoursPage({ api }: { api: AdminApi }) {
  const { t, language } = useI18n();
  const calendars = useLoad(useCallback(() => api.calendars(), [api]));
  const groups = useLoad(useCallback(() => api.groups(), [api]));
  const editor = useListEditor<CalendarView>();
  const [notice, setNotice] = useState<string>();

  const remove = async (calendar: CalendarView) => {
    editor.cancelDelete();
    try {
      await api.deleteCalendar(calendar.id);
      setNotice(t('hours.deleted', { name: calendar.name }));
      editor.closeIf(calendar);
      calendars.reload();
      groups.reload();
    } catch (caught) {
      setNotice(describeError(caught, t));
    }
  };
  const setGroupCalendar = async (groupId: string, calendarId: string | null) => {
    try {
      const updated = await api.updateGroup(groupId, { calendarId });
      groups.update((data) => ({ groups: data.groups.map((g) => (g.id === groupId ? { ...g, calendarId: updated.calendarId ?? calendarId } : g)) }));
      setNotice(t('hours.groupSaved', { name: updated.name }));
    } catch (caught) {
      setNotice(describeError(caught, t));
    }
  };
  // The API describes each day's spans as lists (OpenAPI 3.0 has no pairs); each holds a start and an end.
  const summary = (week: CalendarView['weeklyHours']) =>
    DAY_ORDER.filter((day) => (week[day] ?? []).length > 0)
      .map((day) => `${dayName(day, language)} ${(week[day] ?? []).map(([from, to]) => `${from}–${to}`).join(', ')}`)
      .join(' · ') || t('hours.closed');
  const loadError = calendars.error ?? groups.error;

  return (
    <>
      <ListPage
        title={t('admin.hours')}
        loadError={loadError}
        notice={notice}
        rows={calendars.data?.calendars}
        scroll
        empty={t('hours.none')}
        columns={[
          { header: t('admin.name'), cell: (calendar) => calendar.name },
          { header: t('hours.timeZone'), cell: (calendar) => calendar.timeZone },
          { header: t('hours.week'), cell: (calendar) => summary(calendar.weeklyHours) },
          { header: t('hours.holidays'), cell: (calendar) => calendar.holidays.length },
        ]}
        nameOf={(calendar) => calendar.name}
        editor={editor}
        confirmDelete={{ title: (calendar) => t('hours.confirmDelete', { name: calendar.name }), onConfirm: (calendar) => void remove(calendar) }}
      >
        <CalendarForm
          key={editor.formKey}
          api={api}
          calendar={editor.editing}
          onCancel={editor.stopEditing}
          onSaved={(saved, created) => {
            setNotice(t(created ? 'hours.created' : 'hours.saved', { name: saved.name }));
            editor.stopEditing();
            calendars.reload();
          }}
        />
      </ListPage>
      {groups.data && calendars.data && calendars.data.calendars.length > 0 && groups.data.groups.length > 0 && (
        <section className="section" aria-label={t('hours.groups')}>
          <h2>{t('hours.groups')}</h2>
          <div className="table-scroll">
            <table className="admin-table">
              <tbody>
                {groups.data.groups.map((group) => (
                  <tr key={group.id}>
                    <th scope="row">{group.name}</th>
                    <td>
                      <select
                        aria-label={t('hours.groupHours', { name: group.name })}
                        value={group.calendarId ?? ''}
                        onChange={(event) => void setGroupCalendar(group.id, event.target.value || null)}
                      >
                        <option value="">{t('hours.always')}</option>
                        {calendars.data?.calendars.map((calendar) => (
                          <option key={calendar.id} value={calendar.id}>
                            {calendar.name}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}

function CalendarForm({
  api,
  calendar,
  onSaved,
  onCancel,
}: {
  api: AdminApi;
  calendar: CalendarView | undefined;
  onSaved(calendar: CalendarView, created: boolean): void;
  onCancel(): void;
}) {
  const { t, language } = useI18n();
  const id = useId();
  const zones = useMemo(() => timeZones([calendar?.timeZone, Intl.DateTimeFormat().resolvedOptions().timeZone]), [calendar?.timeZone]);
  const [week, setWeek] = useState<WeeklyHours>(() =>
    calendar ? calendar.weeklyHours.map((d) => d.map(([a, b]) => [a, b] as [string, string])) : OFFICE_HOURS.map((d) => [...d]),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const setDay = (day: number, ranges: [string, string][]) => setWeek((current) => current.map((d, i) => (i === day ? ranges : d)));
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const form = new FormData(event.currentTarget);
    const problem = checkWeek(week);
    if (problem) return setError(t(`hours.problem.${problem.problem}`, { day: dayName(problem.day, language) }));
    const holidays = parseHolidays(String(form.get('holidays') ?? ''));
    if ('badLine' in holidays) return setError(t('hours.badHoliday', { line: holidays.badLine }));
    const body = { name: String(form.get('name') ?? '').trim(), timeZone: String(form.get('timeZone') ?? '').trim(), weeklyHours: week };
    setBusy(true);
    setError(undefined);
    try {
      const saved = calendar ? await api.updateCalendar(calendar.id, body) : await api.createCalendar(body);
      await api.setHolidays(saved.id, holidays.holidays);
      onSaved(saved, !calendar);
    } catch (caught) {
      setError(describeError(caught, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <ListForm
      title={calendar ? t('hours.edit', { name: calendar.name }) : t('hours.add')}
      className="section hours-form"
      editing={calendar !== undefined}
      addLabel={t('hours.add')}
      busy={busy}
      error={error}
      onSubmit={submit}
      onCancel={onCancel}
    >
      <Field label={t('admin.name')} name="name" required maxLength={100} defaultValue={calendar?.name ?? ''} />
      <div className="field">
        <label htmlFor={`${id}-zone`}>{t('hours.timeZone')}</label>
        <select id={`${id}-zone`} name="timeZone" required defaultValue={calendar?.timeZone ?? browserZone}>
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replaceAll('_', ' ')}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="field week">
        <legend>{t('hours.week')}</legend>
        {DAY_ORDER.map((day) => {
          const name = dayName(day, language);
          const ranges = week[day] ?? [];
          return (
            <fieldset key={day} className="day" aria-label={name}>
              <label className="check">
                <input type="checkbox" checked={ranges.length > 0} onChange={(event) => setDay(day, event.target.checked ? [['09:00', '18:00']] : [])} />
                {name}
              </label>
              {ranges.length === 0 && <span className="hint">{t('hours.closed')}</span>}
              {ranges.map(([from, to], index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: ranges are edited in place
                <span key={index} className="range">
                  <input
                    type="time"
                    aria-label={t('hours.from', { day: name })}
                    value={from}
                    onChange={(event) =>
                      setDay(
                        day,
                        ranges.map((r, i) => (i === index ? [event.target.value, r[1]] : r)),
                      )
                    }
                    required
                  />
                  –
                  <input
                    type="time"
                    aria-label={t('hours.until', { day: name })}
                    value={to === '24:00' ? '23:59' : to}
                    onChange={(event) =>
                      setDay(
                        day,
                        ranges.map((r, i) => (i === index ? [r[0], event.target.value] : r)),
                      )
                    }
                    required
                  />
                  {ranges.length > 1 && (
                    <button
                      type="button"
                      className="link"
                      aria-label={t('hours.removeRange', { day: name })}
                      onClick={() =>
                        setDay(
                          day,
                          ranges.filter((_, i) => i !== index),
                        )
                      }
                    >
                      ×
                    </button>
                  )}
                </span>
              ))}
              {ranges.length > 0 && ranges.length < 10 && (
                <button type="button" className="link" onClick={() => setDay(day, [...ranges, ['13:00', '18:00']])}>
                  {t('hours.addRange')}
                </button>
              )}
            </fieldset>
          );
        })}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-holidays`}>{t('hours.holidays')}</label>
        <textarea
          id={`${id}-holidays`}
          name="holidays"
          rows={4}
          defaultValue={formatHolidays(calendar?.holidays ?? [])}
          aria-describedby={`${id}-holidays-hint`}
        />
        <small id={`${id}-holidays-hint`} className="hint">
          {t('hours.holidaysHint')}
        </small>
      </div>
    </ListForm>
  );
}
