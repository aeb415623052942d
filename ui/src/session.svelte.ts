// The officer's session as the shell keeps it, and the idle lock: after
// `idle_lock_seconds` without a key, click or pointer move the session locks
// (the shell locks too and refuses commands, so nothing is read meanwhile).
// Locking covers the screen; it never unmounts it, so typed work stays.

import { api, setSessionErrorHandler } from "./api";
import type { SessionState } from "./bindings/SessionState";

export const session = $state<{ current: SessionState | null }>({ current: null });

/** When the officer last did something; signing in or unlocking counts. */
let lastActivity = Date.now();

export function setSession(state: SessionState): void {
  // The idle timer may not have ticked while the screen was locked (a busy
  // or throttled window): an unlock starts a fresh idle period, as the shell's does.
  if (state.officer && !state.locked) lastActivity = Date.now();
  session.current = state;
}

setSessionErrorHandler((code) => {
  const current = session.current;
  if (!current) return;
  switch (code) {
    case "locked":
      session.current = { ...current, locked: true };
      break;
    case "not_signed_in":
    case "session_expired":
      session.current = { ...current, officer: null, locked: false };
      break;
    case "password_change_required":
      if (current.officer) session.current = { ...current, officer: { ...current.officer, must_change_password: true } };
      break;
    default:
      code satisfies never;
  }
});

const ACTIVITY_EVENTS = ["keydown", "pointerdown", "pointermove", "wheel", "touchstart"] as const;
/** Activity is reported to the shell at most this often, and always well within the idle time. */
const TOUCH_EVERY_MS = 20_000;

/** Watches for idleness while someone is signed in; returns the function that stops watching. */
export function watchIdle(): () => void {
  lastActivity = Date.now();
  let lastTouch = Date.now();
  const idleMs = (): number => (session.current?.idle_lock_seconds ?? 300) * 1000;

  const onActivity = (): void => {
    if (!session.current?.officer || session.current.locked) return;
    lastActivity = Date.now();
    if (lastActivity - lastTouch >= Math.min(TOUCH_EVERY_MS, idleMs() / 3)) {
      lastTouch = lastActivity;
      api.touchSession().catch(() => undefined);
    }
  };
  const check = (): void => {
    const current = session.current;
    if (!current?.officer || current.locked) {
      lastActivity = Date.now();
      return;
    }
    if (Date.now() - lastActivity >= idleMs()) {
      session.current = { ...current, locked: true };
      api.lockSession().catch(() => undefined);
    }
  };
  for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onActivity, { capture: true, passive: true });
  const timer = setInterval(check, 1000);
  return () => {
    clearInterval(timer);
    for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onActivity, { capture: true });
  };
}
