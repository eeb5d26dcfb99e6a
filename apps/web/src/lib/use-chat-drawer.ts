'use client';
// The chat panel as a drawer: open and closed, modal on narrow screens (the page around is
// inert and Tab stays inside), Escape closes it, focus goes in and comes back to the toggle.
import { type KeyboardEvent, type RefObject, useEffect, useRef, useState, useSyncExternalStore } from 'react';

// The drawer is a modal dialog on the screens where it covers the page (globals.css).
const NARROW = '(max-width: 720px)';
function subscribeNarrow(onChange: () => void) {
  const query = window.matchMedia?.(NARROW);
  query?.addEventListener('change', onChange);
  return () => query?.removeEventListener('change', onChange);
}
const useNarrow = () =>
  useSyncExternalStore(
    subscribeNarrow,
    () => window.matchMedia?.(NARROW).matches ?? false,
    () => false,
  );

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
/** What Tab can reach inside `root` (not what a closed <details> hides). */
const tabbable = (root: HTMLElement) =>
  [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest('details:not([open]) > :not(summary)'));

/** `inputRef`: the message box, where opening the drawer puts the cursor. */
export function useChatDrawer(inputRef: RefObject<HTMLTextAreaElement | null>) {
  const [open, setOpen] = useState(false);
  const narrow = useNarrow();
  const modal = narrow && open;
  const toggleRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);

  // While the drawer covers a narrow screen it is modal: everything around it is inert (not
  // focusable, not read), up to <body>. The status region stays live to announce replies.
  useEffect(() => {
    const panel = panelRef.current;
    if (!modal || !panel) return;
    const made: Element[] = [];
    for (let node: Element = panel; node.parentElement && node !== document.body; node = node.parentElement) {
      for (const sibling of node.parentElement.children) {
        if (sibling === node || sibling.hasAttribute('inert') || sibling.hasAttribute('data-chat-status')) continue;
        sibling.setAttribute('inert', '');
        made.push(sibling);
      }
    }
    return () => made.forEach((el) => el.removeAttribute('inert'));
  }, [modal]);

  // Opening the drawer puts the cursor in the message box; closing returns to the toggle
  // (after the page around is no longer inert: effects clean up before they run again).
  const wasOpen = useRef(false);
  useEffect(() => {
    if (open && !wasOpen.current) inputRef.current?.focus();
    if (!open && wasOpen.current) toggleRef.current?.focus();
    wasOpen.current = open;
  }, [open, inputRef]);

  const close = () => setOpen(false);
  const toggle = () => setOpen((o) => !o);

  const onPanelKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) {
      event.stopPropagation();
      close();
      return;
    }
    // The modal drawer keeps Tab inside: past the last control back to the first, and back.
    if (event.key === 'Tab' && modal && panelRef.current) {
      const stops = tabbable(panelRef.current);
      const first = stops[0];
      const last = stops[stops.length - 1];
      if (!first || !last) return;
      const active = document.activeElement;
      if (event.shiftKey && (active === first || !panelRef.current.contains(active))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (active === last || !panelRef.current.contains(active))) {
        event.preventDefault();
        first.focus();
      }
    }
  };

  return { open, narrow, toggle, close, toggleRef, panelRef, onPanelKeyDown };
}
