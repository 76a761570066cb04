// Reply and forward prefixes in the languages of the group's customers and their mail programs:
// RE, AW (de), SV (sv/da/no), VS, Antw (nl), TR (fr), Réf., RV (es), ENC (pt), FW/FWD/WG, رد, 回复/答复/转发.
const PREFIX =
  /^\s*(?:(?:re|aw|sv|vs|antw|tr|r[ée]f\.?|rv|enc|fw|fwd|wg|rif|odp|ynt|رد|回复|答复|转发)\s*(?:\[\d+\])?\s*[:：]\s*)+/iu;

/** The subject with its reply and forward prefixes removed, for threading by subject. */
export function normaliseSubject(subject: string | undefined): string {
  let s = (subject ?? '').normalize('NFC');
  for (let previous = ''; previous !== s; ) {
    previous = s;
    s = s.replace(PREFIX, '');
  }
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}
