//! The three official shapes, told apart by their root element, and read
//! into [`HealthRecord`]s.

use base64::Engine;
use serde::Serialize;

use crate::error::ReadError;
use crate::limits;
use crate::records::{read_birth, read_death, HealthRecord, RecordShape};

/// An official file's shape, by root element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum XmlFormat {
    /// `HSDLGBT` with one `GIAYBAOTU`: a death notice.
    Hsdlgbt,
    /// `HSDLGCS` with one `GIAYCHUNGSINH`: a birth certificate.
    Hsdlgcs,
    /// `GIAMDINHHS`: an XML 130 set; its `XML9` files are birth certificates.
    Giamdinhhs,
}

impl XmlFormat {
    pub fn root(self) -> &'static str {
        match self {
            XmlFormat::Hsdlgbt => "HSDLGBT",
            XmlFormat::Hsdlgcs => "HSDLGCS",
            XmlFormat::Giamdinhhs => "GIAMDINHHS",
        }
    }

    /// The signed record element of the two-reference profile.
    pub fn record_element(self) -> Option<&'static str> {
        match self {
            XmlFormat::Hsdlgbt => Some("GIAYBAOTU"),
            XmlFormat::Hsdlgcs => Some("GIAYCHUNGSINH"),
            XmlFormat::Giamdinhhs => None,
        }
    }

    fn of_root(name: &str) -> Option<Self> {
        [
            XmlFormat::Hsdlgbt,
            XmlFormat::Hsdlgcs,
            XmlFormat::Giamdinhhs,
        ]
        .into_iter()
        .find(|f| f.root() == name)
    }
}

/// Something in the file that was met and deliberately not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReadNote {
    /// An XML 130 file other than table 9 (`LOAIHOSO`), not a civil-status event.
    IgnoredFile { file_type: String },
}

/// What an official file says, read from its signed elements.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthDocument {
    pub format: XmlFormat,
    /// `GIAMDINHHS/THONGTINDONVI/MACSKCB`, or the death notice's `MACSKCB`;
    /// `GIAYCHUNGSINH` carries none (the sender tells).
    pub facility_code: Option<String>,
    /// One per death notice, one per child.
    pub records: Vec<HealthRecord>,
    pub notes: Vec<ReadNote>,
}

/// The root element's format, or `UnknownRoot`.
pub fn detect(document: &roxmltree::Document<'_>) -> Result<XmlFormat, ReadError> {
    let root = document.root_element();
    let name = root.tag_name();
    match (name.namespace(), XmlFormat::of_root(name.name())) {
        (None, Some(format)) => Ok(format),
        _ => Err(ReadError::UnknownRoot {
            root: name.name().chars().take(64).collect(),
        }),
    }
}

/// Reads an official file without checking its signature (for a preview or
/// a test); intake uses [`crate::verify_and_read`].
pub fn read_unverified(bytes: &[u8]) -> Result<HealthDocument, ReadError> {
    let text = limits::text_of(bytes)?;
    let document = limits::parse(text)?;
    read_parsed(&document)
}

pub(crate) fn child_elements<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'input>> + 'a {
    node.children().filter(move |n| {
        n.is_element() && n.tag_name().name() == name && n.tag_name().namespace().is_none()
    })
}

/// The single direct child `name` of `node`.
pub(crate) fn only_child<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    name: &'a str,
) -> Result<roxmltree::Node<'a, 'input>, ReadError> {
    let mut found = child_elements(node, name);
    match (found.next(), found.count()) {
        (Some(one), 0) => Ok(one),
        (None, _) => Err(ReadError::MissingElement {
            element: name.to_owned(),
        }),
        (Some(_), more) => Err(ReadError::RecordCount {
            element: name.to_owned(),
            count: more + 1,
        }),
    }
}

pub(crate) fn read_parsed(document: &roxmltree::Document<'_>) -> Result<HealthDocument, ReadError> {
    let format = detect(document)?;
    let root = document.root_element();
    match format {
        XmlFormat::Hsdlgbt => {
            let record = read_death(only_child(root, "GIAYBAOTU")?)?;
            let facility_code = record.death.as_ref().map(|d| d.facility_code.clone());
            Ok(HealthDocument {
                format,
                facility_code,
                records: vec![record],
                notes: Vec::new(),
            })
        }
        XmlFormat::Hsdlgcs => Ok(HealthDocument {
            format,
            facility_code: None,
            records: vec![read_birth(
                only_child(root, "GIAYCHUNGSINH")?,
                RecordShape::BirthCertificate,
            )?],
            notes: Vec::new(),
        }),
        XmlFormat::Giamdinhhs => read_xml130(root),
    }
}

fn text_of_child(node: roxmltree::Node<'_, '_>, name: &str) -> Result<String, ReadError> {
    let child = only_child(node, name)?;
    Ok(child
        .children()
        .filter_map(|n| n.text())
        .collect::<String>()
        .trim()
        .to_owned())
}

fn read_xml130(root: roxmltree::Node<'_, '_>) -> Result<HealthDocument, ReadError> {
    let facility_code = text_of_child(only_child(root, "THONGTINDONVI")?, "MACSKCB")?;
    if facility_code.is_empty() {
        return Err(ReadError::MissingElement {
            element: "MACSKCB".to_owned(),
        });
    }
    let list = only_child(only_child(root, "THONGTINHOSO")?, "DANHSACHHOSO")?;
    let mut records = Vec::new();
    let mut notes = Vec::new();
    for episode in child_elements(list, "HOSO") {
        for file in child_elements(episode, "FILEHOSO") {
            let file_type = text_of_child(file, "LOAIHOSO")?;
            if file_type != "XML9" {
                notes.push(ReadNote::IgnoredFile {
                    file_type: file_type.chars().take(16).collect(),
                });
                continue;
            }
            records.extend(read_xml9(&text_of_child(file, "NOIDUNGFILE")?)?);
        }
    }
    if records.is_empty() {
        return Err(ReadError::NoBirthTable);
    }
    Ok(HealthDocument {
        format: XmlFormat::Giamdinhhs,
        facility_code: Some(facility_code),
        records,
        notes,
    })
}

/// Table 9: base64 of `CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH`, one
/// `DU_LIEU_GIAY_CHUNG_SINH` per child, under the same limits as the envelope.
fn read_xml9(content: &str) -> Result<Vec<HealthRecord>, ReadError> {
    let compact: String = content
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|_| ReadError::BadBase64 {
            element: "NOIDUNGFILE".to_owned(),
        })?;
    let text = limits::text_of(&bytes)?;
    let inner = limits::parse(text)?;
    let root = inner.root_element();
    if root.tag_name().name() != "CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH" {
        return Err(ReadError::UnknownRoot {
            root: root.tag_name().name().chars().take(64).collect(),
        });
    }
    let list = only_child(root, "DSACH_GIAYCHUNGSINH")?;
    child_elements(list, "DU_LIEU_GIAY_CHUNG_SINH")
        .map(|record| read_birth(record, RecordShape::Xml9Birth))
        .collect()
}
