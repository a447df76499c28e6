// Page-to-page plumbing without import cycles: pages ask for a re-render or a new location.
let rerenderImpl: () => void = () => undefined;
export function setRerender(fn: () => void): void { rerenderImpl = fn; }
/** Draw the current page again (after a change made on it). */
export function rerender(): void { rerenderImpl(); }
/** Go to a page of the app ("#/cart"); the same hash draws it again. */
export function go(hash: string): void {
  if (location.hash === hash) rerenderImpl();
  else location.hash = hash;
}
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
