// Printing through the window: the system's print dialog prints only the
// `.print-area` pages (see app.css), on A4 without margins.
import { save } from "@tauri-apps/plugin-dialog";

export function printPages(): void {
  document.body.classList.add("printing");
  try {
    window.print();
  } finally {
    document.body.classList.remove("printing");
  }
}

declare global {
  interface Window {
    /** Set by the real-window tests only: WebDriver cannot drive the OS file dialog. */
    __hotichSaveAs?: string;
  }
}

/** The save-file dialog for a file of one type (`pdf`, `csv`, `xlsx`); null when cancelled. */
export async function pickSavePath(title: string, suggested: string, extension: string): Promise<string | null> {
  if (window.__hotichSaveAs) return window.__hotichSaveAs;
  const path = await save({
    title,
    defaultPath: suggested,
    filters: [{ name: extension.toUpperCase(), extensions: [extension] }],
  });
  return typeof path === "string" ? path : null;
}
