// Typed calls to the desktop shell's commands (src-tauri/src/commands.rs).
// Every failure arrives as a CommandError {code, message}; the message is Vietnamese.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

import type { CaseDetail } from "./bindings/CaseDetail";
import type { CaseFilter } from "./bindings/CaseFilter";
import type { CasePage } from "./bindings/CasePage";
import type { CommandError } from "./bindings/CommandError";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportSummary } from "./bindings/ImportSummary";
import type { Office } from "./bindings/Office";
import type { QuarantineEntry } from "./bindings/QuarantineEntry";
import type { TrustImportSummary } from "./bindings/TrustImportSummary";

export type { CommandError };

function isCommandError(value: unknown): value is CommandError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Record<string, unknown>).code === "string" &&
    typeof (value as Record<string, unknown>).message === "string"
  );
}

/** Any rejection as a CommandError (the IPC layer itself may reject with a string). */
export function asCommandError(error: unknown): CommandError {
  if (isCommandError(error)) return error;
  return { code: "internal", message: String(error) };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw asCommandError(error);
  }
}

export const api = {
  startup: () => call<null>("startup"),
  office: () => call<Office | null>("office"),
  listCases: (filter: CaseFilter) => call<CasePage>("list_cases", { filter }),
  caseDetail: (id: string) => call<CaseDetail>("case_detail", { id }),
  quarantine: () => call<QuarantineEntry[]>("quarantine"),
  importNotifications: (path: string) => call<ImportSummary>("import_notifications", { path }),
  importTrustList: (path: string) => call<TrustImportSummary>("import_trust_list", { path }),
  onImportProgress: (handler: (progress: ImportProgress) => void): Promise<UnlistenFn> =>
    listen<ImportProgress>("import-progress", (event) => handler(event.payload)),
};
