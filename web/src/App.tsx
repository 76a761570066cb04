import { useCallback, useEffect, useState } from 'react';
import { api, type Me } from './api.ts';
import { SignIn } from './pages/SignIn.tsx';
import { Workspace } from './pages/Workspace.tsx';

/** Signed in or not: the session cookie decides, read once through /api/auth/me. */
export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const refresh = useCallback(async () => {
    try {
      setMe(await api<Me>('GET', '/api/auth/me'));
    } catch {
      setMe(null);
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  if (me === undefined) return null;
  if (me === null) return <SignIn onSignedIn={setMe} />;
  return <Workspace me={me} onSignedOut={() => setMe(null)} />;
}
