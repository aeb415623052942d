// The notification's fields as label/value pairs for the case view, in the
// order of the official tables; the labels come from the dictionaries (i18n/).
// Coded fields (ethnicity, nationality, ID type, province, commune) show the
// name Rust decoded for them (`CaseDetail.code_names`): "Kinh (01)".

import type { BirthCertificate } from "./bindings/BirthCertificate";
import type { CodeName } from "./bindings/CodeName";
import type { DeathNotice } from "./bindings/DeathNotice";
import type { Sex } from "./bindings/Sex";
import { formatDate, formatLocalDateTime } from "./format";
import type { Messages } from "./i18n";
import { oneOf } from "./status";

export type Field = { key: string; label: string; value: string };

/** The decoded codes of a case, by field name. */
export type CodeNames = { [field in string]?: CodeName };

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
// Districts were abolished on 1 July 2025: a row only when a facility still sends one.
const DISTRICTS = new Set(["residence_district_code", "permanent_district_code", "current_district_code"]);

/** "Kinh (01)", or the code and that the reference lists lack it. */
export function showCode(code: CodeName, m: Messages): string {
  return code.name ? `${code.name} (${code.code})` : `${code.code} ${m.detail.codeNotListed}`;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === "";
}

function show(key: string, value: unknown, m: Messages, names: CodeNames): string {
  const decoded = names[key];
  if (decoded) return showCode(decoded, m);
  if (isEmpty(value)) return "—";
  if (typeof value === "boolean") return value ? m.yes : m.no;
  if (typeof value === "number") return value.toLocaleString(m.locale);
  const text = String(value);
  if (DATES.has(key)) return formatDate(text);
  if (TIMES.has(key)) return formatLocalDateTime(text);
  if (SEXES.has(key)) {
    const sex = oneOf(SEX_VALUES, text);
    return sex ? m.sex[sex] : text;
  }
  return text;
}

function fields<T extends object>(
  record: T,
  labels: Record<keyof T & string, string>,
  names: CodeNames,
  m: Messages,
): Field[] {
  return (Object.keys(labels) as (keyof T & string)[])
    .filter((key) => !(DISTRICTS.has(key) && isEmpty(record[key])))
    .map((key) => ({ key, label: labels[key], value: show(key, record[key], m, names) }));
}

export function birthFields(birth: BirthCertificate, names: CodeNames, m: Messages): Field[] {
  return fields(birth, m.birth, names, m);
}

export function deathFields(death: DeathNotice, names: CodeNames, m: Messages): Field[] {
  return fields(death, m.death, names, m);
}
