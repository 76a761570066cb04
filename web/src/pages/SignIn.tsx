import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type Me } from '../api.ts';
import { LanguagePicker } from '../LanguagePicker.tsx';

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setWorking(true);
    setError(null);
    try {
      await api<Me>('POST', '/api/auth/login', { email, password });
      onSignedIn(await api<Me>('GET', '/api/auth/me'));
    } catch (e) {
      const status = e instanceof ApiError ? e.status : 0;
      setError(
        t(status === 401 ? 'signIn.failed' : status === 429 ? 'signIn.tooMany' : 'signIn.unavailable'),
      );
    } finally {
      setWorking(false);
    }
  }

  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t('signIn.title')}</h1>
        <label className="field">
          <span>{t('signIn.email')}</span>
          <input
            type="email"
            autoComplete="username"
            dir="ltr"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('signIn.password')}</span>
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={working}>
          {working ? t('signIn.working') : t('signIn.submit')}
        </button>
        <LanguagePicker />
      </form>
    </main>
  );
}
