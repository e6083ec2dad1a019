// Keyboard shortcuts that act inside a component (App.svelte decides
// which key means what; the component that owns the action listens).

/** The window event App.svelte dispatches; its detail is a ShortcutAction. */
export const SHORTCUT_EVENT = 'docsift:shortcut';

/** What a shortcut asks for. */
export type ShortcutAction = 'add-files' | 'delete';

/** Calls fn when the shortcut action is dispatched; returns the stop function. */
export function onShortcut(action: ShortcutAction, fn: () => void): () => void {
  const listener = (e: Event) => {
    if ((e as CustomEvent).detail === action) fn();
  };
  window.addEventListener(SHORTCUT_EVENT, listener);
  return () => window.removeEventListener(SHORTCUT_EVENT, listener);
}
