// The words of the registered death's line with the health side (Justice →
// Health): its state from Rust's label table, then the returned cause.
import { LABELS_EN, LABELS_VI } from "../bindings/labels";
import { words } from "./words";

export const healthShareVi = {
  title: "Chia sẻ với y tế",
  state: words(LABELS_VI.healthShareState),
  cause: (text: string, icd10: string) => `Nguyên nhân tử vong: ${text} (ICD-10 ${icd10})`,
  determined: (by: string, on: string, facility: string) => `${by} xác định ngày ${on}, ${facility}.`,
  differs: (entered: string) => `Khác nguyên nhân đã ghi khi đăng ký: “${entered}”. Cần xem lại; sổ không tự sửa.`,
};

export const healthShareEn: typeof healthShareVi = {
  title: "Shared with health",
  state: words(LABELS_EN.healthShareState),
  cause: (text: string, icd10: string) => `Cause of death: ${text} (ICD-10 ${icd10})`,
  determined: (by: string, on: string, facility: string) => `Determined by ${by} on ${on}, ${facility}.`,
  differs: (entered: string) => `Differs from the cause entered at registration: “${entered}”. To review; the register is not changed.`,
};
