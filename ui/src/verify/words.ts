// The page's words: the desktop's "Kiểm tra giấy tờ" entries of the one
// label table per language (ui/src/i18n), with the papers' names and the
// language switch.
import { en } from "../i18n/en";
import { vi } from "../i18n/vi";

export type Lang = "vi" | "en";

function wordsOf(messages: typeof vi) {
  return { ...messages.paperCheck, documents: messages.print.documents, lang: messages.language };
}

export const WORDS: Record<Lang, ReturnType<typeof wordsOf>> = { vi: wordsOf(vi), en: wordsOf(en) };
