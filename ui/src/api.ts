// Typed calls to the desktop shell's commands (src-tauri/src/commands/).
// Every failure arrives as a CommandError {code, message, params, problems};
// errors.ts words it in the UI's language from its code and params.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

import type { AttemptInput } from "./bindings/AttemptInput";
import type { BackupFacts } from "./bindings/BackupFacts";
import type { BackupStatus } from "./bindings/BackupStatus";
import type { Restored } from "./bindings/Restored";
import type { CalendarYear } from "./bindings/CalendarYear";
import type { HealthShare } from "./bindings/HealthShare";
import type { ScheduleImported } from "./bindings/ScheduleImported";
import type { CaseDetail } from "./bindings/CaseDetail";
import type { CaseFilter } from "./bindings/CaseFilter";
import type { CasePage } from "./bindings/CasePage";
import type { CommandError } from "./bindings/CommandError";
import { sessionCode, type SessionCode } from "./errors";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportSummary } from "./bindings/ImportSummary";
import type { Office } from "./bindings/Office";
import type { OfficeContact } from "./bindings/OfficeContact";
import type { Officer } from "./bindings/Officer";
import type { PasswordReset } from "./bindings/PasswordReset";
import type { OutreachView } from "./bindings/OutreachView";
import type { PendingAmendment } from "./bindings/PendingAmendment";
import type { EventKind } from "./bindings/EventKind";
import type { QuarantineEntry } from "./bindings/QuarantineEntry";
import type { Registration } from "./bindings/Registration";
import type { RegistrationCheck } from "./bindings/RegistrationCheck";
import type { RegistrationForm } from "./bindings/RegistrationForm";
import type { FormMode } from "./bindings/FormMode";
import type { Role } from "./bindings/Role";
import type { SessionState } from "./bindings/SessionState";
import type { Signer } from "./bindings/Signer";
import type { StatusDecision } from "./bindings/StatusDecision";
import type { StoreEncryption } from "./bindings/StoreEncryption";
import type { CaseSyncState } from "./bindings/CaseSyncState";
import type { BatchProgress } from "./bindings/BatchProgress";
import type { DocumentKind } from "./bindings/DocumentKind";
import type { IssuedPages } from "./bindings/IssuedPages";
import type { IssuedPaper } from "./bindings/IssuedPaper";
import type { PaperCheck } from "./bindings/PaperCheck";
import type { PaperSource } from "./bindings/PaperSource";
import type { PaperStatusAnswer } from "./bindings/PaperStatusAnswer";
import type { Preview } from "./bindings/Preview";
import type { WithdrawnCopy } from "./bindings/WithdrawnCopy";
import type { DashboardFigures } from "./bindings/DashboardFigures";
import type { PeriodExport } from "./bindings/PeriodExport";
import type { PeriodReport } from "./bindings/PeriodReport";
import type { ProvincePilot } from "./bindings/ProvincePilot";
import type { ProvincePilotReport } from "./bindings/ProvincePilotReport";
import type { PrintLogEntry } from "./bindings/PrintLogEntry";
import type { PrintLogLine } from "./bindings/PrintLogLine";
import type { PrinterCalibration } from "./bindings/PrinterCalibration";
import type { SpoiledBlank } from "./bindings/SpoiledBlank";
import type { SyncActivity } from "./bindings/SyncActivity";
import type { SyncOverview } from "./bindings/SyncOverview";
import type { TrustImportSummary } from "./bindings/TrustImportSummary";
import type { CommuneMatch } from "./bindings/CommuneMatch";
import type { InstallationState } from "./bindings/InstallationState";
import type { OfficeReady } from "./bindings/OfficeReady";
import type { OfficeDetails } from "./bindings/OfficeDetails";
import type { OfficeDetailsInput } from "./bindings/OfficeDetailsInput";
import type { OfficeSetUp } from "./bindings/OfficeSetUp";
import type { RootKeyFile } from "./bindings/RootKeyFile";
import type { RootKeyView } from "./bindings/RootKeyView";
import type { CrlAdded } from "./bindings/CrlAdded";
import type { CrlEntry } from "./bindings/CrlEntry";
import type { DroppedImport } from "./bindings/DroppedImport";
import type { FacilityCertificate } from "./bindings/FacilityCertificate";
import type { FhirEvidence } from "./bindings/FhirEvidence";
import type { OfficialEvidence } from "./bindings/OfficialEvidence";
import type { TrustCertificate } from "./bindings/TrustCertificate";
import type { X509Entry } from "./bindings/X509Entry";
import type { AuditFilter } from "./bindings/AuditFilter";
import type { AuditLine } from "./bindings/AuditLine";
import type { AuditReport } from "./bindings/AuditReport";

export type { CommandError };

function isCommandError(value: unknown): value is CommandError {
  if (typeof value !== "object" || value === null) return false;
  const { code, message, params, problems } = value as Record<string, unknown>;
  return (
    typeof code === "string" &&
    typeof message === "string" &&
    typeof params === "object" &&
    params !== null &&
    Array.isArray(problems)
  );
}

/** Any rejection as a CommandError (the IPC layer itself may reject with a string). */
export function asCommandError(error: unknown): CommandError {
  if (isCommandError(error)) return error;
  const detail = String(error);
  return { code: "internal", message: detail, params: { detail }, problems: [] };
}

let onSessionError: (code: SessionCode) => void = () => undefined;

/** Called whenever a command was refused because the session is locked or closed. */
export function setSessionErrorHandler(handler: (code: SessionCode) => void): void {
  onSessionError = handler;
}

/**
 * Commands that may add to what waits for the registry (the outbox): after
 * one succeeds the header's "N waiting" count is read again.
 */
const LOCAL_WRITES = new Set([
  "log_attempt",
  "change_status",
  "register_case",
  "amend_registration",
  "decide_amendment",
  "assign_cases",
  "open_case_by_hand",
  "record_print",
  "save_extract_pdf",
  "record_batch",
  "record_blank_print",
  "record_spoiled_blank",
  "retry_refused_item",
  "import_notifications",
  "import_dropped",
]);

/** The window event sent after a local write (see LOCAL_WRITES). */
export const LOCAL_WRITE_EVENT = "hotich-local-write";
/** Dispatched on the window when a backup was made, its folder chosen or one restored from Quản trị. */
export const BACKUP_CHANGED_EVENT = "hotich-backup-changed";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    const result = await invoke<T>(command, args);
    if (LOCAL_WRITES.has(command)) window.dispatchEvent(new Event(LOCAL_WRITE_EVENT));
    return result;
  } catch (raw) {
    const error = asCommandError(raw);
    const session = sessionCode(error.code);
    if (session) onSessionError(session);
    throw error;
  }
}

export const api = {
  startup: () => call<null>("startup"),
  installationState: () => call<InstallationState>("installation_state"),
  searchCommunes: (query: string) => call<CommuneMatch[]>("search_communes", { query }),
  readRootKeyFile: (path: string) => call<RootKeyView>("read_root_key_file", { path }),
  checkRootKey: (key: RootKeyFile) => call<RootKeyView>("check_root_key", { key }),
  setUpOffice: (setup: OfficeSetUp, token: string) => call<OfficeReady>("set_up_office", { setup, token }),
  setUpDemo: () => call<null>("set_up_demo"),
  leaveDemo: () => call<null>("leave_demo"),
  officeDetails: () => call<OfficeDetails>("office_details"),
  changeOfficeDetails: (details: OfficeDetailsInput) => call<OfficeDetails>("change_office_details", { details }),
  replaceRootKey: (key: RootKeyFile, confirmedFingerprint: string) =>
    call<RootKeyView>("replace_root_key", { key, confirmedFingerprint }),
  office: () => call<Office | null>("office"),
  listCases: (filter: CaseFilter) => call<CasePage>("list_cases", { filter }),
  caseDetail: (id: string) => call<CaseDetail>("case_detail", { id }),
  quarantine: () => call<QuarantineEntry[]>("quarantine"),
  importNotifications: (path: string) => call<ImportSummary>("import_notifications", { path }),
  importTrustList: (path: string) => call<TrustImportSummary>("import_trust_list", { path }),
  sessionState: () => call<SessionState>("session_state"),
  createFirstSupervisor: (username: string, fullName: string, password: string) =>
    call<SessionState>("create_first_supervisor", { username, fullName, password }),
  signIn: (username: string, password: string) => call<SessionState>("sign_in", { username, password }),
  signOut: () => call<null>("sign_out"),
  lockSession: () => call<null>("lock_session"),
  unlockSession: (password: string) => call<SessionState>("unlock_session", { password }),
  touchSession: () => call<null>("touch_session"),
  officers: () => call<Officer[]>("officers"),
  createOfficer: (username: string, fullName: string, role: Role, password: string) =>
    call<Officer>("create_officer", { username, fullName, role, password }),
  changeOwnPassword: (current: string, next: string) =>
    call<SessionState>("change_own_password", { current, new: next }),
  resetPassword: (officerId: string) => call<PasswordReset>("reset_password", { officerId }),
  setOfficerActive: (officerId: string, active: boolean) =>
    call<Officer>("set_officer_active", { officerId, active }),
  setOfficerRole: (officerId: string, role: Role) => call<Officer>("set_officer_role", { officerId, role }),
  setIdleLockSeconds: (seconds: number) => call<null>("set_idle_lock_seconds", { seconds }),
  officeContact: () => call<OfficeContact>("office_contact"),
  setOfficeContact: (contact: OfficeContact) => call<null>("set_office_contact", { contact }),
  assignCases: (caseIds: string[], assignee: string | null) =>
    call<number>("assign_cases", { caseIds, assignee }),
  caseOutreach: (id: string) => call<OutreachView>("case_outreach", { id }),
  logAttempt: (id: string, input: AttemptInput) => call<string>("log_attempt", { id, input }),
  changeStatus: (id: string, decision: StatusDecision) => call<string>("change_status", { id, decision }),
  registrationDraft: (caseId: string) => call<RegistrationForm>("registration_draft", { caseId }),
  checkRegistration: (caseId: string, form: RegistrationForm) =>
    call<RegistrationCheck>("check_registration", { caseId, form }),
  registerCase: (caseId: string, form: RegistrationForm) => call<Registration>("register_case", { caseId, form }),
  caseRegistration: (caseId: string) => call<Registration | null>("case_registration", { caseId }),
  healthShare: (registrationId: string) => call<HealthShare | null>("health_share", { registrationId }),
  amendRegistration: (registrationId: string, form: RegistrationForm, reason: string) =>
    call<Registration>("amend_registration", { registrationId, form, reason }),
  pendingAmendments: () => call<PendingAmendment[]>("pending_amendments"),
  backupStatus: () => call<BackupStatus>("backup_status"),
  setBackupFolder: (folder: string) => call<BackupStatus>("set_backup_folder", { folder }),
  backUpNow: () => call<BackupFacts>("back_up_now"),
  restoreBackup: (path: string) => call<Restored>("restore_backup", { path }),
  calendarYear: (year: number) => call<CalendarYear>("calendar_year", { year }),
  importHolidaySchedule: (path: string) => call<ScheduleImported>("import_holiday_schedule", { path }),
  officeHours: () => call<string>("office_hours"),
  setOfficeHours: (hours: string) => call<string>("set_office_hours", { hours }),
  /** The scheduled backups checked: a backup made, or failed. */
  onBackupChecked: (handler: () => void): Promise<UnlistenFn> => listen("backup-checked", () => handler()),
  decideAmendment: (amendmentId: string, approve: boolean, note: string) =>
    call<Registration>("decide_amendment", { amendmentId, approve, note }),
  unsavedForm: (caseId: string, mode: FormMode) => call<string | null>("unsaved_form", { caseId, mode }),
  keepUnsavedForm: (caseId: string, mode: FormMode, body: string) =>
    call<null>("keep_unsaved_form", { caseId, mode, body }),
  signers: () => call<Signer[]>("signers"),
  setSigners: (signers: Signer[]) => call<Signer[]>("set_signers", { signers }),
  // `eventDate` null: left empty or unreadable; the refusal names it with the form's other problems.
  openCaseByHand: (kind: EventKind, name: string, eventDate: string | null) =>
    call<string>("open_case_by_hand", { kind, name, eventDate }),
  ethnicities: () => call<string[]>("ethnicities"),
  extractPreview: (registrationId: string, document: DocumentKind) =>
    call<Preview>("extract_preview", { registrationId, document }),
  issuePrint: (registrationId: string, document: DocumentKind, copies: number) =>
    call<IssuedPages>("issue_print", { registrationId, document, copies }),
  recordPrint: (papers: IssuedPaper[]) => call<PrintLogEntry[]>("record_print", { papers }),
  saveExtractPdf: (registrationId: string, document: DocumentKind, copies: number, path: string) =>
    call<PrintLogEntry>("save_extract_pdf", { registrationId, document, copies, path }),
  batchPreview: (day: string) => call<Preview[]>("batch_preview", { day }),
  issueBatch: (day: string) => call<IssuedPages>("issue_batch", { day }),
  recordBatch: (day: string, path: string) => call<PrintLogEntry[]>("record_batch", { day, path }),
  printLog: () => call<PrintLogLine[]>("print_log"),
  withdrawCopy: (code: string, reason: string) => call<WithdrawnCopy>("withdraw_copy", { code, reason }),
  checkPaper: (source: PaperSource) => call<PaperCheck>("check_paper", { source }),
  paperStatus: (code: string) => call<PaperStatusAnswer | null>("paper_status", { code }),
  auditEntries: (filter: AuditFilter) => call<AuditLine[]>("audit_entries", { filter }),
  verifyAudit: () => call<AuditReport>("verify_audit"),
  exportAudit: (filter: AuditFilter, path: string) => call<number>("export_audit", { filter, path }),
  /** The Giấy khai sinh's data only, placed for its pre-printed blank and shifted by the printer's offsets. */
  blankPreview: (registrationId: string, printer: string | null) =>
    call<Preview>("blank_preview", { registrationId, printer }),
  checkBlankSerial: (serial: string) => call<string>("check_blank_serial", { serial }),
  /** `path` null: the window printed the blank and the officer confirmed; else saved as PDF there. */
  recordBlankPrint: (registrationId: string, serial: string, printer: string | null, path: string | null) =>
    call<PrintLogEntry>("record_blank_print", { registrationId, serial, printer, path }),
  recordSpoiledBlank: (serial: string, reason: string) =>
    call<SpoiledBlank>("record_spoiled_blank", { serial, reason }),
  printerCalibrations: () => call<PrinterCalibration[]>("printer_calibrations"),
  savePrinterCalibration: (printer: string, offsetXMm: number, offsetYMm: number) =>
    call<PrinterCalibration>("save_printer_calibration", { printer, offsetXMm, offsetYMm }),
  testPagePreview: (printer: string) => call<string>("test_page_preview", { printer }),
  onBatchProgress: (handler: (progress: BatchProgress) => void): Promise<UnlistenFn> =>
    listen<BatchProgress>("batch-progress", (event) => handler(event.payload)),
  dashboard: () => call<DashboardFigures>("dashboard"),
  periodReport: (from: string, to: string) => call<PeriodReport>("period_report", { from, to }),
  provincePilotReport: (from: string, to: string) => call<ProvincePilot>("province_pilot_report", { from, to }),
  /** The period to `path`: CSV or XLSX figures, or the PDF report, by the extension (Rust decides). */
  exportPeriod: (from: string, to: string, path: string) => call<PeriodExport>("export_period", { from, to, path }),
  exportProvincePilot: (report: ProvincePilotReport, path: string) =>
    call<PeriodExport>("export_province_pilot", { report, path }),
  syncOverview: () => call<SyncOverview>("sync_overview"),
  syncNow: () => call<null>("sync_now"),
  saveSyncSettings: (server: string, token: string | null) =>
    call<null>("save_sync_settings", { server, token }),
  caseSyncState: (caseId: string) => call<CaseSyncState>("case_sync_state", { caseId }),
  retryRefusedItem: (id: string) => call<boolean>("retry_refused_item", { id }),
  onSyncActivity: (handler: (activity: SyncActivity) => void): Promise<UnlistenFn> =>
    listen<SyncActivity>("sync-activity", (event) => handler(event.payload)),
  onSyncFinished: (handler: (changed: boolean) => void): Promise<UnlistenFn> =>
    listen<boolean>("sync-finished", (event) => handler(event.payload)),
  /** Files dropped on the queue window, imported as the file dialog's are. */
  importDropped: (paths: string[]) => call<DroppedImport>("import_dropped", { paths }),
  trustCertificates: () => call<TrustCertificate[]>("trust_certificates"),
  facilityCertificates: () => call<FacilityCertificate[]>("facility_certificates"),
  crls: () => call<CrlEntry[]>("crls"),
  addTrustCertificates: (path: string) => call<TrustCertificate[]>("add_trust_certificates", { path }),
  addFacilityCertificate: (facilityCode: string, path: string) =>
    call<FacilityCertificate>("add_facility_certificate", { facilityCode, path }),
  addCrl: (path: string) => call<CrlAdded>("add_crl", { path }),
  removeX509: (kind: X509Entry, id: number) => call<null>("remove_x509", { kind, id }),
  officialEvidence: (notificationId: string) => call<OfficialEvidence[]>("official_evidence", { notificationId }),
  fhirEvidence: (notificationId: string) => call<FhirEvidence[]>("fhir_evidence", { notificationId }),
  onImportProgress: (handler: (progress: ImportProgress) => void): Promise<UnlistenFn> =>
    listen<ImportProgress>("import-progress", (event) => handler(event.payload)),
  /** The first start of this version encrypting an earlier version's database. */
  onStoreEncryption: (handler: (progress: StoreEncryption) => void): Promise<UnlistenFn> =>
    listen<StoreEncryption>("store-encryption", (event) => handler(event.payload)),
};
