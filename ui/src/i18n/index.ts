// Every string the UI shows, one dictionary per language (vi.ts, en.ts).
// Vietnamese is the default; `Messages` is the Vietnamese dictionary's type,
// which the English one must match key for key.

import { en } from "./en";
import { vi, type Messages } from "./vi";

export type { Messages };

export type Lang = "vi" | "en";

export const messages: Record<Lang, Messages> = { vi, en };
