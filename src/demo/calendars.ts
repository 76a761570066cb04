import type { ShiftInterval, SiteCalendar } from '../store/index.ts';

/**
 * Site calendars of the demo world: weekly hours in the site's own time zone, the
 * country's public holidays of 2026 and 2027, and a few dated exceptions. Islamic
 * holidays follow the moon; their dates here are the expected ones, marked "estimated".
 */

type Holiday = SiteCalendar['holidays'][number];
type Exception = SiteCalendar['exceptions'][number];

const span = (start: string, end: string): ShiftInterval => ({ start, end });

function holidays(list: ReadonlyArray<readonly [date: string, name: string]>): Holiday[] {
  return list.map(([date, name]) => ({ date, name }));
}

// biome-ignore format: one holiday a line
const FR_HOLIDAYS = holidays([
  ['2026-01-01', 'Jour de l’an'], ['2026-04-06', 'Lundi de Pâques'], ['2026-05-01', 'Fête du Travail'],
  ['2026-05-08', 'Victoire 1945'], ['2026-05-14', 'Ascension'], ['2026-05-25', 'Lundi de Pentecôte'],
  ['2026-07-14', 'Fête nationale'], ['2026-08-15', 'Assomption'], ['2026-11-01', 'Toussaint'],
  ['2026-11-11', 'Armistice 1918'], ['2026-12-25', 'Noël'],
  ['2027-01-01', 'Jour de l’an'], ['2027-03-29', 'Lundi de Pâques'], ['2027-05-01', 'Fête du Travail'],
  ['2027-05-06', 'Ascension'], ['2027-05-08', 'Victoire 1945'], ['2027-05-17', 'Lundi de Pentecôte'],
  ['2027-07-14', 'Fête nationale'], ['2027-08-15', 'Assomption'], ['2027-11-01', 'Toussaint'],
  ['2027-11-11', 'Armistice 1918'], ['2027-12-25', 'Noël'],
]);

// biome-ignore format: one holiday a line
const MA_HOLIDAYS = holidays([
  ['2026-01-01', 'Nouvel an'], ['2026-01-11', 'Manifeste de l’indépendance'], ['2026-01-14', 'Nouvel an amazigh'],
  ['2026-03-20', 'Aïd al-Fitr (date estimée)'], ['2026-03-21', 'Aïd al-Fitr, 2e jour (date estimée)'],
  ['2026-05-01', 'Fête du Travail'], ['2026-05-27', 'Aïd al-Adha (date estimée)'],
  ['2026-05-28', 'Aïd al-Adha, 2e jour (date estimée)'], ['2026-06-17', 'Nouvel an de l’Hégire (date estimée)'],
  ['2026-07-30', 'Fête du Trône'], ['2026-08-14', 'Allégeance Oued Eddahab'],
  ['2026-08-20', 'Révolution du Roi et du Peuple'], ['2026-08-21', 'Fête de la Jeunesse'],
  ['2026-08-26', 'Aïd al-Mawlid (date estimée)'], ['2026-10-31', 'Fête de l’Unité'],
  ['2026-11-06', 'Marche verte'], ['2026-11-18', 'Fête de l’Indépendance'],
  ['2027-01-01', 'Nouvel an'], ['2027-01-11', 'Manifeste de l’indépendance'], ['2027-01-14', 'Nouvel an amazigh'],
  ['2027-03-10', 'Aïd al-Fitr (date estimée)'], ['2027-03-11', 'Aïd al-Fitr, 2e jour (date estimée)'],
  ['2027-05-01', 'Fête du Travail'], ['2027-05-17', 'Aïd al-Adha (date estimée)'],
  ['2027-05-18', 'Aïd al-Adha, 2e jour (date estimée)'], ['2027-06-07', 'Nouvel an de l’Hégire (date estimée)'],
  ['2027-07-30', 'Fête du Trône'], ['2027-08-14', 'Allégeance Oued Eddahab'],
  ['2027-08-16', 'Aïd al-Mawlid (date estimée)'], ['2027-08-20', 'Révolution du Roi et du Peuple'],
  ['2027-08-21', 'Fête de la Jeunesse'], ['2027-10-31', 'Fête de l’Unité'],
  ['2027-11-06', 'Marche verte'], ['2027-11-18', 'Fête de l’Indépendance'],
]);

// Orthodox Easter: 12 April 2026, 2 May 2027.
// biome-ignore format: one holiday a line
const RO_HOLIDAYS = holidays([
  ['2026-01-01', 'Anul Nou'], ['2026-01-02', 'A doua zi de Anul Nou'], ['2026-01-06', 'Boboteaza'],
  ['2026-01-07', 'Sfântul Ioan'], ['2026-01-24', 'Ziua Unirii Principatelor Române'], ['2026-04-10', 'Vinerea Mare'],
  ['2026-04-12', 'Paștele'], ['2026-04-13', 'A doua zi de Paște'], ['2026-05-01', 'Ziua Muncii'],
  ['2026-05-31', 'Rusaliile'], ['2026-06-01', 'Ziua Copilului; a doua zi de Rusalii'],
  ['2026-08-15', 'Adormirea Maicii Domnului'], ['2026-11-30', 'Sfântul Andrei'], ['2026-12-01', 'Ziua Națională'],
  ['2026-12-25', 'Crăciunul'], ['2026-12-26', 'A doua zi de Crăciun'],
  ['2027-01-01', 'Anul Nou'], ['2027-01-02', 'A doua zi de Anul Nou'], ['2027-01-06', 'Boboteaza'],
  ['2027-01-07', 'Sfântul Ioan'], ['2027-01-24', 'Ziua Unirii Principatelor Române'], ['2027-04-30', 'Vinerea Mare'],
  ['2027-05-01', 'Ziua Muncii'], ['2027-05-02', 'Paștele'], ['2027-05-03', 'A doua zi de Paște'],
  ['2027-06-01', 'Ziua Copilului'], ['2027-06-20', 'Rusaliile'], ['2027-06-21', 'A doua zi de Rusalii'],
  ['2027-08-15', 'Adormirea Maicii Domnului'], ['2027-11-30', 'Sfântul Andrei'], ['2027-12-01', 'Ziua Națională'],
  ['2027-12-25', 'Crăciunul'], ['2027-12-26', 'A doua zi de Crăciun'],
]);

// biome-ignore format: one holiday a line
const SR_HOLIDAYS = holidays([
  ['2026-01-01', 'Nieuwjaarsdag'], ['2026-03-20', 'Ied-ul-Fitr (geschatte datum)'], ['2026-04-03', 'Goede Vrijdag'],
  ['2026-04-06', 'Tweede Paasdag'], ['2026-05-01', 'Dag van de Arbeid'], ['2026-06-05', 'Dag van de Hindostaanse Immigratie'],
  ['2026-07-01', 'Keti Koti'], ['2026-08-08', 'Dag van de Javaanse Immigratie'], ['2026-08-09', 'Dag der Inheemsen'],
  ['2026-10-10', 'Dag der Marrons'], ['2026-11-25', 'Onafhankelijkheidsdag'], ['2026-12-25', 'Eerste Kerstdag'],
  ['2026-12-26', 'Tweede Kerstdag'],
  ['2027-01-01', 'Nieuwjaarsdag'], ['2027-03-10', 'Ied-ul-Fitr (geschatte datum)'], ['2027-03-26', 'Goede Vrijdag'],
  ['2027-03-29', 'Tweede Paasdag'], ['2027-05-01', 'Dag van de Arbeid'], ['2027-06-05', 'Dag van de Hindostaanse Immigratie'],
  ['2027-07-01', 'Keti Koti'], ['2027-08-08', 'Dag van de Javaanse Immigratie'], ['2027-08-09', 'Dag der Inheemsen'],
  ['2027-10-10', 'Dag der Marrons'], ['2027-11-25', 'Onafhankelijkheidsdag'], ['2027-12-25', 'Eerste Kerstdag'],
  ['2027-12-26', 'Tweede Kerstdag'],
]);

// biome-ignore format: one holiday a line
const SN_HOLIDAYS = holidays([
  ['2026-01-01', 'Jour de l’an'], ['2026-03-20', 'Korité (date estimée)'], ['2026-04-04', 'Fête de l’Indépendance'],
  ['2026-04-06', 'Lundi de Pâques'], ['2026-05-01', 'Fête du Travail'], ['2026-05-14', 'Ascension'],
  ['2026-05-25', 'Lundi de Pentecôte'], ['2026-05-27', 'Tabaski (date estimée)'],
  ['2026-06-25', 'Tamkharit (date estimée)'], ['2026-08-02', 'Grand Magal de Touba (date estimée)'],
  ['2026-08-15', 'Assomption'], ['2026-08-26', 'Maouloud (date estimée)'], ['2026-11-01', 'Toussaint'],
  ['2026-12-25', 'Noël'],
  ['2027-01-01', 'Jour de l’an'], ['2027-03-10', 'Korité (date estimée)'], ['2027-03-29', 'Lundi de Pâques'],
  ['2027-04-04', 'Fête de l’Indépendance'], ['2027-05-01', 'Fête du Travail'], ['2027-05-06', 'Ascension'],
  ['2027-05-16', 'Tabaski (date estimée)'], ['2027-05-17', 'Lundi de Pentecôte'],
  ['2027-06-15', 'Tamkharit (date estimée)'], ['2027-07-23', 'Grand Magal de Touba (date estimée)'],
  ['2027-08-15', 'Assomption ; Maouloud (date estimée)'], ['2027-11-01', 'Toussaint'], ['2027-12-25', 'Noël'],
]);

// biome-ignore format: one holiday a line
const MG_HOLIDAYS = holidays([
  ['2026-01-01', 'Nouvel an'], ['2026-03-29', 'Commémoration des martyrs de 1947'], ['2026-04-06', 'Lundi de Pâques'],
  ['2026-05-01', 'Fête du Travail'], ['2026-05-14', 'Ascension'], ['2026-05-25', 'Lundi de Pentecôte'],
  ['2026-06-26', 'Fête de l’Indépendance'], ['2026-08-15', 'Assomption'], ['2026-11-01', 'Toussaint'],
  ['2026-12-25', 'Noël'],
  ['2027-01-01', 'Nouvel an'], ['2027-03-29', 'Commémoration des martyrs ; Lundi de Pâques'],
  ['2027-05-01', 'Fête du Travail'], ['2027-05-06', 'Ascension'], ['2027-05-17', 'Lundi de Pentecôte'],
  ['2027-06-26', 'Fête de l’Indépendance'], ['2027-08-15', 'Assomption'], ['2027-11-01', 'Toussaint'],
  ['2027-12-25', 'Noël'],
]);

// Coptic Easter: 12 April 2026, 2 May 2027; Sham el-Nessim is the Monday after.
// biome-ignore format: one holiday a line
const EG_HOLIDAYS = holidays([
  ['2026-01-07', 'Coptic Christmas'], ['2026-01-25', 'Revolution Day and Police Day'],
  ['2026-03-20', 'Eid al-Fitr (estimated)'], ['2026-03-21', 'Eid al-Fitr, day 2 (estimated)'],
  ['2026-03-22', 'Eid al-Fitr, day 3 (estimated)'], ['2026-04-13', 'Sham el-Nessim'],
  ['2026-04-25', 'Sinai Liberation Day'], ['2026-05-01', 'Labour Day'], ['2026-05-26', 'Arafat Day (estimated)'],
  ['2026-05-27', 'Eid al-Adha (estimated)'], ['2026-05-28', 'Eid al-Adha, day 2 (estimated)'],
  ['2026-05-29', 'Eid al-Adha, day 3 (estimated)'], ['2026-06-16', 'Islamic New Year (estimated)'],
  ['2026-06-30', 'June 30 Revolution'], ['2026-07-23', 'Revolution Day'],
  ['2026-08-25', 'Prophet’s Birthday (estimated)'], ['2026-10-06', 'Armed Forces Day'],
  ['2027-01-07', 'Coptic Christmas'], ['2027-01-25', 'Revolution Day and Police Day'],
  ['2027-03-10', 'Eid al-Fitr (estimated)'], ['2027-03-11', 'Eid al-Fitr, day 2 (estimated)'],
  ['2027-03-12', 'Eid al-Fitr, day 3 (estimated)'], ['2027-04-25', 'Sinai Liberation Day'],
  ['2027-05-01', 'Labour Day'], ['2027-05-03', 'Sham el-Nessim'], ['2027-05-15', 'Arafat Day (estimated)'],
  ['2027-05-16', 'Eid al-Adha (estimated)'], ['2027-05-17', 'Eid al-Adha, day 2 (estimated)'],
  ['2027-05-18', 'Eid al-Adha, day 3 (estimated)'], ['2027-06-06', 'Islamic New Year (estimated)'],
  ['2027-06-30', 'June 30 Revolution'], ['2027-07-23', 'Revolution Day'],
  ['2027-08-14', 'Prophet’s Birthday (estimated)'], ['2027-10-06', 'Armed Forces Day'],
]);

const WEEKDAY_OF_UTC_DAY = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** The same hours on every date from `from` to `to` on which the week has shifts and that is no holiday. */
function dailyExceptions(
  weekly: SiteCalendar['weekly'],
  holidayList: Holiday[],
  from: string,
  to: string,
  intervals: ShiftInterval[],
  reason: string,
): Exception[] {
  const closed = new Set(holidayList.map((h) => h.date));
  const out: Exception[] = [];
  for (
    let d = new Date(`${from}T12:00:00Z`);
    d <= new Date(`${to}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    const date = d.toISOString().slice(0, 10);
    const weekday = WEEKDAY_OF_UTC_DAY[d.getUTCDay()] ?? 'sun';
    if ((weekly[weekday]?.length ?? 0) > 0 && !closed.has(date)) out.push({ date, intervals, reason });
  }
  return out;
}

const every = (days: ReadonlyArray<keyof SiteCalendar['weekly']>, shifts: ShiftInterval[]) =>
  Object.fromEntries(days.map((d) => [d, shifts])) as SiteCalendar['weekly'];

const MON_FRI = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

/** Paris: split shifts with a lunch break, Saturday mornings and afternoons, short days before Christmas and New Year. */
function paris(): SiteCalendar {
  return {
    weekly: {
      ...every(MON_FRI, [span('08:00', '12:30'), span('13:30', '20:00')]),
      sat: [span('09:00', '17:00')],
    },
    holidays: FR_HOLIDAYS,
    exceptions: [
      { date: '2026-12-24', intervals: [span('08:00', '14:00')], reason: 'Veille de Noël' },
      { date: '2026-12-31', intervals: [span('08:00', '16:00')], reason: 'Saint-Sylvestre' },
      { date: '2027-12-24', intervals: [span('08:00', '14:00')], reason: 'Veille de Noël' },
      { date: '2027-12-31', intervals: [span('08:00', '16:00')], reason: 'Saint-Sylvestre' },
    ],
  };
}

/** Casablanca: the French working day plus Sunday cover for France, a training afternoon once a year. */
function casablanca(): SiteCalendar {
  return {
    weekly: {
      ...every([...MON_FRI, 'sat'], [span('08:00', '20:00')]),
      sun: [span('09:00', '17:00')],
    },
    holidays: MA_HOLIDAYS,
    exceptions: [
      { date: '2026-09-15', intervals: [span('13:00', '20:00')], reason: 'Formation annuelle le matin' },
      { date: '2027-09-14', intervals: [span('13:00', '20:00')], reason: 'Formation annuelle le matin' },
      { date: '2026-12-24', intervals: [span('08:00', '15:00')], reason: 'Veille de Noël (client France)' },
      { date: '2027-12-24', intervals: [span('08:00', '15:00')], reason: 'Veille de Noël (client France)' },
    ],
  };
}

/** Bucharest: two back-to-back shifts on weekdays, one on Saturday. */
function bucharest(): SiteCalendar {
  return {
    weekly: {
      ...every(MON_FRI, [span('09:00', '15:00'), span('15:00', '21:00')]),
      sat: [span('09:00', '18:00')],
    },
    holidays: RO_HOLIDAYS,
    exceptions: [
      { date: '2026-12-24', intervals: [span('09:00', '15:00')], reason: 'Ajunul Crăciunului' },
      { date: '2027-12-24', intervals: [span('09:00', '15:00')], reason: 'Ajunul Crăciunului' },
    ],
  };
}

/** Paramaribo: the night shift for France, 22:00–06:00 local, which is early morning in Paris. */
function paramaribo(): SiteCalendar {
  return {
    weekly: every(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], [span('22:00', '06:00')]),
    holidays: SR_HOLIDAYS,
    exceptions: [
      { date: '2026-12-31', intervals: [], reason: 'Oudejaarsavond: gesloten' },
      { date: '2027-12-31', intervals: [], reason: 'Oudejaarsavond: gesloten' },
    ],
  };
}

/** Dakar: a long midday break, Saturday mornings. */
function dakar(): SiteCalendar {
  return {
    weekly: {
      ...every(MON_FRI, [span('08:00', '13:00'), span('15:00', '19:00')]),
      sat: [span('09:00', '13:00')],
    },
    holidays: SN_HOLIDAYS,
    exceptions: [
      { date: '2026-12-31', intervals: [span('08:00', '13:00')], reason: 'Saint-Sylvestre' },
      { date: '2027-12-31', intervals: [span('08:00', '13:00')], reason: 'Saint-Sylvestre' },
    ],
  };
}

/** Antananarivo: early start (it is two hours ahead of Paris in winter), Saturday mornings. */
function antananarivo(): SiteCalendar {
  return {
    weekly: {
      ...every(MON_FRI, [span('07:30', '12:00'), span('13:00', '17:30')]),
      sat: [span('08:00', '12:00')],
    },
    holidays: MG_HOLIDAYS,
    exceptions: [
      { date: '2026-12-24', intervals: [span('07:30', '12:00')], reason: 'Veille de Noël' },
      { date: '2027-12-24', intervals: [span('07:30', '12:00')], reason: 'Veille de Noël' },
    ],
  };
}

/** Cairo: Sunday to Thursday (Friday–Saturday weekend), a late shift to midnight, Ramadan hours after iftar. */
function cairo(): SiteCalendar {
  const weekly = every(['sun', 'mon', 'tue', 'wed', 'thu'], [span('08:00', '16:00'), span('16:00', '24:00')]);
  const ramadan = [span('09:00', '15:00'), span('20:00', '01:00')];
  return {
    weekly,
    holidays: EG_HOLIDAYS,
    exceptions: [
      ...dailyExceptions(
        weekly,
        EG_HOLIDAYS,
        '2026-02-19',
        '2026-03-19',
        ramadan,
        'Ramadan hours (estimated dates)',
      ),
      ...dailyExceptions(
        weekly,
        EG_HOLIDAYS,
        '2027-02-08',
        '2027-03-09',
        ramadan,
        'Ramadan hours (estimated dates)',
      ),
    ],
  };
}

export const SITE_CALENDARS = {
  paris,
  casablanca,
  bucharest,
  paramaribo,
  dakar,
  antananarivo,
  cairo,
} as const;
export type SiteKey = keyof typeof SITE_CALENDARS;
