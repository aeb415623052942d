//! The URLs Hotich reads FHIR by: the IGs' profiles and codes, and the
//! identifier systems and extensions Hotich defines for Vietnamese data
//! (documented in `docs/health-formats.md`, "FHIR R4 vital records").

/// `urls!(BASE; NAME = "tail", …)` defines each `NAME` as `BASE` + `tail`.
macro_rules! urls {
    ($base:expr; $($name:ident = $tail:literal),* $(,)?) => {
        $(#[doc = concat!("`", $base, $tail, "`")] pub const $name: &str = concat!($base, $tail);)*
    };
}

/// Profiles under these bases are known; a profile elsewhere is refused.
pub const KNOWN_PROFILE_BASES: &[&str] = &[
    "http://hl7.org/fhir/us/vrdr/",
    "http://hl7.org/fhir/us/bfdr/",
    "http://hl7.org/fhir/us/vr-common-library/",
    "http://cdc.gov/nchs/nvss/fhir/vital-records-messaging/",
    "http://hl7.org/fhir/us/core/",
    "http://hl7.org/fhir/StructureDefinition/",
    HOTICH_BASE,
];

pub const HOTICH_BASE: &str = "https://hotich.vn/fhir/";

// Identifier systems Hotich defines: the 12-digit personal identification
// number (số định danh cá nhân), MA_THE, MA_BHXH, MACSKCB (on an Organization
// or Location), and the birth certificate's SO and QUYEN_SO (on the child).
urls!("https://hotich.vn/fhir/sid/"; VN_PERSONAL_ID = "vn-personal-id",
    VN_HEALTH_INSURANCE_CARD = "vn-health-insurance-card", VN_SOCIAL_INSURANCE_NO = "vn-social-insurance-no",
    VN_FACILITY_CODE = "vn-facility-code", VN_BIRTH_CERTIFICATE_NUMBER = "vn-birth-certificate-number",
    VN_BIRTH_CERTIFICATE_BOOK = "vn-birth-certificate-book");

// Extensions Hotich defines: ethnicity (1979 code list, 2 digits) on a
// person; province, old district and commune codes on an Address.
urls!("https://hotich.vn/fhir/StructureDefinition/"; EXT_ETHNICITY = "vn-ethnicity",
    EXT_PROVINCE_CODE = "vn-province-code", EXT_DISTRICT_CODE = "vn-district-code", EXT_COMMUNE_CODE = "vn-commune-code");

// Core FHIR extensions.
urls!("http://hl7.org/fhir/StructureDefinition/"; EXT_NATIONALITY = "patient-nationality",
    EXT_BIRTH_TIME = "patient-birthTime", EXT_BIRTH_PLACE = "patient-birthPlace", DATA_ABSENT_REASON = "data-absent-reason");

/// The partial-date extensions: VR common library (parts `year`, `month`,
/// `day`) and the older VRDR one (`date-year`, `date-month`, `date-day`).
pub const PARTIAL_DATE_EXTENSIONS: &[&str] = &[
    "http://hl7.org/fhir/us/vr-common-library/StructureDefinition/Extension-partial-date-vr",
    "http://hl7.org/fhir/us/vr-common-library/StructureDefinition/Extension-partial-date-time-vr",
    "http://hl7.org/fhir/us/vrdr/StructureDefinition/PartialDate",
    "http://hl7.org/fhir/us/vrdr/StructureDefinition/PartialDateTime",
];

/// Code systems.
pub const LOINC: &str = "http://loinc.org";
pub const SNOMED: &str = "http://snomed.info/sct";
pub const ICD10: &str = "http://hl7.org/fhir/sid/icd-10";
pub const V3_ROLE_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";

// VRDR messaging events (Vital Records FHIR Messaging IG).
urls!("http://nchs.cdc.gov/"; EVENT_SUBMISSION = "vrdr_submission",
    EVENT_UPDATE = "vrdr_submission_update", EVENT_VOID = "vrdr_submission_void",
    EVENT_CAUSE_CODING = "vrdr_causeofdeath_coding");
/// The messaging IG's profiles (headers, parameters).
pub const VRM_BASE: &str =
    "http://cdc.gov/nchs/nvss/fhir/vital-records-messaging/StructureDefinition/";

// VRDR death certificate document profiles.
urls!("http://hl7.org/fhir/us/vrdr/StructureDefinition/"; VRDR_DOCUMENT = "vrdr-death-certificate-document",
    VRDR_DECEDENT = "vrdr-decedent", VRDR_DEATH_DATE = "vrdr-death-date", VRDR_DEATH_LOCATION = "vrdr-death-location",
    VRDR_CERTIFIER = "vrdr-certifier", VRDR_CAUSE_PART1 = "vrdr-cause-of-death-part1");

// VR common library profiles and its role extension, which the BFDR STU2
// ballot used to tell the attendant and certifier apart (VR common library
// STU2 binds it to mother/father roles; read as a fallback only).
urls!("http://hl7.org/fhir/us/vr-common-library/StructureDefinition/"; VR_PRACTITIONER = "Practitioner-vr",
    VR_CHILD = "Patient-child-vr", VR_MOTHER = "Patient-mother-vr", VR_RELATED_MOTHER = "RelatedPerson-mother-vr",
    VR_RELATED_FATHER_NATURAL = "RelatedPerson-father-natural-vr", VR_RELATED_FATHER_LEGAL = "RelatedPerson-father-vr",
    VR_ROLE = "Extension-role-vr");
pub const VR_RELATED_FATHER: &[&str] = &[VR_RELATED_FATHER_NATURAL, VR_RELATED_FATHER_LEGAL];

// BFDR STU2 (2.0.0) practitioner profiles and role extensions (each a
// `valueCode`, `attendant` / `certifier`): hl7.org/fhir/us/bfdr/STU2,
// StructureDefinition-practitioner-role-birth-attendant and -birth-certifier.
urls!("http://hl7.org/fhir/us/bfdr/StructureDefinition/"; BFDR_ATTENDANT = "Practitioner-birth-attendant",
    BFDR_CERTIFIER = "Practitioner-birth-certifier", BFDR_ROLE_ATTENDANT = "practitioner-role-birth-attendant",
    BFDR_ROLE_CERTIFIER = "practitioner-role-birth-certifier");

/// BFDR's birth report document.
pub const BFDR_DOCUMENT: &str =
    "http://hl7.org/fhir/us/bfdr/StructureDefinition/Bundle-document-birth-report";

// LOINC codes read: date and time of death, cause of death (part 1 line),
// place of death; birth weight, plurality, gestational age, the mother's
// previous live births now living and now dead (BFDR STU2 profiles
// Observation-number-births-now-living 11638-4 and -now-dead 68496-9) and
// total births (11640-0, "[#] Births total": a valid LOINC code, but no
// BFDR profile carries it; Hotich's convention for LAN_SINH).
urls!(""; LOINC_DEATH_DATE = "81956-5", LOINC_CAUSE_OF_DEATH = "69453-9", LOINC_DEATH_PLACE = "58332-8",
    LOINC_BIRTH_WEIGHT = "8339-4", LOINC_PLURALITY = "57722-1", LOINC_GESTATIONAL_AGE = "11884-4",
    LOINC_LIVING_CHILDREN = "11638-4", LOINC_BIRTHS_NOW_DEAD = "68496-9", LOINC_BIRTHS_TOTAL = "11640-0");
// The underlying cause of death in a coding message's coded content: coded by
// hand (manual) or by the automated coder (VRDR profiles
// vrdr-manual-underlying-cause-of-death, vrdr-automated-underlying-cause-of-death).
urls!(""; LOINC_UNDERLYING_MANUAL = "80359-3", LOINC_UNDERLYING_AUTOMATED = "80358-5");
// SNOMED CT: dead on arrival at hospital; caesarean section.
urls!(""; SNOMED_DEAD_ON_ARRIVAL = "63238001", SNOMED_CAESAREAN = "11466000");
