import { useEffect, useState } from 'react';

/** How long "copied" stays on screen. */
const TOAST_MS = 2_400;

/**
 * Copies a link to the clipboard and says so in a toast; where the clipboard is refused (an
 * insecure page, an old browser), selects the link's field instead so the person can copy it.
 */
export function useCopyLink(fieldId: string, copiedMessage: string): { readonly toast: string | null; copy(link: string): Promise<void> } {
  const [toast, setToast] = useState<string | null>(null);
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast]);
  return {
    toast,
    async copy(link) {
      try {
        await navigator.clipboard.writeText(link);
        setToast(copiedMessage);
      } catch {
        (document.getElementById(fieldId) as HTMLInputElement | null)?.select();
        setToast('Select the link and copy it');
      }
    },
  };
}
