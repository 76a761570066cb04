import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SiteCalendar } from '../store/index.ts';
import {
  closedNoticeText,
  firstOpening,
  formatOpening,
  NOTICE_CATALOGS,
  type NoticeSite,
  noticeLanguage,
} from './closed-notice.ts';

const FR = 'sub-fr';
const MA = 'sub-ma';
const weekdays = { start: '08:00', end: '20:00' };
const officeHours: SiteCalendar = {
  weekly: { mon: [weekdays], tue: [weekdays], wed: [weekdays], thu: [weekdays], fri: [weekdays] },
  holidays: [],
  exceptions: [],
};

function site(overrides: Partial<NoticeSite>): NoticeSite {
  return {
    calendar: officeHours,
    timeZone: 'Europe/Paris',
    subsidiaryIds: [FR],
    alwaysOpenFor: [],
    languages: ['fr'],
    tiers: ['level1'],
    ...overrides,
  };
}

// The test fixture's world: Paris works level 2 only; Casablanca and Bucharest level 1.
const paris = site({ tiers: ['level2', 'expert'] });
const casablanca = site({
  timeZone: 'Africa/Casablanca',
  languages: ['fr', 'ar'],
  tiers: ['level1', 'level2'],
  subsidiaryIds: [FR, MA],
});
const bucharest = site({ timeZone: 'Europe/Bucharest' });
const SITES = [paris, casablanca, bucharest];

// Sunday 22 November 2026, 23:00 in Paris: every site is closed.
const SUNDAY_NIGHT = new Date('2026-11-22T22:00:00Z');
const work = { subsidiaryId: FR, language: 'fr', tier: 'level1' };

describe('firstOpening', () => {
  it('is the first opening among the sites that serve the subsidiary, speak the language and work the tier', () => {
    // Bucharest opens at 08:00 its time (06:00 UTC), an hour before Casablanca; Paris works level 2 only.
    expect(firstOpening(SITES, work, SUNDAY_NIGHT)).toEqual(new Date('2026-11-23T06:00:00Z'));
    // Level 2: Paris at 08:00 Paris time (07:00 UTC), Casablanca at the same instant.
    expect(firstOpening(SITES, { ...work, tier: 'level2' }, SUNDAY_NIGHT)).toEqual(
      new Date('2026-11-23T07:00:00Z'),
    );
    // Arabic for Morocco: only Casablanca speaks it.
    expect(firstOpening(SITES, { subsidiaryId: MA, language: 'ar', tier: 'level1' }, SUNDAY_NIGHT)).toEqual(
      new Date('2026-11-23T07:00:00Z'),
    );
  });

  it('reads a regional tag as its language', () => {
    expect(firstOpening(SITES, { ...work, language: 'fr-FR' }, SUNDAY_NIGHT)).toEqual(
      new Date('2026-11-23T06:00:00Z'),
    );
  });

  it('announces nothing when such a site is open now, or none exists', () => {
    expect(firstOpening(SITES, work, new Date('2026-11-23T10:00:00Z'))).toBeNull();
    expect(firstOpening(SITES, { ...work, language: 'wo' }, SUNDAY_NIGHT)).toBeNull();
    expect(firstOpening(SITES, { ...work, tier: 'back_office' }, SUNDAY_NIGHT)).toBeNull();
    expect(firstOpening([], work, SUNDAY_NIGHT)).toBeNull();
  });

  it('announces nothing when a site takes the subsidiary’s work around the clock', () => {
    const allNight = site({ timeZone: 'Africa/Dakar', alwaysOpenFor: [FR] });
    expect(firstOpening([...SITES, allNight], work, SUNDAY_NIGHT)).toBeNull();
    // Around the clock for another subsidiary only: it still opens at its hours for France.
    const forMorocco = site({ timeZone: 'Africa/Dakar', subsidiaryIds: [FR, MA], alwaysOpenFor: [MA] });
    expect(firstOpening([forMorocco], work, SUNDAY_NIGHT)).toEqual(new Date('2026-11-23T08:00:00Z'));
  });

  it('follows a shift past midnight: open in its small hours, next opening at its evening start', () => {
    const nights = site({
      timeZone: 'Europe/Paris',
      calendar: { weekly: { mon: [{ start: '20:00', end: '04:00' }] }, holidays: [], exceptions: [] },
    });
    // Monday 19:00 Paris: opens at 20:00.
    expect(firstOpening([nights], work, new Date('2026-11-23T18:00:00Z'))).toEqual(
      new Date('2026-11-23T19:00:00Z'),
    );
    // Tuesday 03:00 Paris: Monday's shift still runs.
    expect(firstOpening([nights], work, new Date('2026-11-24T02:00:00Z'))).toBeNull();
    // Tuesday 05:00 Paris: next Monday, 20:00.
    expect(firstOpening([nights], work, new Date('2026-11-24T04:00:00Z'))).toEqual(
      new Date('2026-11-30T19:00:00Z'),
    );
  });

  it('skips holidays and takes exceptions', () => {
    const holiday = (s: NoticeSite): NoticeSite => ({
      ...s,
      calendar: { ...officeHours, holidays: [{ date: '2026-11-23', name: 'Fête locale' }] },
    });
    // Monday is a holiday at both level-1 sites: Tuesday, Bucharest first.
    expect(firstOpening([holiday(casablanca), holiday(bucharest)], work, SUNDAY_NIGHT)).toEqual(
      new Date('2026-11-24T06:00:00Z'),
    );
    // An exception opens Bucharest on the Monday at 10:00 its time only.
    const late: NoticeSite = {
      ...bucharest,
      calendar: {
        ...officeHours,
        holidays: [{ date: '2026-11-23', name: 'Fête locale' }],
        exceptions: [{ date: '2026-11-23', intervals: [{ start: '10:00', end: '14:00' }] }],
      },
    };
    expect(firstOpening([late], work, SUNDAY_NIGHT)).toEqual(new Date('2026-11-23T08:00:00Z'));
  });
});

describe('the notice text', () => {
  const opensAt = new Date('2026-11-23T06:00:00Z');

  it('says in French when the team opens, in the customer’s time zone', () => {
    const notice = closedNoticeText('fr', opensAt, 'Europe/Paris');
    expect(notice.language).toBe('fr');
    expect(notice.text).toContain('Notre service client est fermé pour le moment.');
    expect(notice.text).toContain('Il rouvre le lundi 23 novembre à 07:00 (heure d’Europe centrale)');
    expect(notice.text).toContain('Ce message est envoyé automatiquement');
    // The same instant for a customer in Dakar.
    expect(formatOpening(opensAt, 'Africa/Dakar', 'fr')).toBe(
      'lundi 23 novembre à 06:00 (heure moyenne de Greenwich)',
    );
  });

  it('writes Arabic, Chinese and the other catalogs’ languages with their own dates', () => {
    const ar = closedNoticeText('ar', opensAt, 'Africa/Casablanca');
    expect(ar.text).toContain('خدمة العملاء لدينا مغلقة حاليًا.');
    expect(ar.text).toContain('نستأنف العمل يوم الاثنين، 23 نوفمبر في 07:00 ص (توقيت المغرب)');
    expect(closedNoticeText('zh-CN', opensAt, 'Asia/Shanghai')).toMatchObject({
      language: 'zh-Hans',
      text: expect.stringContaining('将于11月23日星期一 14:00（中国标准时间）恢复'),
    });
    expect(closedNoticeText('ro', opensAt, 'Europe/Bucharest').text).toContain(
      'Redeschidem luni, 23 noiembrie la 08:00 (Ora Europei de Est)',
    );
    expect(closedNoticeText('en', opensAt, 'Europe/London').text).toContain(
      'It opens again on Monday, November 23 at 06:00 AM',
    );
  });

  it('falls back: Wolof and Malagasy to French, a regional tag to its language, the rest to English', () => {
    expect(noticeLanguage('wo')).toBe('fr');
    expect(noticeLanguage('mg')).toBe('fr');
    expect(noticeLanguage('fr-FR')).toBe('fr');
    expect(noticeLanguage('pt-BR')).toBe('pt');
    expect(noticeLanguage('zh')).toBe('zh-Hans');
    expect(noticeLanguage('de')).toBe('en');
    expect(closedNoticeText('wo', opensAt, 'Africa/Dakar').text).toContain('lundi 23 novembre à 06:00');
  });
});

describe('the catalogs', () => {
  const reference = NOTICE_CATALOGS.en.closedNotice;
  const placeholders = (text: string) => [...text.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();

  for (const [language, catalog] of Object.entries(NOTICE_CATALOGS)) {
    it(`${language} has every key, none empty, with the same placeholders`, () => {
      const texts: Record<string, string> = catalog.closedNotice;
      expect(Object.keys(texts).sort()).toEqual(Object.keys(reference).sort());
      for (const [key, english] of Object.entries(reference)) {
        expect(texts[key]?.trim(), `${language}: closedNotice.${key}`).toBeTruthy();
        expect(placeholders(texts[key] ?? ''), `${language}: closedNotice.${key}`).toEqual(
          placeholders(english),
        );
      }
    });
  }

  it('every catalog in the folder is loaded', () => {
    const files = readdirSync(new URL('./locales/', import.meta.url)).map((f) => f.replace(/\.json$/, ''));
    expect(files.sort()).toEqual(Object.keys(NOTICE_CATALOGS).sort());
  });
});
