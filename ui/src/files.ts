// The open-file dialog, answerable by the real-window tests (WebDriver
// cannot drive the OS dialog; print.ts does the same for saving).
import { open } from "@tauri-apps/plugin-dialog";

declare global {
  interface Window {
    /** Set by the real-window tests only: the path the next open-file dialog answers. */
    __hotichOpen?: string;
  }
}

/** One file of the given extensions; null when cancelled. */
export async function pickOpenPath(title: string, filterName: string, extensions: string[]): Promise<string | null> {
  const answer = window.__hotichOpen;
  if (answer) {
    delete window.__hotichOpen;
    return answer;
  }
  const path = await open({ title, multiple: false, directory: false, filters: [{ name: filterName, extensions }] });
  return typeof path === "string" ? path : null;
}

/** A folder (a USB disk for backups); null when cancelled. */
export async function pickFolder(title: string): Promise<string | null> {
  const answer = window.__hotichOpen;
  if (answer) {
    delete window.__hotichOpen;
    return answer;
  }
  const path = await open({ title, multiple: false, directory: true });
  return typeof path === "string" ? path : null;
}
