import type { CaseRow } from "./bindings/CaseRow";
import type { CaseStatus } from "./bindings/CaseStatus";
import type { EventKind } from "./bindings/EventKind";
import type { Messages } from "./i18n";

/** Every status, in lifecycle order (the order of the Rust enum). */
export const STATUSES = [
  "new",
  "in_outreach",
  "appointment",
  "registered",
  "registered_elsewhere",
  "not_registrable",
  "voided",
  "needs_review",
] as const satisfies readonly CaseStatus[];

/** Every event kind. */
export const KINDS = ["birth", "death"] as const satisfies readonly EventKind[];

/** `value` if it is one of `allowed`, else null (for data read back from storage). */
export function oneOf<T extends string>(allowed: readonly T[], value: unknown): T | null {
  return allowed.find((candidate) => candidate === value) ?? null;
}

/** Open cases still need the family to register; only they have time left. */
export function isOpen(status: CaseStatus): boolean {
  return status === "new" || status === "in_outreach" || status === "appointment" || status === "needs_review";
}

/** "12 ngày", "Quá hạn 3 ngày", or "—" for a closed case. */
export function timeLeft(row: CaseRow, m: Messages): string {
  if (!isOpen(row.status)) return "—";
  return row.days_left < 0 ? m.overdueBy(-row.days_left) : m.daysLeft(row.days_left);
}

/** An open case whose last day to register is today: shown in amber, before it turns overdue. */
export function dueToday(row: CaseRow): boolean {
  return isOpen(row.status) && row.days_left === 0;
}
