// The words for codes (statuses, outcomes, channels, kinds, papers, sync
// states, errors, form problems) are Rust's label table, one per language
// (bindings/labels.ts, generated from crates/core/src/labels/): the CLI, the
// exports and the window read the same table.

/** A generated table as the dictionary holds it: its exact words widened to `string`, so both languages share one type. */
export function words<K extends string>(table: Readonly<Record<K, string>>): Readonly<Record<K, string>> {
  return table;
}

/** "Full name" -> "full name" inside a sentence; an initialism ("ID document") keeps its capitals. */
export function lowerFirst(label: string): string {
  return /^\p{Lu}{2}/u.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

/** The unit's kind in English, put after its name as English official titles have it. */
const UNIT_KINDS: ReadonlyArray<[string, string]> = [
  ["Xã ", "Commune"],
  ["Phường ", "Ward"],
  ["Thị trấn ", "Township"],
  ["Đặc khu ", "Special Zone"],
];

/** "Xã Bằng Thành" -> "Bằng Thành Commune People's Committee". */
export function committeeInEnglish(commune: string): string {
  for (const [prefix, kind] of UNIT_KINDS) {
    if (commune.toLowerCase().startsWith(prefix.toLowerCase())) {
      return `${commune.slice(prefix.length)} ${kind} People's Committee`;
    }
  }
  return `People's Committee of ${commune}`;
}
