// The registration form's fields, grouped as on the paper declaration, and
// how each is shown in and read back from a text box. Field paths are the
// core's ("mother.full_name", "requester.relationship"), so the problems and
// differences the core reports land next to their field.

import type { IdDocumentType } from "./bindings/IdDocumentType";
import type { RegistrationForm } from "./bindings/RegistrationForm";
import type { Relationship } from "./bindings/Relationship";
import type { Sex } from "./bindings/Sex";
import { formatDate, parseDate } from "./format";

export type InputKind =
  | "text"
  | "date"
  | "partialDate"
  | "year"
  | "sex"
  | "ethnicity"
  | "time"
  | "idType"
  | "relationship";
/** `shown`: a field that only applies to some answers of another (the relationship in words). */
export type FieldSpec = { path: string; kind: InputKind; wide?: boolean; shown?: (form: RegistrationForm) => boolean };
export type GroupKey = "child" | "mother" | "father" | "deceased" | "death" | "notice" | "requester";
export type FieldGroup = { key: GroupKey; fields: FieldSpec[] };

const text = (path: string, wide = false): FieldSpec => ({ path, kind: "text", wide });

function parent(who: "mother" | "father"): FieldSpec[] {
  return [
    text(`${who}.full_name`),
    { path: `${who}.birth_year`, kind: "year" },
    { path: `${who}.ethnicity`, kind: "ethnicity" },
    text(`${who}.nationality`),
    text(`${who}.residence`, true),
  ];
}

const REQUESTER: FieldGroup = {
  key: "requester",
  fields: [
    text("requester.full_name"),
    { path: "requester.id_type", kind: "idType" },
    text("requester.id_number"),
    { path: "requester.relationship", kind: "relationship" },
    {
      path: "requester.relationship_other",
      kind: "text",
      // An older draft's words that matched no choice stay visible until the officer chooses.
      shown: (form) => form.requester.relationship === "other" || form.requester.relationship_other !== "",
    },
    text("requester.residence", true),
  ],
};

export const BIRTH_GROUPS: FieldGroup[] = [
  {
    key: "child",
    fields: [
      text("child_name"),
      { path: "sex", kind: "sex" },
      { path: "birth_date", kind: "date" },
      text("birth_place", true),
      text("native_place", true),
      { path: "ethnicity", kind: "ethnicity" },
      text("nationality"),
      text("personal_id"),
    ],
  },
  { key: "mother", fields: parent("mother") },
  { key: "father", fields: parent("father") },
  REQUESTER,
];

export const DEATH_GROUPS: FieldGroup[] = [
  {
    key: "deceased",
    fields: [
      text("full_name"),
      { path: "birth_date", kind: "partialDate" },
      { path: "sex", kind: "sex" },
      { path: "ethnicity", kind: "ethnicity" },
      text("nationality"),
      text("last_residence", true),
      text("id_document"),
      text("personal_id"),
    ],
  },
  {
    key: "death",
    fields: [
      { path: "death_date", kind: "date" },
      { path: "death_time", kind: "time" },
      text("death_place", true),
      text("cause", true),
    ],
  },
  {
    key: "notice",
    fields: [text("notice_number"), text("notice_issuer"), { path: "notice_date", kind: "date" }, text("replacing_document", true)],
  },
  REQUESTER,
];

export function groupsOf(form: RegistrationForm): FieldGroup[] {
  return form.type === "birth" ? BIRTH_GROUPS : DEATH_GROUPS;
}

/** The object a path's last segment is read from and written to. */
function holder(form: RegistrationForm, path: string): [Record<string, unknown>, string] | null {
  const facts = (form.birth ?? form.death) as Record<string, unknown> | null;
  const dot = path.indexOf(".");
  if (dot < 0) return facts ? [facts, path] : null;
  const [group, field] = [path.slice(0, dot), path.slice(dot + 1)];
  if (group === "requester") return [form.requester as unknown as Record<string, unknown>, field];
  const inner = facts?.[group];
  return inner && typeof inner === "object" ? [inner as Record<string, unknown>, field] : null;
}

export function getValue(form: RegistrationForm, path: string): unknown {
  const found = holder(form, path);
  return found ? found[0][found[1]] : undefined;
}

function setValue(form: RegistrationForm, path: string, value: unknown): void {
  const found = holder(form, path);
  if (found) found[0][found[1]] = value;
}

/** What the text box shows for a stored value. */
export function display(kind: InputKind, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (kind === "date" || kind === "partialDate") return formatDate(String(value));
  return String(value);
}

export const SEXES: readonly Sex[] = ["male", "female", "undetermined"];
export const ID_TYPES: readonly IdDocumentType[] = ["cccd", "passport", "other"];
export const RELATIONSHIPS: readonly Relationship[] = [
  "mother",
  "father",
  "wife",
  "husband",
  "child",
  "sibling",
  "grandchild",
  "grandparent",
  "other",
];

/** A field the officer fills: one that always applies, or one whose condition holds. */
export function isShown(form: RegistrationForm, spec: FieldSpec): boolean {
  return spec.shown ? spec.shown(form) : true;
}

/** `yyyy`, `m/yyyy` or `d/m/yyyy` -> `yyyy`, `yyyy-mm`, `yyyy-mm-dd`; null if none of them. */
function parsePartialDate(entered: string): string | null {
  const trimmed = entered.trim();
  if (/^\d{4}$/.test(trimmed)) return trimmed;
  const monthYear = /^(\d{1,2})[/.-](\d{4})$/.exec(trimmed);
  if (monthYear) {
    const month = Number(monthYear[1]);
    return month >= 1 && month <= 12 ? `${monthYear[2]}-${String(month).padStart(2, "0")}` : null;
  }
  const day = parseDate(trimmed);
  return day === "" ? null : day;
}

export type ParseError = "badDate" | "badPartialDate" | "badYear";

/**
 * Writes what was typed into the form. Returns why it could not be read, in
 * which case the form keeps its previous value and the text box its text.
 */
export function enter(form: RegistrationForm, spec: FieldSpec, entered: string): ParseError | null {
  const empty = entered.trim() === "";
  switch (spec.kind) {
    case "date": {
      const parsed = parseDate(entered);
      if (parsed === null) return "badDate";
      setValue(form, spec.path, parsed === "" ? null : parsed);
      return null;
    }
    case "partialDate": {
      if (empty) {
        setValue(form, spec.path, null);
        return null;
      }
      const parsed = parsePartialDate(entered);
      if (parsed === null) return "badPartialDate";
      setValue(form, spec.path, parsed);
      return null;
    }
    case "year": {
      if (empty) {
        setValue(form, spec.path, null);
        return null;
      }
      if (!/^\d{4}$/.test(entered.trim())) return "badYear";
      setValue(form, spec.path, Number(entered.trim()));
      return null;
    }
    case "sex":
      setValue(form, spec.path, SEXES.find((sex) => sex === entered) ?? null);
      return null;
    case "idType":
      setValue(form, spec.path, ID_TYPES.find((type) => type === entered) ?? null);
      return null;
    case "relationship":
      setValue(form, spec.path, RELATIONSHIPS.find((relationship) => relationship === entered) ?? null);
      return null;
    default:
      setValue(form, spec.path, entered);
      return null;
  }
}

/** The last segment of a path: the key of its label. */
export function labelKey(path: string): string {
  const dot = path.lastIndexOf(".");
  return dot < 0 ? path : path.slice(dot + 1);
}

/** A field's label from the language's `fields` table, by its path (the path itself when it has none). */
export function fieldLabel(fields: Record<string, string | undefined>, path: string): string {
  return fields[labelKey(path)] ?? path;
}

/** The format a field's hint shows before the first try (and keeps while typing, where a placeholder goes). */
export type FormatHint = "datePlaceholder" | "partialPlaceholder" | "timePlaceholder" | "idDigitsHint" | "passportHint";

/** The hint under a field: the date's, time's or number's shape, if it has one. */
export function formatHint(form: RegistrationForm, spec: FieldSpec): FormatHint | null {
  if (spec.kind === "date") return "datePlaceholder";
  if (spec.kind === "partialDate") return "partialPlaceholder";
  if (spec.kind === "time") return "timePlaceholder";
  if (spec.path === "personal_id") return "idDigitsHint";
  if (spec.path === "requester.id_number") {
    if (form.requester.id_type === "cccd") return "idDigitsHint";
    if (form.requester.id_type === "passport") return "passportHint";
  }
  return null;
}
