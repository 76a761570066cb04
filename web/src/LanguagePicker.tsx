import { useTranslation } from 'react-i18next';
import { chooseLanguage, LANGUAGES, type Language, nativeName, supported } from './i18n.ts';

/** The interface language, independent of any customer's: each language named in itself. */
export function LanguagePicker() {
  const { t, i18n } = useTranslation();
  return (
    <label className="field inline">
      <span>{t('language.label')}</span>
      <select
        value={supported(i18n.language) ?? 'en'}
        onChange={(e) => void chooseLanguage(e.target.value as Language)}
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {nativeName(l)}
          </option>
        ))}
      </select>
    </label>
  );
}
