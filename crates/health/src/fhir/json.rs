//! Parsing received FHIR JSON under fixed limits, checked before and while
//! building the tree: a size cap before any parsing, a nesting-depth scan
//! over the raw bytes (so serde_json never recurses on a hostile file), and
//! an entry cap per Bundle.

use serde_json::Value;

use crate::error::FhirError;

/// The largest message taken in; a death or birth document is tens of kilobytes.
pub const MAX_FHIR_BYTES: usize = 4 * 1024 * 1024;
/// Deepest `{`/`[` nesting; a message holding a document with extensions on
/// primitives stays under 20.
pub const MAX_FHIR_DEPTH: usize = 48;
/// Entries one Bundle may hold (a document for twins holds a few dozen).
pub const MAX_BUNDLE_ENTRIES: usize = 1_000;

/// The JSON tree of received bytes, or why not.
pub fn parse(bytes: &[u8]) -> Result<Value, FhirError> {
    if bytes.len() > MAX_FHIR_BYTES {
        return Err(FhirError::TooLarge {
            limit_bytes: MAX_FHIR_BYTES,
        });
    }
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    check_depth(bytes)?;
    serde_json::from_slice(bytes).map_err(|e| FhirError::Malformed {
        // Category and position only: serde_json's text may quote the input.
        detail: format!(
            "{:?} error at line {} column {}",
            e.classify(),
            e.line(),
            e.column()
        ),
    })
}

/// Rejects nesting deeper than [`MAX_FHIR_DEPTH`] in one pass over the
/// bytes, skipping string contents.
fn check_depth(bytes: &[u8]) -> Result<(), FhirError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_FHIR_DEPTH {
                    return Err(FhirError::TooDeep {
                        limit: MAX_FHIR_DEPTH,
                    });
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_brackets_outside_strings_only() {
        let nested = format!(
            "{}{}",
            "[".repeat(MAX_FHIR_DEPTH + 1),
            "]".repeat(MAX_FHIR_DEPTH + 1)
        );
        assert_eq!(
            check_depth(nested.as_bytes()),
            Err(FhirError::TooDeep {
                limit: MAX_FHIR_DEPTH
            })
        );
        let quoted = format!("{{\"a\":\"{}\\\"\"}}", "[".repeat(500));
        assert_eq!(check_depth(quoted.as_bytes()), Ok(()));
        assert!(parse(quoted.as_bytes()).is_ok());
    }
}
