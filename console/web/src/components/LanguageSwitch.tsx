import { useI18n } from '../i18n/i18n.js';
import { languages, type Language } from '../i18n/translate.js';

export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <label className="language-switch">
      <span className="visually-hidden">{t('lang.label')}</span>
      <select aria-label={t('lang.label')} value={language} onChange={(event) => setLanguage(event.target.value as Language)}>
        {languages.map((option) => (
          <option key={option.code} value={option.code} lang={option.code === 'zh' ? 'zh-CN' : 'en'}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}
