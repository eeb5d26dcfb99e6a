'use client';
import { useEffect, useState } from 'react';

// Once the page has hydrated, components mounted later (an editor opened by a click) are
// interactive from their first render.
let pageHydrated = false;

/**
 * False in the server-rendered HTML and until React has hydrated. Forms stay disabled until
 * then, so nothing typed before the page is interactive can be lost.
 */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(pageHydrated);
  useEffect(() => {
    pageHydrated = true;
    setHydrated(true);
  }, []);
  return hydrated;
}
