// Forms as typed, kept in the database (the shell's `keep_unsaved_form`) until saved or discarded. Writes go one
// at a time, each with the newest text, so a slow write never lands after a newer one; the queue is shared by
// every registration form, so a form read back (the case opened again) waits for the last write before it.

import { api, asCommandError } from "./api";
import type { CommandError } from "./bindings/CommandError";
import type { FormMode } from "./bindings/FormMode";

let writing: Promise<void> = Promise.resolve();
let queued: { caseId: string; mode: FormMode; body: string; failed: (error: CommandError) => void } | null = null;

/** Keeps `body` (the form's JSON) as what the officer typed in the case's form; `failed` hears a refusal. */
export function keepUnsaved(caseId: string, mode: FormMode, body: string, failed: (error: CommandError) => void): void {
  const scheduled = queued !== null;
  queued = { caseId, mode, body, failed };
  if (scheduled) return;
  writing = writing.then(async () => {
    const next = queued;
    queued = null;
    if (!next) return;
    await api.keepUnsavedForm(next.caseId, next.mode, next.body).catch((e) => next.failed(asCommandError(e)));
  });
}

/** Resolves once every form kept so far is written. */
export function unsavedWritten(): Promise<void> {
  return writing;
}
