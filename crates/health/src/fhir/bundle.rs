//! A received Bundle as an index of its resources, looked up by profile,
//! code and reference (never by position), and the FHIR datatype readers
//! the death and birth mappings share.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use hotich_protocol::{PartialDate, Sex};
use serde_json::{Map, Value};

use super::json::MAX_BUNDLE_ENTRIES;
use super::systems;
use crate::error::FhirError;

type Object = Map<String, Value>;

/// One resource of a Bundle entry, with the entry's `fullUrl`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resource<'a> {
    pub json: &'a Object,
    pub full_url: Option<&'a str>,
}

impl<'a> Resource<'a> {
    pub fn resource_type(&self) -> &'a str {
        self.json
            .get("resourceType")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    pub fn id(&self) -> Option<&'a str> {
        text(self.json, "id")
    }

    /// `meta.profile`, without a `|version` suffix.
    pub fn profiles(&self) -> impl Iterator<Item = &'a str> {
        self.json
            .get("meta")
            .and_then(|m| m.get("profile"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|p| p.split('|').next().unwrap_or(p))
    }

    pub fn has_profile(&self, profiles: &[&str]) -> bool {
        self.profiles().any(|p| profiles.contains(&p))
    }

    /// Whether `code` holds a coding of `system` with one of `codes`.
    pub fn has_code(&self, system: &str, codes: &[&str]) -> bool {
        self.json
            .get("code")
            .is_some_and(|cc| has_coding(cc, system, codes))
    }

    pub fn object(&self, key: &str) -> Option<&'a Object> {
        self.json.get(key).and_then(Value::as_object)
    }

    /// The `reference` of `key` (a Reference, or the first of an array of them).
    pub fn reference(&self, key: &str) -> Option<&'a str> {
        let value = self.json.get(key)?;
        let reference = match value {
            Value::Array(items) => items.iter().find_map(|r| r.get("reference")),
            other => other.get("reference"),
        }?;
        reference.as_str()
    }

    /// Whether this resource is the target of `reference`.
    pub fn is(&self, reference: &str) -> bool {
        if self.full_url == Some(reference) {
            return true;
        }
        self.id().is_some_and(|id| {
            let local = format!("{}/{id}", self.resource_type());
            reference == local || reference.ends_with(&format!("/{local}"))
        })
    }
}

/// The resources of one Bundle of the expected type.
#[derive(Debug)]
pub(crate) struct Bundle<'a> {
    pub json: &'a Object,
    pub resources: Vec<Resource<'a>>,
}

impl<'a> Bundle<'a> {
    /// Checks `resourceType`, `type`, the entry count and that every profile
    /// a resource declares belongs to an IG Hotich knows.
    pub fn of(
        value: &'a Value,
        expected_type: &'static str,
        path: &str,
    ) -> Result<Self, FhirError> {
        let json = value.as_object().ok_or_else(|| FhirError::NotABundle {
            resource_type: "(not an object)".to_owned(),
        })?;
        Self::of_object(json, expected_type, path)
    }

    pub fn of_object(
        json: &'a Object,
        expected_type: &'static str,
        path: &str,
    ) -> Result<Self, FhirError> {
        match json.get("resourceType").and_then(Value::as_str) {
            Some("Bundle") => {}
            other => {
                return Err(FhirError::NotABundle {
                    resource_type: safe(other.unwrap_or("(none)")),
                })
            }
        }
        let found = json.get("type").and_then(Value::as_str).unwrap_or("(none)");
        if found != expected_type {
            return Err(FhirError::WrongBundleType {
                path: format!("{path}.type"),
                expected: expected_type,
                found: safe(found),
            });
        }
        let entries = match json.get("entry") {
            None => &[][..],
            Some(Value::Array(entries)) => entries.as_slice(),
            Some(_) => {
                return Err(FhirError::WrongForm {
                    path: format!("{path}.entry"),
                    expected: "an array",
                })
            }
        };
        if entries.len() > MAX_BUNDLE_ENTRIES {
            return Err(FhirError::TooManyEntries {
                limit: MAX_BUNDLE_ENTRIES,
            });
        }
        let mut resources = Vec::with_capacity(entries.len());
        for entry in entries {
            let resource = entry
                .get("resource")
                .and_then(Value::as_object)
                .filter(|r| r.get("resourceType").and_then(Value::as_str).is_some())
                .ok_or_else(|| FhirError::MissingElement {
                    path: format!("{path}.entry.resource.resourceType"),
                })?;
            let resource = Resource {
                json: resource,
                full_url: entry.get("fullUrl").and_then(Value::as_str),
            };
            check_profiles(&resource)?;
            resources.push(resource);
        }
        let bundle = Bundle { json, resources };
        check_profiles(&Resource {
            json,
            full_url: None,
        })?;
        Ok(bundle)
    }

    pub fn of_type(&self, resource_type: &'a str) -> impl Iterator<Item = Resource<'a>> + '_ {
        self.resources
            .iter()
            .copied()
            .filter(move |r| r.resource_type() == resource_type)
    }

    /// The one resource matching `wanted`, if any; two → [`FhirError::Ambiguous`].
    pub fn one(
        &self,
        path: &str,
        wanted: impl Fn(&Resource<'a>) -> bool,
    ) -> Result<Option<Resource<'a>>, FhirError> {
        let mut found = self.resources.iter().filter(|r| wanted(r));
        let first = found.next().copied();
        if found.next().is_some() {
            return Err(FhirError::Ambiguous {
                path: path.to_owned(),
            });
        }
        Ok(first)
    }

    pub fn required(
        &self,
        path: &str,
        wanted: impl Fn(&Resource<'a>) -> bool,
    ) -> Result<Resource<'a>, FhirError> {
        self.one(path, wanted)?.ok_or_else(|| missing(path))
    }

    pub fn resolve(&self, reference: &str) -> Option<Resource<'a>> {
        self.resources.iter().copied().find(|r| r.is(reference))
    }
}

fn check_profiles(resource: &Resource<'_>) -> Result<(), FhirError> {
    match resource.profiles().find(|p| {
        !systems::KNOWN_PROFILE_BASES
            .iter()
            .any(|base| p.starts_with(base))
    }) {
        Some(profile) => Err(FhirError::UnknownProfile {
            profile: safe(profile),
            resource_type: safe(resource.resource_type()),
        }),
        None => Ok(()),
    }
}

/// Text safe to put in a refusal: URL characters only, at most 200 of them.
/// A named parameter's value as text (string, code or number).
pub(crate) fn parameter(parameters: &Resource<'_>, name: &str) -> Option<String> {
    parameters
        .json
        .get("parameter")?
        .as_array()?
        .iter()
        .filter_map(Value::as_object)
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        .and_then(value_text)
        .map(|v| v.trim().to_owned())
}

/// A MessageHeader's event as a URI: `eventUri`, or `eventCoding` as
/// `{system}/{code}` (a code that is a URI already stays as it is).
pub(crate) fn event_uri(header: &Resource<'_>) -> Option<String> {
    header
        .json
        .get("eventUri")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            let coding = header.json.get("eventCoding")?;
            let code = coding.get("code")?.as_str()?;
            Some(match coding.get("system").and_then(Value::as_str) {
                Some(system) if !code.contains(':') => {
                    format!("{}/{code}", system.trim_end_matches('/'))
                }
                _ => code.to_owned(),
            })
        })
}

pub(crate) fn safe(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || ":/._#|-?=&%~+".contains(*c))
        .take(200)
        .collect()
}

pub(crate) fn missing(path: &str) -> FhirError {
    FhirError::MissingElement {
        path: path.to_owned(),
    }
}

pub(crate) fn wrong(path: &str, expected: &'static str) -> FhirError {
    FhirError::WrongForm {
        path: path.to_owned(),
        expected,
    }
}

/// A non-blank string member.
pub(crate) fn text<'a>(object: &'a Object, key: &str) -> Option<&'a str> {
    object
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

pub(crate) fn has_coding(concept: &Value, system: &str, codes: &[&str]) -> bool {
    codings(concept).any(|(s, c)| s == Some(system) && codes.contains(&c))
}

/// `(system, code)` of a CodeableConcept's codings (or of a lone Coding).
pub(crate) fn codings(concept: &Value) -> impl Iterator<Item = (Option<&str>, &str)> {
    let list = match concept.get("coding") {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        _ => vec![concept],
    };
    list.into_iter().filter_map(|c| {
        let code = c.get("code")?.as_str()?;
        Some((c.get("system").and_then(Value::as_str), code))
    })
}

/// The extension with `url` among `object.extension`.
pub(crate) fn extension<'a>(object: &'a Object, url: &str) -> Option<&'a Object> {
    object
        .get("extension")?
        .as_array()?
        .iter()
        .filter_map(Value::as_object)
        .find(|e| e.get("url").and_then(Value::as_str) == Some(url))
}

/// An extension's value as text: a string, code, integer, or a coding's code.
pub(crate) fn value_text(extension: &Object) -> Option<String> {
    for key in ["valueString", "valueCode", "valueId"] {
        if let Some(v) = text(extension, key) {
            return Some(v.to_owned());
        }
    }
    for key in ["valueUnsignedInt", "valueInteger", "valuePositiveInt"] {
        if let Some(n) = extension.get(key).and_then(Value::as_u64) {
            return Some(n.to_string());
        }
    }
    for key in ["valueCoding", "valueCodeableConcept"] {
        if let Some((_, code)) = extension.get(key).and_then(|c| codings(c).next()) {
            return Some(code.to_owned());
        }
    }
    None
}

/// The value of the identifier of `system`.
pub(crate) fn identifier<'a>(object: &'a Object, system: &str) -> Option<&'a str> {
    object
        .get("identifier")?
        .as_array()?
        .iter()
        .filter_map(Value::as_object)
        .find(|i| i.get("system").and_then(Value::as_str) == Some(system))
        .and_then(|i| text(i, "value"))
}

/// A HumanName as written in Vietnamese: `text` if given, else family then
/// given names. The `official` name when there are several.
pub(crate) fn person_name(object: &Object) -> Option<String> {
    let names = object.get("name")?.as_array()?;
    let name = names
        .iter()
        .find(|n| n.get("use").and_then(Value::as_str) == Some("official"))
        .or_else(|| names.first())?
        .as_object()?;
    if let Some(full) = text(name, "text") {
        return Some(full.to_owned());
    }
    let mut parts: Vec<&str> = text(name, "family").into_iter().collect();
    parts.extend(
        name.get("given")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty()),
    );
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A Practitioner's or Organization's name (`name` is a string on an Organization).
pub(crate) fn any_name(object: &Object) -> Option<String> {
    text(object, "name")
        .map(str::to_owned)
        .or_else(|| person_name(object))
}

pub(crate) fn sex(object: &Object, path: &str) -> Result<Sex, FhirError> {
    match text(object, "gender") {
        Some("male") => Ok(Sex::Male),
        Some("female") => Ok(Sex::Female),
        Some("other" | "unknown") => Ok(Sex::Undetermined),
        Some(_) => Err(wrong(path, "male, female, other or unknown")),
        None => Err(missing(path)),
    }
}

/// The address of `use` (`home`, `temp`), or the only address for `home`.
pub(crate) fn address<'a>(object: &'a Object, use_: &str) -> Option<&'a Object> {
    let addresses: Vec<&Object> = match object.get("address")? {
        Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
        Value::Object(one) => vec![one],
        _ => return None,
    };
    addresses
        .iter()
        .copied()
        .find(|a| a.get("use").and_then(Value::as_str) == Some(use_))
        .or_else(|| {
            (use_ == "home" && addresses.len() == 1 && !addresses[0].contains_key("use"))
                .then(|| addresses[0])
        })
}

/// An address as one line: `text`, else lines, district, city, state joined.
pub(crate) fn address_text(address: &Object) -> Option<String> {
    if let Some(full) = text(address, "text") {
        return Some(full.to_owned());
    }
    let mut parts: Vec<&str> = address
        .get("line")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    parts.extend(
        ["district", "city", "state"]
            .iter()
            .filter_map(|k| text(address, k)),
    );
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// One of Hotich's address-code extensions, checked to be `digits` digits.
pub(crate) fn address_code(
    address: &Object,
    url: &str,
    digits: usize,
    path: &str,
) -> Result<Option<String>, FhirError> {
    match extension(address, url).and_then(value_text) {
        None => Ok(None),
        Some(code) if code.len() <= digits && code.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(Some(code))
        }
        Some(_) => Err(wrong(path, "a numeric administrative code")),
    }
}

/// A FHIR `date` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) with the partial-date
/// extension on its primitive (`_key`) taking precedence: its year, month
/// and day parts, each present or marked absent with data-absent-reason.
pub(crate) fn partial_date(
    object: &Object,
    key: &str,
    path: &str,
) -> Result<Option<PartialDate>, FhirError> {
    let primitive = object.get(&format!("_{key}")).and_then(Value::as_object);
    if let Some(parts) = primitive.and_then(|p| {
        systems::PARTIAL_DATE_EXTENSIONS
            .iter()
            .find_map(|url| extension(p, url))
    }) {
        return partial_from_parts(parts, path).map(Some);
    }
    match object.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => {
            let date = s.get(..10).unwrap_or(s);
            date.parse::<PartialDate>()
                .map(Some)
                .map_err(|_| wrong(path, "a date YYYY, YYYY-MM or YYYY-MM-DD"))
        }
        Some(_) => Err(wrong(path, "a date YYYY, YYYY-MM or YYYY-MM-DD")),
    }
}

fn partial_from_parts(parts: &Object, path: &str) -> Result<PartialDate, FhirError> {
    let part =
        |names: &[&str], range: std::ops::RangeInclusive<u64>| -> Result<Option<u32>, FhirError> {
            let Some(part) = names.iter().find_map(|n| extension(parts, n)) else {
                return Ok(None);
            };
            let value = ["valueUnsignedInt", "valueInteger", "valuePositiveInt"]
                .iter()
                .find_map(|k| part.get(*k));
            match value {
                // Absent, or present only as `_valueUnsignedInt` with a data-absent-reason.
                None => Ok(None),
                Some(v) => match v.as_u64() {
                    Some(n) if range.contains(&n) => Ok(u32::try_from(n).ok()),
                    _ => Err(wrong(
                        path,
                        "a partial date with year, month and day in range",
                    )),
                },
            }
        };
    let year = part(&["year", "date-year"], 1..=9998)?;
    let month = part(&["month", "date-month"], 1..=12)?;
    let day = part(&["day", "date-day"], 1..=31)?;
    let year = year
        .and_then(|y| i32::try_from(y).ok())
        .ok_or_else(|| missing(&format!("{path}.year")))?;
    Ok(match (month, day) {
        (None, _) => PartialDate::Year(year),
        (Some(m), None) => PartialDate::YearMonth(year, m),
        (Some(m), Some(d)) => NaiveDate::from_ymd_opt(year, m, d)
            .map(PartialDate::Full)
            .ok_or_else(|| wrong(path, "a real calendar date"))?,
    })
}

/// A FHIR `dateTime` with at least minutes, as the local time it states
/// (the offset is that of the place of the event).
pub(crate) fn date_time(value: Option<&Value>, path: &str) -> Result<NaiveDateTime, FhirError> {
    let text = value.and_then(Value::as_str).ok_or_else(|| missing(path))?;
    [(19, "%Y-%m-%dT%H:%M:%S"), (16, "%Y-%m-%dT%H:%M")]
        .iter()
        .find_map(|(len, format)| NaiveDateTime::parse_from_str(text.get(..*len)?, format).ok())
        .ok_or_else(|| wrong(path, "a date and time (YYYY-MM-DDThh:mm:ss+zz:zz)"))
}

/// A FHIR `instant` (an RFC 3339 time with its offset), if present.
pub(crate) fn instant(
    value: Option<&Value>,
    path: &str,
) -> Result<Option<DateTime<Utc>>, FhirError> {
    value
        .map(|t| {
            t.as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| wrong(path, "an instant"))
        })
        .transpose()
}

/// The calendar date of a FHIR `date`, `dateTime` or `instant`.
pub(crate) fn full_date(value: Option<&Value>, path: &str) -> Result<NaiveDate, FhirError> {
    let text = value.and_then(Value::as_str).ok_or_else(|| missing(path))?;
    text.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| wrong(path, "a full date YYYY-MM-DD"))
}

/// A whole number from `valueInteger` (or a Quantity's value).
pub(crate) fn value_integer(resource: &Resource<'_>, path: &str) -> Result<u64, FhirError> {
    let value = resource
        .json
        .get("valueInteger")
        .or_else(|| {
            resource
                .object("valueQuantity")
                .and_then(|q| q.get("value"))
        })
        .ok_or_else(|| missing(path))?;
    value.as_u64().ok_or_else(|| wrong(path, "a whole number"))
}
