// The words of two Quản trị panels (backups, amendments waiting for approval),
// one dictionary per language; vi.ts and en.ts take them in.

export const backupsVi = {
  title: "Sao lưu",
  folder: "Thư mục sao lưu (thường là đĩa USB)",
  noFolder: "(chưa chọn)",
  choose: "Chọn thư mục…",
  last: (at: string) => `Lần sao lưu tốt gần nhất: ${at}.`,
  never: "Chưa có bản sao lưu nào.",
  schedule: "Tự động mỗi ngày và sau mỗi 50 đăng ký; giữ mọi bản trong 30 ngày, trước đó mỗi tháng một bản.",
  now: "Sao lưu ngay",
  made: (path: string, registrations: number) => `Đã sao lưu vào ${path} (${registrations} đăng ký), đã kiểm tra toàn vẹn.`,
  restore: "Khôi phục từ bản sao lưu…",
  restoreConfirm: (path: string) =>
    `Khôi phục từ ${path}? Cơ sở dữ liệu hiện tại được giữ lại bên cạnh; những gì ghi sau bản sao lưu sẽ không còn trong sổ.`,
  restored: (kept: string) => `Đã khôi phục. Cơ sở dữ liệu cũ được giữ ở ${kept}.`,
  fileFilter: "Bản sao lưu Hotich",
};

export const amendmentApprovalVi = {
  title: "Cải chính chờ duyệt",
  none: "Không có cải chính nào chờ duyệt.",
  heading: (number: number, book: string, name: string) => `Số ${number}, quyển ${book}: ${name}`,
  recorded: (officer: string, at: string) => `${officer} ghi lúc ${at}`,
  approve: "Duyệt",
  reject: "Từ chối…",
  reason: "Lý do từ chối",
  rejectConfirm: "Từ chối cải chính",
  cancel: "Thôi",
  approved: (number: number, book: string) => `Đã duyệt cải chính số ${number}, quyển ${book}: nội dung mới có hiệu lực.`,
  rejected: (number: number, book: string) => `Đã từ chối cải chính số ${number}, quyển ${book}: sổ giữ nguyên.`,
};

export const backupsEn: typeof backupsVi = {
  title: "Backups",
  folder: "Backup folder (a USB disk, typically)",
  noFolder: "(not chosen)",
  choose: "Choose folder…",
  last: (at: string) => `Last good backup: ${at}.`,
  never: "No backup made yet.",
  schedule: "Automatic every day and after every 50 registrations; every backup kept for 30 days, then one a month.",
  now: "Back up now",
  made: (path: string, registrations: number) => `Backed up to ${path} (${registrations} registrations), checked whole.`,
  restore: "Restore from a backup…",
  restoreConfirm: (path: string) =>
    `Restore from ${path}? The current database is kept beside it; what was recorded after the backup will no longer be in the register.`,
  restored: (kept: string) => `Restored. The previous database is kept at ${kept}.`,
  fileFilter: "Hotich backup",
};

export const amendmentApprovalEn: typeof amendmentApprovalVi = {
  title: "Amendments waiting for approval",
  none: "No amendment waits for approval.",
  heading: (number: number, book: string, name: string) => `No. ${number}, book ${book}: ${name}`,
  recorded: (officer: string, at: string) => `Recorded by ${officer} at ${at}`,
  approve: "Approve",
  reject: "Reject…",
  reason: "Why it is rejected",
  rejectConfirm: "Reject the amendment",
  cancel: "Cancel",
  approved: (number: number, book: string) => `Amendment of no. ${number}, book ${book} approved: the new content is in effect.`,
  rejected: (number: number, book: string) => `Amendment of no. ${number}, book ${book} rejected: the register is unchanged.`,
};
