// Dates as Vietnamese offices write them: dd/mm/yyyy, times HH:MM dd/mm/yyyy.

import { OFFICE_UTC_OFFSET_SECONDS } from "./bindings/labels";

const pad = (n: number): string => String(n).padStart(2, "0");

/** `yyyy-mm-dd`, `yyyy-mm` or `yyyy` (a partial date) -> `dd/mm/yyyy`, `mm/yyyy`, `yyyy`. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const [year, month, day] = iso.slice(0, 10).split("-");
  return [day, month, year].filter((part) => part !== undefined).join("/");
}

/** A local date-time without zone (`yyyy-mm-ddTHH:MM[:SS]`) -> `HH:MM dd/mm/yyyy`. */
export function formatLocalDateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const time = iso.slice(11, 16);
  return `${time} ${formatDate(iso.slice(0, 10))}`;
}

/** An instant (RFC 3339 with zone) -> `HH:MM dd/mm/yyyy` in the computer's time zone. */
export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad(d.getHours())}:${pad(d.getMinutes())} ${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
}

/** Today in the office (Vietnam, UTC+7), whatever the PC's time zone, as the core counts days. */
function officeNow(): Date {
  return new Date(Date.now() + OFFICE_UTC_OFFSET_SECONDS * 1000);
}

/** The office's date as typed in forms: `dd/mm/yyyy`. */
export function todayText(): string {
  const d = officeNow();
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

/** The office's current year. */
export function officeYear(): number {
  return officeNow().getUTCFullYear();
}

/** Accent-insensitive key, as the core folds names: NFD, no marks, đ -> d, lower case. */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase();
}

/** `d/m/yyyy` (also with `-` or `.`) -> `yyyy-mm-dd`; null if not a real day. Empty -> "". */
export function parseDate(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === "") return "";
  const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(trimmed);
  if (!match) return null;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** The UI language's locale for numbers: `vi-VN` writes 50,0%, `en-GB` 50.0%. */
export function numberLocale(lang: string): string {
  return lang === "vi" ? "vi-VN" : "en-GB";
}

/** A share (0.5) as a percentage with one decimal in the UI language: "50,0%" in Vietnamese. */
export function formatPercent(share: number, lang: string): string {
  // Vietnamese offices write the sign right after the number: drop the (narrow) space ICU puts before it.
  return new Intl.NumberFormat(numberLocale(lang), {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  })
    .format(share)
    .replace(/[\s\u00a0\u202f]%/u, "%");
}

/**
 * A report figure as the core writes it ("50,0%" or a count) for the screen: a
 * percentage in the UI language's number format, anything else unchanged.
 */
export function formatFigure(text: string, lang: string): string {
  const number = /^(-?\d+(?:,\d+)?)%$/.exec(text)?.[1];
  return number === undefined ? text : formatPercent(Number(number.replace(",", ".")) / 100, lang);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A certificate's or CRL's time as OpenSSL writes it (`Nov  1 00:00:00 2026 GMT`) -> `dd/mm/yyyy`; else unchanged. */
export function formatCertificateDay(text: string | null | undefined): string {
  if (!text) return "";
  const match = /^(\w{3})\s+(\d{1,2}) \d\d:\d\d:\d\d (\d{4}) GMT$/.exec(text.trim());
  const month = match ? MONTHS.indexOf(match[1] ?? "") : -1;
  if (!match || month < 0) return text;
  return `${pad(Number(match[2]))}/${pad(month + 1)}/${match[3]}`;
}
