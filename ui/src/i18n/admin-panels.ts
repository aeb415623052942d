import { LABELS_EN, LABELS_VI } from "../bindings/labels";
import { words } from "./words";

// The words of three Quản trị panels (backups, amendments waiting for approval,
// the holiday calendar),
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

export const holidayCalendarVi = {
  title: "Lịch nghỉ lễ",
  hint: "Hạn đăng ký, ngày hẹn liên hệ lại và chỉ số “chưa liên hệ sau 2 ngày làm việc” tính theo lịch này: ngày nghỉ lễ, Tết và ngày làm bù.",
  year: "Năm",
  source: {
    imported: (by: string, at: string) => `Lịch chính thức do ${by} nhập lúc ${at}.`,
    shipped: "Lịch chính thức kèm theo Hotich.",
    labour_code: "Chưa nhập lịch chính thức của năm: theo Bộ luật Lao động (Điều 112), ngày nghỉ Tết và ngày liền kề Quốc khánh là ngày mặc định.",
  },
  day: "Ngày",
  worked: "Làm việc",
  off: "Nghỉ",
  what: "Lý do",
  madeUp: (holiday: string) => `Nghỉ bù ${holiday}`,
  none: "Năm này không có ngày nghỉ lễ nào trong tuần.",
  import: "Nhập lịch chính thức…",
  fileFilter: "Lịch nghỉ lễ (mỗi dòng: yyyy-mm-dd off|work ghi chú)",
  importConfirm: (path: string) =>
    `Nhập lịch từ ${path}? Những năm có trong tệp thay lịch đang dùng, và hạn đăng ký của mọi hồ sơ được tính lại theo lịch mới.`,
  importYes: "Nhập lịch",
  cancel: "Thôi",
  imported: (years: string, moved: number) => `Đã nhập lịch năm ${years}; ${moved} hồ sơ đổi hạn đăng ký.`,
  holiday: words(LABELS_VI.holiday),
  hours: "Giờ làm việc (tính 4 giờ làm việc cơ sở y tế phải gửi thông báo)",
  hoursHint: "Dạng 07:30-11:30,13:30-17:00; ngày nghỉ lễ và cuối tuần không tính.",
  saveHours: "Lưu giờ làm việc",
  hoursSaved: (hours: string) => `Đã lưu giờ làm việc: ${hours}.`,
};

export const holidayCalendarEn: typeof holidayCalendarVi = {
  title: "Holiday calendar",
  hint: "Registration deadlines, follow-up days and “not contacted within 2 working days” count with this calendar: public holidays, Tết and make-up working days.",
  year: "Year",
  source: {
    imported: (by: string, at: string) => `Official schedule imported by ${by} at ${at}.`,
    shipped: "Official schedule shipped with Hotich.",
    labour_code: "The year's official schedule is not imported: the Labour Code (Art. 112) with default days for Tết and the day beside National Day.",
  },
  day: "Day",
  worked: "Worked",
  off: "Off",
  what: "Why",
  madeUp: (holiday: string) => `In lieu of ${holiday}`,
  none: "No public holiday falls on a weekday this year.",
  import: "Import the official schedule…",
  fileFilter: "Holiday schedule (a line per day: yyyy-mm-dd off|work note)",
  importConfirm: (path: string) =>
    `Import the schedule in ${path}? The years in the file replace the calendar in use, and every case's registration deadline is counted again.`,
  importYes: "Import",
  cancel: "Cancel",
  imported: (years: string, moved: number) => `Schedule of ${years} imported; ${moved} cases have a new deadline.`,
  holiday: words(LABELS_EN.holiday),
  hours: "Office hours (counting the 4 working hours health facilities have to send a notification)",
  hoursHint: "Written 07:30-11:30,13:30-17:00; holidays and weekends do not count.",
  saveHours: "Save office hours",
  hoursSaved: (hours: string) => `Office hours saved: ${hours}.`,
};
