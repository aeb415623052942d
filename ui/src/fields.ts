// The notification's fields as label/value pairs for the case view, in the
// order of the official tables; the labels come from the dictionaries (i18n/).

import type { BirthCertificate } from "./bindings/BirthCertificate";
import type { DeathNotice } from "./bindings/DeathNotice";
import type { Sex } from "./bindings/Sex";
import { formatDate, formatLocalDateTime } from "./format";
import type { Messages } from "./i18n";
import { oneOf } from "./status";

export type Field = { key: string; label: string; value: string };

const DATES = new Set([
  "mother_birth_date",
  "mother_id_issue_date",
  "certificate_issue_date",
  "birth_date",
  "id_issue_date",
  "notice_issue_date",
]);
const TIMES = new Set(["birth_time", "admission_time", "death_time"]);
const SEXES = new Set(["child_sex", "sex"]);
const SEX_VALUES = ["male", "female", "undetermined"] as const satisfies readonly Sex[];

function show(key: string, value: unknown, m: Messages): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? m.yes : m.no;
  if (typeof value === "number") return value.toLocaleString(m.locale);
  const text = String(value);
  if (DATES.has(key)) return formatDate(text);
  if (TIMES.has(key)) return formatLocalDateTime(text);
  if (SEXES.has(key)) {
    const sex = oneOf(SEX_VALUES, text);
    return sex ? m.sex[sex] : text;
  }
  const nationality = m.nationalities[text];
  if (key === "nationality_code" && nationality) return `${text} — ${nationality}`;
  return text;
}

function fields<T extends object>(record: T, labels: Record<keyof T & string, string>, m: Messages): Field[] {
  return (Object.keys(labels) as (keyof T & string)[]).map((key) => ({
    key,
    label: labels[key],
    value: show(key, record[key], m),
  }));
}

export function birthFields(birth: BirthCertificate, m: Messages): Field[] {
  return fields(birth, m.birth, m);
}

export function deathFields(death: DeathNotice, m: Messages): Field[] {
  return fields(death, m.death, m);
}
