import { type DependencyList, useCallback, useEffect, useState } from 'react';

export interface Loading<T> {
  data: T | undefined;
  error: unknown;
  reload: () => void;
}

/** Data a page reads when it opens (and again on `reload`); a late answer for an old request is dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loading<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the load depends on
  const run = useCallback(load, deps);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new round is what reload asks for
  useEffect(() => {
    let current = true;
    setError(null);
    run().then(
      (value) => {
        if (current) setData(value);
      },
      (e: unknown) => {
        if (current) {
          setData(undefined);
          setError(e);
        }
      },
    );
    return () => {
      current = false;
    };
  }, [run, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data, error, reload };
}
