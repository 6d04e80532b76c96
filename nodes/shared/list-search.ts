/** The search text of a resource locator's list: every word must appear, in any case. */
export function searchWords(filter: string | undefined): { matches(text: string): boolean } {
  const words = (filter ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return { matches: (text) => words.every((w) => text.toLowerCase().includes(w)) };
}
