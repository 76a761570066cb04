import { francAll } from 'franc';

/** The languages Relais detects, as franc's ISO 639-3 codes to our BCP 47 tags. */
const TAGS: Record<string, string> = {
  fra: 'fr',
  eng: 'en',
  arb: 'ar',
  wol: 'wo',
  plt: 'mg',
  ron: 'ro',
  nld: 'nl',
  cmn: 'zh',
  jpn: 'ja',
  spa: 'es',
  por: 'pt',
  deu: 'de',
  ita: 'it',
};
/** Every language Relais can detect, as BCP 47 tags. */
export const DETECTABLE = Object.values(TAGS);
const CODES = Object.fromEntries(Object.entries(TAGS).map(([code, tag]) => [tag, code]));

export interface DetectedLanguage {
  language: string;
  /** 0–1: how far ahead of the runner-up the detected language is; 0 when it was not detected. */
  confidence: number;
  method: 'detected' | 'known';
}

// Below this many letters a text says too little; the customer's known language wins.
const SHORT = 40;

// Scores this close are a tie (franc scores 0–1, the best 1).
const TIE = 0.02;

const primary = (tag: string): string => tag.split('-')[0]?.toLowerCase() ?? tag;

/**
 * The language of a text among the candidates (a subsidiary's languages and the
 * customer's). A short text (an SMS, a chat line) leans on the language the customer
 * is known to write, unless the text clearly says otherwise.
 */
export function detectLanguage(
  text: string,
  options: { candidates: string[]; known?: string | undefined },
): DetectedLanguage {
  const known = options.known ? primary(options.known) : undefined;
  const only = [...new Set([...options.candidates.map(primary), ...(known ? [known] : [])])]
    .map((tag) => CODES[tag])
    .filter((code): code is string => Boolean(code));
  const letters = text.replace(/[^\p{L}]/gu, '').length;
  const ranked = only.length > 0 ? francAll(text, { only, minLength: 3 }) : [];
  const [best, second] = ranked;
  const detected = best && best[0] !== 'und' ? TAGS[best[0]] : undefined;
  const margin = best && second ? best[1] - second[1] : best ? best[1] : 0;
  if (!detected)
    return { language: known ?? primary(options.candidates[0] ?? 'en'), confidence: 0, method: 'known' };
  if (known && detected !== known && (letters < SHORT || margin < 0.1)) {
    return { language: known, confidence: 0, method: 'known' };
  }
  if (!known && margin < TIE) {
    // A tie and nothing known of the customer: the candidate listed first among the best
    // wins — callers list the subsidiary's own languages before the rest.
    const near = new Set(
      ranked.filter(([, score]) => score >= (best?.[1] ?? 0) - TIE).map(([code]) => TAGS[code]),
    );
    const preferred = options.candidates.map(primary).find((tag) => near.has(tag));
    if (preferred && preferred !== detected)
      return { language: preferred, confidence: 0, method: 'detected' };
  }
  return {
    language: detected,
    confidence: Math.round(Math.min(1, margin * 2) * 100) / 100,
    method: 'detected',
  };
}
