//! The period's figures as the report's lines (births and deaths side by
//! side), as printed, exported to CSV/XLSX and drawn in the PDF report.
//! Writes and reads no table.

use hotich_protocol::pilot::{PilotFigures, PilotKindFigures};
use hotich_protocol::EventKind;

use super::{KindStats, PeriodStats, ReportLine, DAYS_BUCKETS};
use crate::labels::{self, Lang, PilotLine, ReportFigure};
use crate::lifecycle::Outcome;

/// An outcome as the report names it (the label table's word).
pub fn outcome_label_vi(outcome: Outcome) -> &'static str {
    labels::outcome(Lang::Vi, outcome)
}

/// A share as the Vietnamese report writes it: one decimal after a comma,
/// the sign right after the number ("50,0%"), as the report's words are
/// Vietnamese too.
fn percent(share: Option<f64>) -> String {
    share.map_or_else(
        || "-".to_owned(),
        |s| format!("{:.1}%", s * 100.0).replace('.', ","),
    )
}

fn days_text(days: Option<u32>) -> String {
    days.map_or_else(|| "-".to_owned(), |d| d.to_string())
}

/// Working minutes as hours, one decimal after a comma ("1,5").
fn hours_text(minutes: Option<u32>) -> String {
    minutes.map_or_else(
        || "-".to_owned(),
        |m| format!("{:.1}", f64::from(m) / 60.0).replace('.', ","),
    )
}

/// "3/5 trong 4 giờ" as a facility's line writes it: in time of issued.
fn in_time_of(in_time: u64, issued: u64) -> String {
    if issued == 0 {
        "-".to_owned()
    } else {
        format!("{in_time}/{issued}")
    }
}

/// A mean of days, one decimal after a comma ("12,4").
fn mean_text(mean: Option<f64>) -> String {
    mean.map_or_else(|| "-".to_owned(), |m| format!("{m:.1}").replace('.', ","))
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

impl PeriodStats {
    /// The figures as a table of lines, births and deaths side by side.
    pub fn report_lines(&self) -> Vec<ReportLine> {
        let (b, d) = (&self.birth, &self.death);
        let mut lines = Vec::new();
        let mut line = |label: &str, of: &dyn Fn(&KindStats) -> String| {
            lines.push(ReportLine {
                label: label.to_owned(),
                birth: of(b),
                death: of(d),
            });
        };
        use ReportFigure::*;
        let figure = |figure| labels::report_figure(Lang::Vi, figure);
        line(figure(Received), &|k| k.received.to_string());
        line(figure(Voided), &|k| k.voided.to_string());
        line(figure(OpenedWithoutNotification), &|k| {
            k.opened_without_notification.to_string()
        });
        line(figure(Registered), &|k| k.registered.to_string());
        line(figure(RegisteredOnTime), &|k| {
            k.registered_on_time.to_string()
        });
        line(figure(RegisteredLate), &|k| k.registered_late.to_string());
        line(figure(OnTimeShare), &|k| {
            percent(share(k.registered_on_time, k.registered))
        });
        line(figure(DaysToRegistrationMedian), &|k| {
            days_text(k.days_to_registration_median)
        });
        line(figure(DaysToRegistrationP90), &|k| {
            days_text(k.days_to_registration_p90)
        });
        line(figure(Contacted), &|k| k.contacted.to_string());
        line(figure(DaysToFirstContactMedian), &|k| {
            days_text(k.days_to_first_contact_median)
        });
        line(figure(CasesWorked), &|k| k.cases_worked.to_string());
        line(figure(RegisteredAfterOutreach), &|k| {
            k.registered_after_outreach.to_string()
        });
        line(figure(OutreachConversion), &|k| {
            percent(k.outreach_conversion)
        });
        line(figure(Attempts), &|k| k.attempts.to_string());
        for outcome in Outcome::ALL {
            let label = labels::report_outcome_line(Lang::Vi, *outcome);
            line(&label, &|k| {
                k.attempt_outcomes
                    .iter()
                    .find(|o| o.outcome == *outcome)
                    .map_or(0, |o| o.count)
                    .to_string()
            });
        }
        for (index, (min, max)) in DAYS_BUCKETS.iter().enumerate() {
            let label = labels::report_days_line(Lang::Vi, *min, *max);
            line(&label, &|k| k.days_to_registration[index].count.to_string());
        }
        line(figure(IssuedByHealth), &|k| k.issued_by_health.to_string());
        line(figure(SentInTime), &|k| k.sent_in_time.to_string());
        line(figure(SentInTimeShare), &|k| {
            percent(share(k.sent_in_time, k.issued_by_health))
        });
        line(figure(WorkingHoursToArrivalMedian), &|k| {
            hours_text(k.working_minutes_to_arrival_median)
        });
        for facility in self.facilities.iter().filter(|f| f.is_late()) {
            lines.push(ReportLine {
                label: labels::report_late_facility_line(
                    Lang::Vi,
                    &facility.facility_name,
                    &facility.facility_id,
                ),
                birth: in_time_of(facility.births_in_time, facility.births_issued),
                death: in_time_of(facility.deaths_in_time, facility.deaths_issued),
            });
        }
        lines.extend(pilot_lines(&self.pilot, Lang::Vi));
        lines
    }
}

/// The pilot's figures as report lines, births and deaths side by side (a
/// line that does not apply to births, the deaths shared with health, shows
/// "-" for them). The commune's report and the province's use these.
pub fn pilot_lines(figures: &PilotFigures, lang: Lang) -> Vec<ReportLine> {
    use PilotLine::*;
    let mut lines = Vec::new();
    let mut line = |which: PilotLine, of: &dyn Fn(&PilotKindFigures) -> String| {
        let applies = |k: &PilotKindFigures| {
            k.kind == EventKind::Death
                || !matches!(which, SharedWithHealth | CausesReturned | DaysToCauseMean)
        };
        let text = |k: &PilotKindFigures| if applies(k) { of(k) } else { "-".to_owned() };
        lines.push(ReportLine {
            label: labels::pilot_report_line(lang, which),
            birth: text(&figures.birth),
            death: text(&figures.death),
        });
    };
    line(Notified, &|k| k.notified.to_string());
    line(FamiliesContacted, &|k| k.families_contacted.to_string());
    line(RegisteredAfterOutreach, &|k| {
        k.registered_after_outreach.to_string()
    });
    line(NotifiedNotRegistered, &|k| {
        k.notified_not_registered.to_string()
    });
    line(Registered, &|k| k.registered.to_string());
    line(RegisteredOnTime, &|k| k.registered_on_time.to_string());
    line(DaysToRegistrationMean, &|k| {
        mean_text(k.days_to_registration_mean)
    });
    line(DaysToRegistrationMedian, &|k| {
        days_text(k.days_to_registration_median)
    });
    line(DaysToHealthDataMean, &|k| {
        mean_text(k.days_to_health_data_mean)
    });
    line(IdentificationComplete, &|k| {
        k.identification_complete.to_string()
    });
    line(IdentificationCompleteShare, &|k| {
        percent(share(k.identification_complete, k.notified))
    });
    line(SharedWithHealth, &|k| k.shared_with_health.to_string());
    line(CausesReturned, &|k| k.causes_returned.to_string());
    line(DaysToCauseMean, &|k| mean_text(k.days_to_cause_mean));
    lines
}
