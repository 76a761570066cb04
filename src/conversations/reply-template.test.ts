import { describe, expect, it } from 'vitest';
import { fillReply, localTime, unknownVariables, variablesIn } from './reply-template.ts';
import { snoozeProblem } from './snooze.ts';

const spaced = (text: string): string => text.replace(/\s/g, ' ');

describe('saved reply variables', () => {
  it('finds the variables a body names, once each, spaces inside the braces allowed', () => {
    expect(variablesIn('Bonjour {{customer.name}}, {{ order }} et {{customer.name}}')).toEqual([
      'customer.name',
      'order',
    ]);
    expect(variablesIn('No variable, just {braces} and {{ unclosed')).toEqual([]);
  });

  it('names the variables that do not exist', () => {
    expect(unknownVariables('{{customer.name}} {{agent.name}} {{customer.localTime}} {{order}}')).toEqual([]);
    expect(unknownVariables('{{customer.email}} {{Order}} {{}}')).toEqual(['customer.email', 'Order', '']);
  });

  it('fills in the values given and lists the others, left as {{name}}', () => {
    const filled = fillReply('Bonjour {{ customer.name }}, commande {{order}} ({{order}}), {{agent.name}}', {
      'customer.name': 'Camille Martin',
      'agent.name': 'Inès',
    });
    expect(filled).toEqual({
      text: 'Bonjour Camille Martin, commande {{order}} ({{order}}), Inès',
      missing: ['order'],
    });
  });

  it('fills in one pass: a value that looks like a variable stays as it is', () => {
    const filled = fillReply('{{customer.name}} / {{order}}', { 'customer.name': '{{order}}', order: 'A-1' });
    expect(filled).toEqual({ text: '{{order}} / A-1', missing: [] });
  });

  it('counts an empty value as missing', () => {
    expect(fillReply('N° {{order}}', { order: '' })).toEqual({ text: 'N° {{order}}', missing: ['order'] });
  });
});

describe("the customer's local time", () => {
  const at = new Date('2026-03-03T13:05:00Z');

  it('is the weekday and time on their clock, in the language of the reply', () => {
    expect(localTime(at, 'Europe/Paris', 'fr')).toBe('mardi 14:05');
    expect(spaced(localTime(at, 'America/New_York', 'en'))).toBe('Tuesday 8:05 AM');
    expect(localTime(at, 'Indian/Antananarivo', 'mg')).toBe('Talata 16:05');
    expect(localTime(at, 'Africa/Cairo', 'ar')).toContain('الثلاثاء');
  });

  it('falls back to UTC for a time zone Intl does not know', () => {
    expect(localTime(at, 'Mars/Olympus_Mons', 'fr')).toBe('mardi 13:05');
  });
});

describe('the end of a snooze', () => {
  const now = new Date('2026-03-03T13:05:00Z');
  const later = (ms: number) => new Date(now.getTime() + ms);

  it('is in the future, at most 90 days ahead', () => {
    expect(snoozeProblem(later(60_000), now)).toBeUndefined();
    expect(snoozeProblem(later(90 * 86_400_000), now)).toBeUndefined();
    expect(snoozeProblem(now, now)).toBe('must be in the future');
    expect(snoozeProblem(later(-1), now)).toBe('must be in the future');
    expect(snoozeProblem(later(90 * 86_400_000 + 1), now)).toBe('must be at most 90 days ahead');
  });
});
