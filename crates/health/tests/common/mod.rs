//! One test PKI and the facilities' certificates, made once per test binary.
#![allow(dead_code)]

use std::sync::OnceLock;

use chrono::Utc;
use hotich_health::testkit::{self, Algorithms, CertificateSpec, Identity, TestPki};
use hotich_health::{
    FacilityCertificates, Receipt, Rejection, TrustStore, VerifiedDocument, XmlFormat,
};

pub const FACILITY_A: &str = "79024";
pub const FACILITY_B: &str = "79025";
pub const RECORD_ID: &str = "Id-5b1f0c8e-3a47-4d2b-9e61-7c0d2a9f4e10";

#[derive(Debug)]
pub struct Fixture {
    pub pki: TestPki,
    /// Hospital A's signing certificate, registered for FACILITY_A.
    pub hospital_a: Identity,
    /// Hospital B's, registered for FACILITY_B.
    pub hospital_b: Identity,
    pub trust: TrustStore,
    pub facilities: FacilityCertificates,
}

pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let pki = TestPki::new().expect("test PKI");
        let hospital_a = pki
            .facility(&CertificateSpec::facility("Bệnh viện Chợ Rẫy (test)"))
            .expect("hospital A certificate");
        let hospital_b = pki
            .facility(&CertificateSpec::facility("Bệnh viện Từ Dũ (test)"))
            .expect("hospital B certificate");
        let trust = pki.trust_store().expect("trust store");
        let mut facilities = FacilityCertificates::default();
        facilities.register(FACILITY_A, &hospital_a.sha256());
        facilities.register(FACILITY_B, &hospital_b.sha256());
        Fixture {
            pki,
            hospital_a,
            hospital_b,
            trust,
            facilities,
        }
    })
}

impl Fixture {
    pub fn receipt<'a>(&'a self, trust: &'a TrustStore, sender: Option<&'a str>) -> Receipt<'a> {
        Receipt {
            trust,
            facilities: &self.facilities,
            sender_facility: sender,
            at: Utc::now(),
        }
    }

    /// Verifies with the fixture's trust store, the sender being FACILITY_A.
    pub fn verify(&self, signed: &str) -> Result<VerifiedDocument, Rejection> {
        hotich_health::verify_and_read(
            signed.as_bytes(),
            &self.receipt(&self.trust, Some(FACILITY_A)),
        )
    }

    pub fn signed_death_by(&self, signer: &Identity, facility: &str) -> String {
        testkit::sign(
            &testkit::death_notice_xml(RECORD_ID, facility),
            XmlFormat::Hsdlgbt,
            signer,
            Algorithms::default(),
        )
        .expect("sign death notice")
    }

    /// Hospital A's death notice, signed by hospital A.
    pub fn signed_death(&self) -> String {
        self.signed_death_by(&self.hospital_a, FACILITY_A)
    }

    pub fn signed_birth(&self) -> String {
        testkit::sign(
            &testkit::birth_certificate_xml(RECORD_ID),
            XmlFormat::Hsdlgcs,
            &self.hospital_a,
            Algorithms::default(),
        )
        .expect("sign birth certificate")
    }

    pub fn signed_xml130(&self) -> String {
        testkit::sign(
            &testkit::xml130_xml(FACILITY_A, &testkit::xml9_twins_xml()),
            XmlFormat::Giamdinhhs,
            &self.hospital_a,
            Algorithms::default(),
        )
        .expect("sign XML 130 set")
    }
}

/// The rejection's stable code, or "accepted".
pub fn outcome(result: &Result<VerifiedDocument, Rejection>) -> &'static str {
    match result {
        Ok(_) => "accepted",
        Err(rejection) => rejection.code(),
    }
}
