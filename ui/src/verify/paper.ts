// A printed paper's signed QR checked in the browser, as
// `hotich_protocol::paper::verify_paper` checks it (docs/paper-credential.md):
// HT1: + Base45(zlib(COSE_Sign1(CBOR claims))), Ed25519, against a trust file
// holding the registry root and the commune certificates it signed. Each
// failure has the same code as in Rust. No network: the status is asked
// separately (status.ts).
import { verifyAsync } from "@noble/ed25519";
import { decode as cborDecode, encode as cborEncode } from "cborg";

export const QR_PREFIX = "HT1:";
const MAX_QR_TEXT = 2_000;
const MAX_SIGNED_BYTES = 2_048;
const COSE_SIGN1_TAG = 18;
const ALG_EDDSA = -8;
const TYP_COMMUNE_CERTIFICATE = "hotich-commune-certificate+jws";

export type Refusal =
  | "not_a_paper"
  | "malformed"
  | "unsupported_version"
  | "unknown_key"
  | "bad_signature"
  | "wrong_commune"
  | "certificate_expired"
  | "key_revoked"
  | "bad_trust";

export type PaperDocument = "birth-certificate" | "birth-extract" | "death-extract";

export interface Claims {
  document: PaperDocument;
  communeCode: string;
  book: string;
  number: number;
  registrationDate: string;
  fullName: string;
  birthDate: string | null;
  deathDate: string | null;
  issueDate: string;
  /** The copy's code, as printed under the QR. */
  code: string;
  demo: boolean;
}

export interface Verified {
  claims: Claims;
  communeName: string;
  provinceName: string;
  keyId: string;
  demo: boolean;
}

export type Verdict = { ok: true; paper: Verified } | { ok: false; refusal: Refusal };

interface SignedEnvelope {
  protected: string;
  payload: string;
  signature: string;
}

export interface PaperTrust {
  format: string;
  version: number;
  root_key_id: string;
  root_public_key: string;
  certificates: SignedEnvelope[];
  revoked?: string[];
}

interface Certificate {
  commune_code: string;
  commune_name: string;
  province_name: string;
  key_id: string;
  publicKey: Uint8Array;
  validFrom: string;
  validUntil: string;
  demo: boolean;
}

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal);
  }
}

const BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/** RFC 9285 Base45, strictly (the npm package needs Node's Buffer and takes any character). */
export function base45Decode(text: string): Uint8Array {
  const values = Array.from(text, (c) => {
    const value = BASE45.indexOf(c);
    if (value < 0) throw new Refused("malformed");
    return value;
  });
  if (values.length % 3 === 1) throw new Refused("malformed");
  const out: number[] = [];
  for (let i = 0; i < values.length; i += 3) {
    const [c, d, e] = [values[i] ?? 0, values[i + 1] ?? 0, values[i + 2]];
    if (e === undefined) {
      const n = c + d * 45;
      if (n > 0xff) throw new Refused("malformed");
      out.push(n);
    } else {
      const n = c + d * 45 + e * 45 * 45;
      if (n > 0xffff) throw new Refused("malformed");
      out.push(n >> 8, n & 0xff);
    }
  }
  return Uint8Array.from(out);
}

function base64urlDecode(text: string): Uint8Array {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** zlib inflate by the browser's own DecompressionStream, bounded. */
async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream("deflate"));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > MAX_SIGNED_BYTES) throw new Refused("malformed");
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** RFC 4648 base-32 in groups of four: the copy's code. */
function codeOfSerial(serial: Uint8Array): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  let letters = "";
  for (const byte of serial) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      letters += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) letters += alphabet[(value << (5 - bits)) & 31];
  return (letters.match(/.{1,4}/g) ?? []).join("-");
}

const DOCUMENTS: Record<number, PaperDocument> = {
  1: "birth-certificate",
  2: "birth-extract",
  3: "death-extract",
};

function claimsOf(payload: Uint8Array): Claims {
  let map: unknown;
  try {
    map = cborDecode(payload, { useMaps: true });
  } catch {
    throw new Refused("malformed");
  }
  if (!(map instanceof Map)) throw new Refused("malformed");
  for (const key of map.keys()) {
    if (typeof key !== "number" || key < 1 || key > 12) throw new Refused("malformed");
  }
  const text = (key: number): string => {
    const value: unknown = map.get(key);
    if (typeof value !== "string") throw new Refused("malformed");
    return value;
  };
  const optional = (key: number): string | null => (map.has(key) ? text(key) : null);
  const version: unknown = map.get(1);
  if (version !== 1) {
    throw new Refused(typeof version === "number" ? "unsupported_version" : "malformed");
  }
  const document = DOCUMENTS[Number(map.get(2))];
  const number: unknown = map.get(5);
  const serial: unknown = map.get(11);
  const demo: unknown = map.get(12);
  if (!document || typeof number !== "number" || !(serial instanceof Uint8Array) || serial.length !== 10) {
    throw new Refused("malformed");
  }
  if (demo !== undefined && typeof demo !== "boolean") throw new Refused("malformed");
  return {
    document,
    communeCode: text(3),
    book: text(4),
    number,
    registrationDate: text(6),
    fullName: text(7),
    birthDate: optional(8),
    deathDate: optional(9),
    issueDate: text(10),
    code: codeOfSerial(serial),
    demo: demo === true,
  };
}

/** The certificates the root really signed; the others are left out. */
async function certificatesOf(trust: PaperTrust): Promise<Certificate[]> {
  if (trust.format !== "hotich-paper-trust" || trust.version !== 1 || !Array.isArray(trust.certificates)) {
    throw new Refused("bad_trust");
  }
  const root = base64urlDecode(trust.root_public_key);
  const held: Certificate[] = [];
  for (const envelope of trust.certificates) {
    try {
      const header = JSON.parse(new TextDecoder().decode(base64urlDecode(envelope.protected))) as Record<
        string,
        unknown
      >;
      if (header["alg"] !== "EdDSA" || header["typ"] !== TYP_COMMUNE_CERTIFICATE || header["kid"] !== trust.root_key_id)
        continue;
      const input = new TextEncoder().encode(`${envelope.protected}.${envelope.payload}`);
      if (!(await verifyAsync(base64urlDecode(envelope.signature), input, root))) continue;
      const body = JSON.parse(new TextDecoder().decode(base64urlDecode(envelope.payload))) as Record<string, unknown>;
      if (body["schema"] !== 1 || body["algorithm"] !== "EdDSA") continue;
      held.push({
        commune_code: String(body["commune_code"]),
        commune_name: String(body["commune_name"]),
        province_name: String(body["province_name"]),
        key_id: String(body["key_id"]),
        publicKey: base64urlDecode(String(body["public_key"])),
        validFrom: String(body["valid_from"]),
        validUntil: String(body["valid_until"]),
        demo: body["demo"] === true,
      });
    } catch {
      // Not a certificate this root signed: never trusted.
    }
  }
  return held;
}

/** The UTC day of an RFC 3339 instant, yyyy-mm-dd (as `CommuneCertificate::covers`). */
function utcDay(instant: string): string {
  return new Date(Date.parse(instant)).toISOString().slice(0, 10);
}

/** Checks a QR text against the trust file; the order and codes are Rust's. */
export async function verifyPaper(qrText: string, trust: PaperTrust): Promise<Verdict> {
  try {
    return { ok: true, paper: await verified(qrText, trust) };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, refusal: error.refusal };
    return { ok: false, refusal: "malformed" };
  }
}

async function verified(qrText: string, trust: PaperTrust): Promise<Verified> {
  const text = qrText.trim();
  if (!text.startsWith(QR_PREFIX) || text.length > MAX_QR_TEXT) throw new Refused("not_a_paper");
  const certificates = await certificatesOf(trust);
  const cose = await inflate(base45Decode(text.slice(QR_PREFIX.length)));
  let decoded: unknown;
  try {
    decoded = cborDecode(cose, {
      useMaps: true,
      tags: Object.assign([], { [COSE_SIGN1_TAG]: (inner: unknown) => inner }),
    });
  } catch {
    throw new Refused("malformed");
  }
  if (!Array.isArray(decoded) || decoded.length !== 4) throw new Refused("malformed");
  const [protectedBytes, , payload, signature] = decoded as unknown[];
  if (!(protectedBytes instanceof Uint8Array) || !(payload instanceof Uint8Array) || !(signature instanceof Uint8Array))
    throw new Refused("malformed");
  const header: unknown = cborDecode(protectedBytes, { useMaps: true });
  if (!(header instanceof Map) || header.get(1) !== ALG_EDDSA) throw new Refused("malformed");
  const kid: unknown = header.get(4);
  if (!(kid instanceof Uint8Array)) throw new Refused("malformed");
  const keyId = new TextDecoder().decode(kid);
  const certificate = certificates.find((c) => c.key_id === keyId);
  if (!certificate) throw new Refused("unknown_key");
  // RFC 9052 Sig_structure: ["Signature1", protected, external_aad, payload].
  const toBeSigned = cborEncode(["Signature1", protectedBytes, new Uint8Array(0), payload]);
  if (!(await verifyAsync(signature, toBeSigned, certificate.publicKey))) throw new Refused("bad_signature");
  const claims = claimsOf(payload);
  if (claims.communeCode !== certificate.commune_code) throw new Refused("wrong_commune");
  if (claims.issueDate < utcDay(certificate.validFrom) || claims.issueDate > utcDay(certificate.validUntil))
    throw new Refused("certificate_expired");
  if ((trust.revoked ?? []).includes(keyId)) throw new Refused("key_revoked");
  return {
    claims,
    communeName: certificate.commune_name,
    provinceName: certificate.province_name,
    keyId,
    demo: claims.demo || certificate.demo,
  };
}
