//! Parsing received XML under fixed limits: no DTD (so no entities, internal
//! or external), a bounded size, node count and nesting depth. Everything
//! else in the crate reads XML only through [`parse`].

use crate::error::ReadError;

/// The largest file taken in. A death notice or birth certificate is a few
/// kilobytes; an XML 130 set with every table of one episode stays far below.
pub const MAX_DOCUMENT_BYTES: usize = 8 * 1024 * 1024;
/// Nodes (elements, text, attributes' parents…) one document may hold.
pub const MAX_NODES: u32 = 200_000;
/// The deepest element nesting accepted; the official shapes are 6 deep at most.
pub const MAX_DEPTH: usize = 32;

const UTF8_BOM: &str = "\u{feff}";

/// The text of received bytes (UTF-8, as every producer writes), without a BOM.
pub fn text_of(bytes: &[u8]) -> Result<&str, ReadError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(ReadError::TooLarge {
            limit_bytes: MAX_DOCUMENT_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ReadError::Malformed {
        detail: "not UTF-8".to_owned(),
    })?;
    Ok(text.strip_prefix(UTF8_BOM).unwrap_or(text))
}

/// Parses `text` with DTDs refused and the node and depth limits applied.
pub fn parse(text: &str) -> Result<roxmltree::Document<'_>, ReadError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..roxmltree::ParsingOptions::default()
    };
    let document = roxmltree::Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => ReadError::DtdRefused,
        roxmltree::Error::NodesLimitReached => ReadError::TooLarge {
            limit_bytes: MAX_DOCUMENT_BYTES,
        },
        other => ReadError::Malformed {
            detail: other.to_string(),
        },
    })?;
    check_depth(&document)?;
    Ok(document)
}

fn check_depth(document: &roxmltree::Document<'_>) -> Result<(), ReadError> {
    // Document order with a stack of the open elements: each element is
    // pushed and popped once, so a deep file costs no more than a wide one.
    let mut open: Vec<roxmltree::Node<'_, '_>> = Vec::new();
    for node in document.root().descendants().filter(|n| n.is_element()) {
        while open.last().is_some_and(|top| Some(*top) != node.parent()) {
            open.pop();
        }
        open.push(node);
        if open.len() > MAX_DEPTH {
            return Err(ReadError::TooDeep { limit: MAX_DEPTH });
        }
    }
    Ok(())
}
