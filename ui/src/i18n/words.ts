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
