//! The UI reaches the shell by name: `ui/src/api.ts` writes each command
//! (`call<T>("list_cases")`) and event (`listen<T>("sync-finished")`) as a
//! string. These tests fail, naming it, on any name the UI uses that Rust
//! does not define, and on any command Rust defines that the UI never calls.

use std::collections::BTreeSet;

use crate::commands::COMMAND_NAMES;
use crate::events::EVENT_NAMES;

fn api_ts() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/api.ts");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The first argument of every call to `function` when it is a string
/// literal: `function("x"`, `function<T>("x"` (type arguments may nest).
fn string_arguments(source: &str, function: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in source.match_indices(function) {
        let before = source[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let mut rest = source[at + function.len()..].trim_start();
        if rest.starts_with('<') {
            let mut depth = 0;
            let mut end = None;
            for (i, c) in rest.char_indices() {
                match c {
                    '<' => depth += 1,
                    '>' if !rest[..i].ends_with('=') => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let Some(end) = end else { continue };
            rest = rest[end..].trim_start();
        }
        let Some(args) = rest.strip_prefix('(') else {
            continue;
        };
        let Some(literal) = args.trim_start().strip_prefix('"') else {
            continue;
        };
        if let Some(end) = literal.find('"') {
            found.insert(literal[..end].to_owned());
        }
    }
    found
}

#[test]
fn the_parser_reads_plain_generic_and_nested_calls() {
    let source = r#"
        a: () => call<null>("startup"),
        b: (x: string) => call<Registration | null>("case_registration", { x }),
        c: () => call<Array<Map<string, number>>>("nested"),
        d: () => call("untyped"),
        e: (h: (p: P) => void) => listen<P>("batch-progress", (event) => h(event.payload)),
        f: () => recall("not_a_call"),
        g: () => api.call("a_method"),
    "#;
    assert_eq!(
        string_arguments(source, "call"),
        BTreeSet::from(["startup", "case_registration", "nested", "untyped"].map(String::from))
    );
    assert_eq!(
        string_arguments(source, "listen"),
        BTreeSet::from(["batch-progress".to_owned()])
    );
}

/// The names `known` does not hold, in order, for a failure message.
fn missing<'a>(
    names: impl IntoIterator<Item = &'a str>,
    known: impl Fn(&str) -> bool,
) -> Vec<&'a str> {
    names.into_iter().filter(|name| !known(name)).collect()
}

#[test]
fn every_command_and_event_the_ui_names_is_defined_in_rust() {
    let source = api_ts();
    let commands: BTreeSet<String> = ["call", "invoke"]
        .iter()
        .flat_map(|f| string_arguments(&source, f))
        .collect();
    let events = string_arguments(&source, "listen");
    assert!(
        !commands.is_empty() && !events.is_empty(),
        "api.ts: no call found"
    );
    let unknown = missing(commands.iter().map(String::as_str), |c| {
        COMMAND_NAMES.contains(&c)
    });
    assert!(
        unknown.is_empty(),
        "api.ts calls commands Rust does not define: {unknown:?}"
    );
    let unknown_events = missing(events.iter().map(String::as_str), |e| {
        EVENT_NAMES.contains(&e)
    });
    assert!(
        unknown_events.is_empty(),
        "api.ts listens to events Rust never emits: {unknown_events:?}"
    );
    let never_called = missing(COMMAND_NAMES.iter().copied(), |c| commands.contains(c));
    assert!(
        never_called.is_empty(),
        "commands the UI never calls: {never_called:?}"
    );
}

#[test]
fn command_names_are_unique() {
    let unique: BTreeSet<&str> = COMMAND_NAMES.iter().copied().collect();
    assert_eq!(unique.len(), COMMAND_NAMES.len());
}

#[test]
fn the_cli_and_the_app_share_the_app_identifier_and_so_the_database() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tauri.conf.json");
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(
        config["identifier"].as_str(),
        Some(hotich_core::paths::APP_IDENTIFIER),
        "Tauri's app_data_dir is the data dir joined with this identifier"
    );
}
