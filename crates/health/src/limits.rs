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
    let text = text.strip_prefix(UTF8_BOM).unwrap_or(text);
    // libxml2 (which verifies) would honour another declared encoding while
    // the reader reads UTF-8: both must see the same characters.
    match declared_encoding(text) {
        Some(encoding) if !encoding.eq_ignore_ascii_case("utf-8") => Err(ReadError::Malformed {
            detail: "the XML declaration names an encoding other than UTF-8".to_owned(),
        }),
        _ => Ok(text),
    }
}

/// The `encoding` of the XML declaration, if the file starts with one.
fn declared_encoding(text: &str) -> Option<&str> {
    let declaration = text.strip_prefix("<?xml")?;
    let declaration = &declaration[..declaration.find("?>")?];
    let value = declaration[declaration.find("encoding")? + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = value.chars().next()?;
    let value = value.get(1..)?;
    value.find(quote).map(|end| &value[..end])
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_utf8_may_be_declared() {
        let latin1 = "<?xml version=\"1.0\" encoding='ISO-8859-1'?><HSDLGBT/>";
        assert!(matches!(
            text_of(latin1.as_bytes()),
            Err(ReadError::Malformed { .. })
        ));
        for fine in [
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><HSDLGBT/>",
            "<?xml version=\"1.0\" encoding = \"UTF-8\" ?><HSDLGBT/>",
            "<?xml version=\"1.0\"?><HSDLGBT/>",
            "\u{feff}<HSDLGBT/>",
        ] {
            assert!(text_of(fine.as_bytes()).is_ok(), "{fine}");
        }
    }
}
