//! The words of Justice → Health (issue 18, item 1): where a registered
//! death stands with the health side.

use super::Lang;
use crate::health_loop::HealthShareState;

pub fn health_share_state(lang: Lang, state: HealthShareState) -> &'static str {
    use HealthShareState::*;
    match (lang, state) {
        (Lang::Vi, NotSent) => "Chưa gửi lên máy chủ trung tâm",
        (Lang::Vi, SentToHealth) => "Đã chuyển y tế",
        (Lang::Vi, CauseDetermined) => "Y tế đã xác định nguyên nhân",
        (Lang::En, NotSent) => "Not sent to the central registry yet",
        (Lang::En, SentToHealth) => "Shared with the health station",
        (Lang::En, CauseDetermined) => "Cause determined by the health station",
    }
}
