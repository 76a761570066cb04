/**
 * What an anonymous chat visitor is called until someone learns their name: "Visiteur 4821",
 * "Visitor 4821", in the widget's language — not their visitor id, which means nothing to
 * an agent. The number comes from the id, so the same visitor keeps the same label.
 */

const VISITOR: Record<string, string> = {
  ar: 'زائر',
  de: 'Besucher',
  en: 'Visitor',
  es: 'Visitante',
  fr: 'Visiteur',
  it: 'Visitatore',
  mg: 'Mpitsidika',
  nl: 'Bezoeker',
  pt: 'Visitante',
  ro: 'Vizitator',
  // Wolof widgets are Senegal's, where French is the written language of customer care.
  wo: 'Visiteur',
  zh: '访客',
};

/** A four-digit number (1000–9999) drawn from the id's last hex digits. */
export function visitorNumber(visitorId: string): number {
  const hex = visitorId.replace(/[^0-9a-f]/gi, '').slice(-8);
  const value = hex.length > 0 ? Number.parseInt(hex, 16) : 0;
  return 1000 + (value % 9000);
}

/** The visitor's label in a language (by its primary subtag), in English when we have no word for it. */
export function visitorLabel(visitorId: string, language: string): string {
  const primary = language.split('-')[0]?.toLowerCase() ?? '';
  return `${VISITOR[primary] ?? VISITOR.en} ${visitorNumber(visitorId)}`;
}
