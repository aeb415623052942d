// Errors and form problems as the officer reads them, in the language the UI
// is set to. The shell sends a code and named params (CommandError, FieldProblem);
// the words are the dictionary's (i18n/), whose templates come from Rust's label
// table (bindings/labels.ts), so the CLI and the window say the same thing.

import type { CommandError } from "./bindings/CommandError";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { FieldProblem } from "./bindings/FieldProblem";
import type { Messages } from "./i18n";
import { labelKey } from "./registration";
import { oneOf } from "./status";
import { t } from "./settings.svelte";

export type Params = CommandError["params"];

/**
 * A check the window makes itself before asking the shell (a date typed
 * wrong, two passwords that differ). It is worded when shown, so it follows a
 * change of language like the shell's errors do.
 */
export type LocalError = { code: Extract<ErrorCode, "invalid_input">; word: (m: Messages) => string };

/** What an error banner shows: the shell's refusal or the window's own check. */
export type ShownError = CommandError | LocalError;

export function localError(word: (m: Messages) => string): LocalError {
  return { code: "invalid_input", word };
}

/**
 * The codes with which the shell refuses a command for want of an open
 * session: locked, none, older than its 12 hours, or waiting for the
 * officer to replace a password a supervisor set.
 */
const SESSION_CODES = [
  "locked",
  "not_signed_in",
  "session_expired",
  "password_change_required",
] as const satisfies readonly ErrorCode[];
export type SessionCode = (typeof SESSION_CODES)[number];

export function sessionCode(code: ErrorCode): SessionCode | null {
  return oneOf(SESSION_CODES, code);
}

/** `template` with each `{name}` replaced by the param `name`; an unknown name stays as written. */
export function fill(template: string, params: Params): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/** `value` as a key of `table`, if it is one. */
function keyOf<T extends object>(table: T, value: string | null | undefined): (keyof T & string) | null {
  return typeof value === "string" && Object.hasOwn(table, value) ? (value as keyof T & string) : null;
}

/**
 * The param `name` worded, when it carries a code of `table`: `{ [name]: word }`
 * to spread over the params (`style` shapes the word); nothing otherwise.
 */
function wordedParam(
  params: Params,
  name: string,
  table: Readonly<Record<string, string>>,
  style: (word: string) => string = (word) => word,
): Params {
  const key = keyOf(table, params[name]);
  const word = key === null ? undefined : table[key];
  return word === undefined ? {} : { [name]: style(word) };
}

/** Params that carry a code, worded: a paper, an event kind (lower case inside a sentence), a refused action. */
function worded(params: Params, m: Messages): Params {
  return {
    ...params,
    ...wordedParam(params, "document", m.print.documents),
    ...wordedParam(params, "kind", m.kind, (kind) => kind.toLowerCase()),
    ...wordedParam(params, "action", m.forbiddenAction),
  };
}

/**
 * An audit problem worded from `problem_kind` and its `seq`, `action` (an act's
 * code, worded), `entity`, `detail`: a refused backup's and the audit panel's.
 * Empty without a known kind.
 */
export function auditProblemText(params: Params, m: Messages = t()): string {
  const kind = keyOf(m.auditProblemKind, params.problem_kind);
  if (kind === null) return "";
  return fill(m.auditProblemKind[kind], { ...params, ...wordedParam(params, "action", m.auditAction) });
}

/** The shell's error in the current language, from its code and params. */
export function errorText(error: CommandError, m: Messages = t()): string {
  const params = worded(error.params, m);
  switch (error.code) {
    case "invalid_input":
      return fill(m.errors.invalid_input, {
        ...params,
        ...wordedParam(params, "field", m.inputField),
        ...wordedParam(params, "reason", m.inputReason, (reason) => fill(reason, params)),
      });
    case "invalid_file": {
      // A backup's audit problem is worded in this language too.
      const reasonParams = { ...params, problem: auditProblemText(error.params, m) };
      return fill(m.errors.invalid_file, {
        ...params,
        ...wordedParam(params, "reason", m.fileRefusal, (reason) => fill(reason, reasonParams)),
      });
    }
    case "illegal_transition":
      return fill(m.errors.illegal_transition, {
        ...params,
        ...wordedParam(params, "from", m.status),
        ...wordedParam(params, "to", m.status),
      });
    case "invalid_registration":
    case "invalid_form":
      // As the shell's own message: every problem, not just how many.
      if (error.problems.length > 0) return error.problems.map((problem) => problemText(problem, m)).join("; ");
      return fill(m.errors[error.code], params);
    default:
      return fill(m.errors[error.code], params);
  }
}

/**
 * `text` as a sentence begins: its first letter a capital. The label table's
 * words are lower case so they can sit inside a sentence ("ngày hẹn: …"); shown
 * alone they start a sentence of their own.
 */
export function sentence(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

/**
 * A banner's text: the shell's error worded from its code, or the window's
 * own check, as one sentence (the code stays out of it: the banner carries it
 * as `data-code`).
 */
export function shownText(error: ShownError, m: Messages = t()): string {
  return sentence("word" in error ? error.word(m) : errorText(error, m));
}

/** A registration form field by its path ("mother.full_name"), as a problem names it. */
export function problemField(path: string, m: Messages = t()): string {
  const dot = path.indexOf(".");
  const group = dot < 0 ? null : path.slice(0, dot);
  if (group === "change_reasons") return m.registration.changeReasonOf(problemField(path.slice(dot + 1), m));
  const label = m.registration.fields[labelKey(path)] ?? labelKey(path);
  const owner = keyOf(m.registration.fieldOf, group);
  return owner ? m.registration.fieldOf[owner](label) : m.registration.ownField(label);
}

/** The rule a form problem breaks, as a sentence: what shows under the field, whose label names it already. */
export function ruleText(problem: FieldProblem, m: Messages = t()): string {
  return sentence(fill(m.problemRule[problem.rule], worded(problem.params, m)));
}

/** A form problem away from its field (a summary, a banner): the field's name, then the rule it breaks. */
export function problemText(problem: FieldProblem, m: Messages = t()): string {
  return sentence(`${problemField(problem.field, m)}: ${fill(m.problemRule[problem.rule], worded(problem.params, m))}`);
}

