// The static verification page (ui/verify.html, one file once built): a
// printed paper's QR read from a camera, an image or its text, checked with
// the trust list (bundled at build time, fetched from the registry, or a
// file the checker chooses), then the copy's status asked of the registry
// when one answers. Vietnamese first, English on a button. No server needed.
import jsQR from "jsqr";

import { verifyPaper, type PaperTrust, type Refusal, type Verified } from "./paper";
import { WORDS, type Lang } from "./words";

declare const __BUNDLED_TRUST__: string;

type Status = "valid" | "superseded" | "withdrawn" | "unknown";

let lang: Lang = "vi";
let trust: PaperTrust | null = null;
/** Where the trust came from, and where to ask a copy's status. */
let registry: string | null = null;

const byId = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} missing`);
  return found as T;
};

function words(): (typeof WORDS)["vi"] {
  return WORDS[lang];
}

type Word = { [K in keyof (typeof WORDS)["vi"]]: (typeof WORDS)["vi"][K] extends string ? K : never }[keyof (typeof WORDS)["vi"]];

function render(): void {
  document.documentElement.lang = lang;
  for (const element of document.querySelectorAll<HTMLElement>("[data-word]")) {
    const key = element.dataset["word"] as Word;
    element.textContent = words()[key];
  }
  showTrust();
}

function showTrust(): void {
  const state = byId("trust-state");
  state.textContent = trust ? words().trustReady(trust.certificates.length) : words().trustMissing;
}

/** The registry this page is served by, or the one `?registry=` names. */
function registryUrl(): string | null {
  const named = new URLSearchParams(location.search).get("registry");
  if (named) return named.replace(/\/+$/, "");
  return location.protocol.startsWith("http") ? location.origin : null;
}

async function loadTrust(): Promise<void> {
  if (__BUNDLED_TRUST__) trust = JSON.parse(__BUNDLED_TRUST__) as PaperTrust;
  registry = registryUrl();
  if (registry) {
    try {
      const answer = await fetch(`${registry}/v1/paper-trust`, { cache: "no-store" });
      if (answer.ok) trust = (await answer.json()) as PaperTrust;
    } catch {
      // Offline: the bundled trust (or a chosen file) is what there is.
    }
  }
  showTrust();
}

function field(label: string, value: string | number | null): string {
  if (value === null || value === "") return "";
  const escape = (text: string) =>
    text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
  return `<dt>${escape(label)}</dt><dd>${escape(String(value))}</dd>`;
}

function showPaper(paper: Verified): void {
  const w = words();
  const c = paper.claims;
  const verdict = byId("verdict");
  verdict.className = "valid";
  verdict.dataset["outcome"] = "valid";
  verdict.innerHTML =
    `<p><strong>${w.valid}</strong>: ${w.documents[c.document]}. ${w.issuedBy(paper.communeName, paper.provinceName)}</p>` +
    (paper.demo ? `<p class="demo" data-testid="demo">${w.demo}</p>` : "") +
    `<dl data-testid="facts">${field(w.fullName, c.fullName)}${field(w.birthDate, c.birthDate)}${field(
      w.deathDate,
      c.deathDate,
    )}${field(w.number, c.number)}${field(w.book, c.book)}${field(w.registrationDate, c.registrationDate)}${field(
      w.issueDate,
      c.issueDate,
    )}${field(w.code, c.code)}</dl><p id="status" data-testid="status">${registry ? w.statusAsking : w.statusUnavailable}</p>`;
  if (registry) void askStatus(registry, c.code);
}

async function askStatus(base: string, code: string): Promise<void> {
  const line = byId("status");
  try {
    const answer = await fetch(`${base}/v1/papers/${encodeURIComponent(code)}`, { cache: "no-store" });
    if (!answer.ok) throw new Error(String(answer.status));
    const body = (await answer.json()) as { status: Status; since: string | null };
    line.textContent = words().status[body.status] + (body.since ? ` ${words().since(body.since)}` : "");
    line.dataset["status"] = body.status;
  } catch {
    line.textContent = words().statusUnavailable;
  }
}

function showRefusal(refusal: Refusal): void {
  const verdict = byId("verdict");
  verdict.className = "invalid";
  verdict.dataset["outcome"] = refusal;
  verdict.innerHTML = `<p><strong>${words().invalid}</strong>: ${words().refusal[refusal]}</p>`;
}

async function check(qrText: string): Promise<void> {
  if (!trust) {
    showRefusal("bad_trust");
    return;
  }
  const verdict = await verifyPaper(qrText, trust);
  if (verdict.ok) showPaper(verdict.paper);
  else showRefusal(verdict.refusal);
}

/** The first QR in the image's pixels, or null. */
function qrIn(image: ImageData): string | null {
  return jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" })?.data ?? null;
}

async function checkImage(file: File): Promise<void> {
  const bitmap = await createImageBitmap(file);
  const canvas = document.createElement("canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (!context) return;
  context.drawImage(bitmap, 0, 0);
  const text = qrIn(context.getImageData(0, 0, canvas.width, canvas.height));
  if (text === null) {
    const verdict = byId("verdict");
    verdict.className = "invalid";
    verdict.dataset["outcome"] = "no_qr";
    verdict.textContent = words().noQr;
    return;
  }
  await check(text);
}

async function scanCamera(): Promise<void> {
  const video = byId<HTMLVideoElement>("camera");
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const stop = () => {
    for (const track of stream.getTracks()) track.stop();
    video.hidden = true;
  };
  const frame = async (): Promise<void> => {
    if (!context || video.readyState < 2) {
      requestAnimationFrame(() => void frame());
      return;
    }
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    const text = qrIn(context.getImageData(0, 0, canvas.width, canvas.height));
    if (text === null) requestAnimationFrame(() => void frame());
    else {
      stop();
      await check(text);
    }
  };
  await frame();
}

function start(): void {
  byId("lang").addEventListener("click", () => {
    lang = lang === "vi" ? "en" : "vi";
    render();
  });
  byId<HTMLInputElement>("image-file").addEventListener("change", (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) void checkImage(file);
  });
  byId<HTMLInputElement>("trust-file").addEventListener("change", (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    void file.text().then((text) => {
      trust = JSON.parse(text) as PaperTrust;
      showTrust();
    });
  });
  byId<HTMLFormElement>("text-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void check(byId<HTMLTextAreaElement>("qr-text").value);
  });
  byId("camera-start").addEventListener("click", () => {
    scanCamera().catch(() => {
      byId("verdict").textContent = words().noCamera;
    });
  });
  render();
  void loadTrust();
}

start();
