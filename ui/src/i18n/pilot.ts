// The words of the Justice-Health pilot's figures: each line's short name
// from Rust's label table (the chart's categories), the province's view.
import { LABELS_EN, LABELS_VI } from "../bindings/labels";
import { words } from "./words";

export const pilotVi = {
  chart: "Thí điểm liên thông: sự kiện trong kỳ",
  line: words(LABELS_VI.pilotLine),
  province: "Số liệu toàn tỉnh (máy chủ trung tâm)",
  provinceTitle: (province: string) => `Thí điểm liên thông: ${province}`,
  provinceChart: (province: string) => `Thí điểm liên thông: ${province}, sự kiện trong kỳ`,
  freshness: (syncing: number, communes: number, oldest: string | null) =>
    `${syncing}/${communes} xã đã đồng bộ` +
    (oldest ? `; số liệu tính đến lần đồng bộ cũ nhất, ${oldest}.` : "; chưa xã nào đồng bộ."),
  made: (at: string) => `Máy chủ tính lúc ${at}.`,
  exported: (path: string, lines: number) => `Đã xuất ${path}: ${lines} chỉ tiêu.`,
};

export const pilotEn: typeof pilotVi = {
  chart: "Justice-Health pilot: events of the period",
  line: words(LABELS_EN.pilotLine),
  province: "Figures of the whole province (central registry)",
  provinceTitle: (province: string) => `Justice-Health pilot: ${province}`,
  provinceChart: (province: string) => `Justice-Health pilot: ${province}, events of the period`,
  freshness: (syncing: number, communes: number, oldest: string | null) =>
    `${syncing}/${communes} communes have synced` +
    (oldest ? `; the figures hold what reached the registry by the least recent sync, ${oldest}.` : "; no commune has synced."),
  made: (at: string) => `Computed by the registry at ${at}.`,
  exported: (path: string, lines: number) => `Exported ${path}: ${lines} lines.`,
};
