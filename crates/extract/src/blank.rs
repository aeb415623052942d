//! The Giấy khai sinh on the Ministry of Justice's numbered pre-printed
//! blank (phôi): the blank carries the national heading, the title and every
//! caption, so this layout draws only the data, each value in the box where
//! the blank leaves room for it, shifted by the printer's calibration. The
//! alignment test page draws the same boxes with crosshairs and rulers, to
//! check that calibration on a sheet held against a blank.
//!
//! The boxes' positions are those of the values on the plain-A4 Giấy khai
//! sinh ([`crate::render`], Circular 04/2020/TT-BTP as amended by 04/2024):
//! they must be measured against a real blank before an office relies on
//! them; each printer's offsets absorb what is left (`docs/legal-rules.md`).

use chrono::Datelike;
use hotich_core::{DocumentKind, PrinterCalibration};

use crate::content::{nfc, Extract};
use crate::error::{ExtractError, Result};
use crate::render::Face::{Bold, Regular};
use crate::render::{self, text_width, wrap, Face, Mark, PAGE_HEIGHT, PAGE_WIDTH};
use crate::{Prepared, Preview};

/// Where a value goes on the blank: its first baseline `top` mm from the
/// sheet's top edge, from `x` mm from its left edge, `width` mm wide, on
/// at most `lines` lines.
#[derive(Debug, Clone, PartialEq)]
pub struct BlankBox {
    /// The content line it prints (the print log's name), or a part of one.
    pub name: String,
    pub x: f32,
    pub top: f32,
    pub width: f32,
    pub lines: u8,
    pub align: Align,
    pub face: Face,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

/// Body size of the values; a value too long for its box is set smaller,
/// down to [`MIN_SIZE`].
const SIZE: f32 = 13.0;
const MIN_SIZE: f32 = 9.0;
const LEADING: f32 = 6.05;
const MM_PER_PT: f32 = 25.4 / 72.0;

fn field(name: &str, x: f32, top: f32, width: f32, lines: u8, face: Face) -> BlankBox {
    BlankBox {
        name: name.to_owned(),
        x,
        top,
        width,
        lines,
        align: Align::Left,
        face,
    }
}

impl BlankBox {
    /// The same box, its value aligned `align` within it.
    fn aligned(self, align: Align) -> BlankBox {
        BlankBox { align, ..self }
    }
}

/// The line "Giới tính / Dân tộc / Quốc tịch" (a parent's: "Năm sinh / …"),
/// at `top`, its first box from `first_x`.
fn three_columns([first, second, third]: [String; 3], first_x: f32, top: f32) -> [BlankBox; 3] {
    [
        field(&first, first_x, top, 86.0 - first_x, 1, Face::Regular),
        field(&second, 107.0, top, 29.0, 1, Face::Regular),
        field(&third, 161.0, top, 29.0, 1, Face::Regular),
    ]
}

/// A parent's name, year of birth, ethnicity, nationality and residence,
/// from the name's line at `top` (`who`: "mẹ" or "cha", as the content names them).
fn parent_boxes(who: &str, name_x: f32, top: f32) -> Vec<BlankBox> {
    let of = |what: &str| format!("{what} của {who}");
    let mut boxes = vec![field(
        &of("Họ, chữ đệm, tên"),
        name_x,
        top,
        190.0 - name_x,
        1,
        Face::Bold,
    )];
    boxes.extend(three_columns(
        [of("Năm sinh"), of("Dân tộc"), of("Quốc tịch")],
        54.0,
        top + 7.35,
    ));
    boxes.push(field(
        &of("Nơi cư trú"),
        55.0,
        top + 14.7,
        135.0,
        1,
        Face::Regular,
    ));
    boxes
}

/// The place of issue, before ", ngày … tháng … năm …" on the blank.
pub const PLACE_OF_ISSUE: &str = "Nơi cấp";
pub const DAY_OF_ISSUE: &str = "Ngày cấp";
pub const MONTH_OF_ISSUE: &str = "Tháng cấp";
pub const YEAR_OF_ISSUE: &str = "Năm cấp";
pub const SIGNER_TITLE: &str = "Chức vụ người ký";
pub const SIGNER_NAME: &str = "Người ký";

/// Every box of the blank, top to bottom.
pub fn boxes() -> Vec<BlankBox> {
    let child = |what: &str| what.to_owned();
    let mut boxes = vec![
        field("Số", 64.0, 38.4, 30.0, 1, Regular),
        field("Quyển số", 65.0, 44.1, 29.0, 1, Regular),
        field("Họ, chữ đệm, tên", 70.0, 75.6, 120.0, 1, Bold),
        field("Ngày, tháng, năm sinh", 82.0, 83.0, 108.0, 1, Regular),
        field(
            "Ngày, tháng, năm sinh (bằng chữ)",
            62.0,
            90.3,
            128.0,
            2,
            Regular,
        ),
    ];
    boxes.extend(three_columns(
        [child("Giới tính"), child("Dân tộc"), child("Quốc tịch")],
        52.0,
        103.7,
    ));
    boxes.extend([
        field("Nơi sinh", 51.0, 111.0, 139.0, 2, Regular),
        field("Quê quán", 54.0, 124.4, 136.0, 1, Regular),
        field("Số định danh cá nhân", 80.0, 131.8, 110.0, 1, Regular),
    ]);
    boxes.extend(parent_boxes("mẹ", 92.0, 139.1));
    boxes.extend(parent_boxes("cha", 93.0, 161.1));
    let requester = |what: &str| format!("{what} của người đi khai sinh");
    boxes.extend([
        field(&requester("Họ, chữ đệm, tên"), 111.0, 183.1, 79.0, 1, Bold),
        field(
            &requester("Giấy tờ tùy thân"),
            68.0,
            190.5,
            122.0,
            1,
            Regular,
        ),
        field(&requester("Quan hệ"), 104.0, 197.8, 86.0, 1, Regular),
        field("Nơi đăng ký khai sinh", 80.0, 205.1, 110.0, 2, Regular),
        field("Ngày đăng ký", 89.0, 218.5, 101.0, 1, Regular),
    ]);
    // ", ngày … tháng … năm …" is printed on the blank between these.
    let issued =
        |name, x, width, align| field(name, x, 229.9, width, 1, Face::Italic).aligned(align);
    boxes.extend([
        issued(PLACE_OF_ISSUE, 95.0, 31.0, Align::Right),
        issued(DAY_OF_ISSUE, 137.0, 8.0, Align::Center),
        issued(MONTH_OF_ISSUE, 156.0, 8.0, Align::Center),
        issued(YEAR_OF_ISSUE, 173.0, 14.0, Align::Left),
        field(SIGNER_TITLE, 95.0, 236.4, 95.0, 2, Bold).aligned(Align::Center),
        field(SIGNER_NAME, 95.0, 268.1, 95.0, 1, Bold).aligned(Align::Center),
    ]);
    boxes
}

/// A printer's shift, in mm: `x` to the right, `y` downwards on the sheet.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Offset {
    pub x: f32,
    pub y: f32,
}

impl From<&PrinterCalibration> for Offset {
    fn from(calibration: &PrinterCalibration) -> Offset {
        // Offsets are within ±10 mm: f32 holds them exactly enough.
        Offset {
            x: calibration.offset_x_mm as f32,
            y: calibration.offset_y_mm as f32,
        }
    }
}

impl Offset {
    /// The page's coordinates (mm from the bottom left) of a point `x` mm
    /// from the left and `top` mm from the top of the sheet, shifted.
    fn place(self, x: f32, top: f32) -> (f32, f32) {
        (x + self.x, PAGE_HEIGHT - top - self.y)
    }
}

/// What each box of a Giấy khai sinh says.
pub fn values(extract: &Extract) -> Result<Vec<(BlankBox, String)>> {
    if extract.document != DocumentKind::BirthCertificate {
        return Err(ExtractError::WrongDocument {
            document: extract.document,
            kind: hotich_protocol::EventKind::Birth,
        });
    }
    let by_name = |name: &str| {
        extract
            .rows
            .iter()
            .flat_map(|row| &row.0)
            .find(|field| field.name == name)
            .map(|field| field.value.clone())
    };
    let place_and_date = extract.place_and_date();
    let place = place_and_date
        .split_once(", ngày")
        .map_or(extract.issuer.commune_name.as_str(), |(place, _)| place)
        .to_owned();
    let day = extract.issue_date;
    // The blank prints the generic caption itself: only a title given is data.
    let signer_title = if extract.signer_title.is_empty() {
        String::new()
    } else {
        extract.signer_caption_lines().join("\n")
    };
    Ok(boxes()
        .into_iter()
        .map(|b| {
            let value = match b.name.as_str() {
                "Số" => extract.number.to_string(),
                "Quyển số" => extract.book.clone(),
                PLACE_OF_ISSUE => place.clone(),
                DAY_OF_ISSUE => format!("{:02}", day.day()),
                MONTH_OF_ISSUE => format!("{:02}", day.month()),
                YEAR_OF_ISSUE => day.year().to_string(),
                SIGNER_TITLE => signer_title.clone(),
                SIGNER_NAME => extract.signer_name.clone(),
                name => by_name(name).unwrap_or_default(),
            };
            (b, value)
        })
        .collect())
}

/// `text`'s lines in `b` at the largest size from [`SIZE`] down that fits.
fn fit(b: &BlankBox, text: &str) -> Result<(f32, Vec<String>)> {
    let mut size = SIZE;
    loop {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            lines.extend(wrap(b.face, size, paragraph, b.width, b.width)?);
        }
        let fits = lines.len() <= usize::from(b.lines)
            && lines.iter().try_fold(true, |ok, line| {
                Ok::<_, ExtractError>(ok && text_width(b.face, size, line)? <= b.width)
            })?;
        if fits {
            return Ok((size, lines));
        }
        if size <= MIN_SIZE {
            return Err(ExtractError::DoesNotFit(format!("phôi: {}", b.name)));
        }
        size -= 0.5;
    }
}

/// The data of a Giấy khai sinh for its blank, shifted by `offset`: no
/// caption, heading, rule or QR code, only values.
pub fn layout(prepared: &Prepared, offset: Offset) -> Result<Vec<Mark>> {
    let mut marks = Vec::new();
    for (b, value) in values(&prepared.extract)? {
        let value = value.split('\n').map(nfc).collect::<Vec<_>>().join("\n");
        if value.is_empty() {
            continue;
        }
        let (size, lines) = fit(&b, &value)?;
        let leading = LEADING.max(size * MM_PER_PT * 1.3);
        for (i, line) in lines.iter().enumerate() {
            let width = text_width(b.face, size, line)?;
            let left = match b.align {
                Align::Left => b.x,
                Align::Right => b.x + b.width - width,
                Align::Center => b.x + (b.width - width) / 2.0,
            };
            let (x, y) = offset.place(left, b.top + i as f32 * leading);
            marks.push(Mark::Text {
                x,
                y,
                face: b.face,
                size,
                text: line.clone(),
                width,
            });
        }
    }
    if let Some(text) = prepared.watermark {
        render::watermark(&mut marks, text)?;
    }
    Ok(marks)
}

/// The blank print's PDF: one sheet.
pub fn pdf(prepared: &Prepared, offset: Offset) -> Result<Vec<u8>> {
    let title = format!("{} (phôi)", prepared.extract.title());
    render::pdf(&title, &[layout(prepared, offset)?], 1)
}

/// The blank print as the window previews and prints it.
pub fn preview(prepared: &Prepared, offset: Offset) -> Result<Preview> {
    let mut preview = prepared.preview()?;
    preview.title = format!("{} (in trên phôi)", preview.title);
    preview.svg = render::svg(&layout(prepared, offset)?);
    Ok(preview)
}

/// A thin line (a filled strip) from `(x1, y1)` to `(x2, y2)`, horizontal or vertical.
fn line(marks: &mut Vec<Mark>, (x1, y1): (f32, f32), (x2, y2): (f32, f32)) {
    const THICK: f32 = 0.2;
    marks.push(Mark::Fill {
        x: x1.min(x2) - if x1 == x2 { THICK / 2.0 } else { 0.0 },
        y: y1.min(y2) - if y1 == y2 { THICK / 2.0 } else { 0.0 },
        width: (x2 - x1).abs().max(THICK),
        height: (y2 - y1).abs().max(THICK),
    });
}

fn small_text(marks: &mut Vec<Mark>, (x, y): (f32, f32), size: f32, text: &str) -> Result<()> {
    let text = nfc(text);
    let width = text_width(Face::Regular, size, &text)?;
    marks.push(Mark::Text {
        x,
        y,
        face: Face::Regular,
        size,
        text,
        width,
    });
    Ok(())
}

/// Crosshairs at these points (mm from the sheet's top left): the corners
/// of the blank's printed area and its centre.
pub const CROSSHAIRS: [(f32, f32); 5] = [
    (20.0, 20.0),
    (190.0, 20.0),
    (105.0, 148.5),
    (20.0, 277.0),
    (190.0, 277.0),
];

/// The alignment test page for `printer` with its `offset`: crosshairs at
/// [`CROSSHAIRS`], a millimetre ruler along the top and left edges (a long
/// tick every 10 mm, numbered), every box of the blank outlined and named,
/// all shifted by the offset, and a line saying which printer and offsets.
/// Printed on plain paper and held against a blank in the light, the boxes
/// should sit on the blank's dotted lines.
pub fn test_page(printer: &str, offset: Offset) -> Result<Vec<Mark>> {
    let mut marks = Vec::new();
    for &(cx, top) in &CROSSHAIRS {
        let (x, y) = offset.place(cx, top);
        line(&mut marks, (x - 6.0, y), (x + 6.0, y));
        line(&mut marks, (x, y - 6.0), (x, y + 6.0));
        small_text(
            &mut marks,
            (x + 1.5, y + 1.5),
            6.0,
            &format!("{cx:.0},{top:.1}"),
        )?;
    }
    for mm in (0..=PAGE_WIDTH as u32).step_by(2) {
        let long = mm % 10 == 0;
        let (x, y) = offset.place(mm as f32, 0.0);
        line(&mut marks, (x, y), (x, y - if long { 6.0 } else { 3.0 }));
        if long && mm > 0 && mm < PAGE_WIDTH as u32 {
            small_text(&mut marks, (x + 0.6, y - 8.5), 6.0, &mm.to_string())?;
        }
    }
    for mm in (0..=PAGE_HEIGHT as u32).step_by(2) {
        let long = mm % 10 == 0;
        let (x, y) = offset.place(0.0, mm as f32);
        line(&mut marks, (x, y), (x + if long { 6.0 } else { 3.0 }, y));
        if long && mm > 0 {
            small_text(&mut marks, (x + 7.0, y - 1.0), 6.0, &mm.to_string())?;
        }
    }
    for b in boxes() {
        let height = LEADING * f32::from(b.lines);
        // The box from just above the first baseline to below the last.
        let (left, upper) = offset.place(b.x, b.top - 4.6);
        let (right, lower) = offset.place(b.x + b.width, b.top - 4.6 + height);
        line(&mut marks, (left, upper), (right, upper));
        line(&mut marks, (left, lower), (right, lower));
        line(&mut marks, (left, lower), (left, upper));
        line(&mut marks, (right, lower), (right, upper));
        small_text(&mut marks, (left + 0.8, upper - 2.6), 6.0, &b.name)?;
    }
    let note = format!(
        "Trang thử căn lề phôi Giấy khai sinh. Máy in: {printer}. Độ lệch: ngang {:+.1} mm, dọc {:+.1} mm.",
        offset.x, offset.y
    );
    small_text(&mut marks, offset.place(30.0, 287.0), 8.0, &note)?;
    Ok(marks)
}

/// The test page's PDF.
pub fn test_page_pdf(printer: &str, offset: Offset) -> Result<Vec<u8>> {
    render::pdf("Trang thử căn lề phôi", &[test_page(printer, offset)?], 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_stay_on_the_sheet_and_name_distinct_lines() {
        let boxes = boxes();
        let mut names: Vec<&str> = boxes.iter().map(|b| b.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), boxes.len());
        for b in &boxes {
            assert!(
                b.x >= 10.0 && b.x + b.width <= PAGE_WIDTH - 10.0,
                "{}",
                b.name
            );
            assert!(b.top >= 10.0 && b.top <= PAGE_HEIGHT - 20.0, "{}", b.name);
        }
    }

    #[test]
    fn a_long_value_is_set_smaller_and_one_too_long_is_refused() {
        let b = field("Nơi sinh", 51.0, 111.0, 70.0, 1, Regular);
        let (size, lines) = fit(&b, "Trạm Y tế xã Bằng Thành").unwrap();
        assert_eq!((size, lines.len()), (SIZE, 1));
        let (size, lines) = fit(&b, "Trạm Y tế xã Bằng Thành, thôn Nà Tằng").unwrap();
        assert!(size < SIZE && lines.len() == 1);
        assert!(fit(&b, &"Thôn Nà Tằng ".repeat(10)).is_err());
    }
}
