//! Every word of the province's supervision page, one table per language
//! (Vietnamese first; `?lang=en` for English). The templates read them as
//! `t.NAME`.

use serde::Serialize;

/// The page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    /// `en` is English; anything else (or nothing) Vietnamese.
    pub fn parse(code: Option<&str>) -> Lang {
        match code {
            Some("en") => Lang::En,
            _ => Lang::Vi,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Labels {
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub other_lang_name: &'static str,
    pub title: &'static str,
    pub sign_in: &'static str,
    pub sign_in_intro: &'static str,
    pub login: &'static str,
    pub password: &'static str,
    pub wrong_login: &'static str,
    /// The lockout the sign-in applies (`LOCK_AFTER_FAILED_SIGN_INS`, `LOCKOUT`).
    pub lockout_rule: &'static str,
    pub sign_out: &'static str,
    pub period: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub show: &'static str,
    pub export: &'static str,
    pub commune: &'static str,
    pub received: &'static str,
    pub open: &'static str,
    pub overdue: &'static str,
    pub no_contact: &'static str,
    pub on_time: &'static str,
    pub mean_days: &'static str,
    pub health_in_time: &'static str,
    pub last_sync: &'static str,
    pub refused: &'static str,
    pub never: &'static str,
    pub stale: &'static str,
    pub never_synced: &'static str,
    pub province_total: &'static str,
    pub trend: &'static str,
    pub trend_received: &'static str,
    pub trend_registered: &'static str,
    pub overdue_list: &'static str,
    pub back: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub birth: &'static str,
    pub death: &'static str,
    pub event_date: &'static str,
    pub deadline: &'static str,
    pub days_overdue: &'static str,
    pub assignee: &'static str,
    pub last_attempt: &'static str,
    pub nobody: &'static str,
    pub none_yet: &'static str,
    pub no_overdue: &'static str,
    pub stale_commune: &'static str,
    pub bad_period: &'static str,
    pub rules: &'static str,
}

const VI: Labels = Labels {
    lang: "vi",
    other_lang: "en",
    other_lang_name: "English",
    title: "Giám sát hộ tịch toàn tỉnh",
    sign_in: "Đăng nhập",
    sign_in_intro: "Dành cho cán bộ Sở Tư pháp được cấp tài khoản của tỉnh.",
    login: "Tên đăng nhập",
    password: "Mật khẩu",
    wrong_login: "Tên đăng nhập hoặc mật khẩu không đúng.",
    lockout_rule: "Nhập sai mật khẩu 5 lần liên tiếp, tài khoản bị tạm khóa 15 phút.",
    sign_out: "Đăng xuất",
    period: "Kỳ số liệu",
    from: "Từ ngày",
    to: "Đến ngày",
    show: "Xem",
    export: "Tải tệp Excel",
    commune: "Xã, phường",
    received: "Thông báo nhận",
    open: "Chưa đăng ký",
    overdue: "Quá hạn",
    no_contact: "Chưa liên hệ sau 2 ngày làm việc",
    on_time: "Đăng ký đúng hạn",
    mean_days: "Số ngày TB đến đăng ký",
    health_in_time: "Y tế gửi trong 4 giờ làm việc",
    last_sync: "Đồng bộ lần cuối",
    refused: "Bị từ chối",
    never: "chưa bao giờ",
    stale: "số liệu đến lần đồng bộ cuối",
    never_synced: "chưa đồng bộ",
    province_total: "Toàn tỉnh",
    trend: "Theo tháng",
    trend_received: "Thông báo nhận",
    trend_registered: "Đã đăng ký",
    overdue_list: "Các trường hợp quá hạn",
    back: "Về bảng toàn tỉnh",
    name: "Họ tên",
    kind: "Loại",
    birth: "Khai sinh",
    death: "Khai tử",
    event_date: "Ngày sự kiện",
    deadline: "Hạn đăng ký",
    days_overdue: "Số ngày quá hạn",
    assignee: "Cán bộ phụ trách",
    last_attempt: "Liên hệ gần nhất",
    nobody: "chưa phân công",
    none_yet: "chưa có",
    no_overdue: "Không có trường hợp quá hạn.",
    stale_commune: "Xã này chưa đồng bộ trong 24 giờ qua: số liệu tính đến lần đồng bộ cuối",
    bad_period: "Kỳ số liệu không hợp lệ: ngày bắt đầu phải trước ngày kết thúc.",
    rules: "Hạn đăng ký: khai sinh 60 ngày, khai tử 15 ngày (Luật Hộ tịch 2014, Điều 15, 33). Y tế gửi trong 4 giờ làm việc (Nghị định 63/2024/NĐ-CP, Điều 25).",
};

const EN: Labels = Labels {
    lang: "en",
    other_lang: "vi",
    other_lang_name: "Tiếng Việt",
    title: "Province civil registration supervision",
    sign_in: "Sign in",
    sign_in_intro: "For provincial justice officers with an account of the province.",
    login: "Login",
    password: "Password",
    wrong_login: "Wrong login or password.",
    lockout_rule: "After 5 wrong passwords in a row, the account is locked for 15 minutes.",
    sign_out: "Sign out",
    period: "Period",
    from: "From",
    to: "To",
    show: "Show",
    export: "Download Excel file",
    commune: "Commune",
    received: "Notifications received",
    open: "Not registered",
    overdue: "Overdue",
    no_contact: "No contact within 2 working days",
    on_time: "Registered on time",
    mean_days: "Mean days to registration",
    health_in_time: "Health sent within 4 working hours",
    last_sync: "Last sync",
    refused: "Refused",
    never: "never",
    stale: "figures as of the last sync",
    never_synced: "never synced",
    province_total: "Province",
    trend: "By month",
    trend_received: "Notifications received",
    trend_registered: "Registered",
    overdue_list: "Overdue cases",
    back: "Back to the province",
    name: "Name",
    kind: "Kind",
    birth: "Birth",
    death: "Death",
    event_date: "Event date",
    deadline: "Deadline",
    days_overdue: "Days overdue",
    assignee: "Assigned officer",
    last_attempt: "Last attempt",
    nobody: "not assigned",
    none_yet: "none yet",
    no_overdue: "No overdue case.",
    stale_commune: "This commune has not synced in the last 24 hours: figures as of its last sync",
    bad_period: "Invalid period: the start must come before the end.",
    rules: "Deadlines: birth 60 days, death 15 days (Law on Civil Status 2014, Art. 15, 33). Health sends within 4 working hours (Decree 63/2024/ND-CP, Art. 25).",
};

pub fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::province::{LOCKOUT, LOCK_AFTER_FAILED_SIGN_INS};

    #[test]
    fn the_lockout_rule_states_the_numbers_the_sign_in_applies() {
        for lang in [Lang::Vi, Lang::En] {
            let rule = labels(lang).lockout_rule;
            assert!(
                rule.contains(&format!(" {LOCK_AFTER_FAILED_SIGN_INS} ")),
                "{rule}"
            );
            assert!(
                rule.contains(&format!(" {} ", LOCKOUT.num_minutes())),
                "{rule}"
            );
        }
    }
}
