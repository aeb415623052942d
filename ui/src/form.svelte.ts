// A form (or a button) that sends one command: its busy flag and the error
// it shows, kept the same way by the sign-in, unlock, change-password,
// add-officer and print forms.

import { asCommandError, type CommandError } from "./api";
import type { ShownError } from "./errors";

export interface Submission {
  /** The window's own check before asking the shell (e.g. two passwords that differ). */
  check?: () => ShownError | null;
  /** The command and what follows its success. */
  act: () => Promise<void>;
  /** What follows a refusal, after the error is shown. */
  failed?: (error: CommandError) => void;
  /** Runs after the command either way, e.g. to clear typed passwords. */
  settle?: () => void;
}

export class FormState {
  busy = $state(false);
  error = $state<ShownError | null>(null);

  /** A form's submit event: the page stays, and the submission runs. */
  submit(event: SubmitEvent, submission: Submission): Promise<void> {
    event.preventDefault();
    return this.run(submission);
  }

  /** Runs a submission unless one is under way; a second press meanwhile is ignored. */
  async run({ check, act, failed, settle }: Submission): Promise<void> {
    if (this.busy) return;
    const problem = check?.() ?? null;
    if (problem) {
      this.error = problem;
      return;
    }
    this.busy = true;
    this.error = null;
    try {
      await act();
    } catch (e) {
      const error = asCommandError(e);
      this.error = error;
      failed?.(error);
    } finally {
      settle?.();
      this.busy = false;
    }
  }
}
