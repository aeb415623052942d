// The UI language, persisted in localStorage; Vietnamese unless chosen otherwise.

import { messages, type Lang, type Messages } from "./i18n";

const LANG_KEY = "hotich.lang";

function storedLang(): Lang {
  return localStorage.getItem(LANG_KEY) === "en" ? "en" : "vi";
}

export const settings = $state<{ lang: Lang }>({ lang: storedLang() });

export function setLang(lang: Lang): void {
  settings.lang = lang;
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang;
}

/** The dictionary of the current language (reactive where it is read). */
export function t(): Messages {
  return messages[settings.lang];
}
