// What the window keeps across a lock, a reload or leaving a case: JSON in
// the browser's storage, read back through a check of every field, so an
// entry from an older version (or edited by hand) falls back to defaults
// instead of breaking the screen.

/** The stored object under `key`, read field by field by `read`; `fallback` if there is none or it is unreadable. */
export function readStored<T>(storage: Storage, key: string, read: (stored: Record<string, unknown>) => T, fallback: T): T {
  return parseStored(storage.getItem(key), read, fallback);
}

/** `raw` JSON (from the browser's storage or the database), read as {@link readStored} reads it. */
export function parseStored<T>(raw: string | null, read: (stored: Record<string, unknown>) => T, fallback: T): T {
  try {
    const value: unknown = raw ? JSON.parse(raw) : null;
    return typeof value === "object" && value !== null ? read(value as Record<string, unknown>) : fallback;
  } catch {
    return fallback;
  }
}

export function writeStored(storage: Storage, key: string, value: unknown): void {
  storage.setItem(key, JSON.stringify(value));
}

/** A stored text field, or "" if it is not text. */
export const storedText = (value: unknown): string => (typeof value === "string" ? value : "");
