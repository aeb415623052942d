//! Layout and PDF: an extract becomes a list of marks (text at a place,
//! rules, QR squares) on an A4 page, then printpdf operations. Text is real
//! text in an embedded Unicode font, so it can be searched and copied.

use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem,
};

use crate::code::{qr_runs, ModuleRun};
use crate::content::{nfc, Extract, ValueStyle};
use crate::error::{ExtractError, Result};

/// Noto Serif (SIL OFL 1.1, `assets/fonts/OFL.txt`): every Vietnamese
/// letter precomposed, stacked marks (ằ, ặ, ữ, ỗ) drawn as single glyphs.
const REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/NotoSerif-Regular.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/NotoSerif-Bold.ttf");
const ITALIC_TTF: &[u8] = include_bytes!("../../../assets/fonts/NotoSerif-Italic.ttf");

/// A4 portrait.
pub const PAGE_WIDTH: f32 = 210.0;
pub const PAGE_HEIGHT: f32 = 297.0;
/// Margins of administrative papers, the wider one on the left for binding
/// (Decree 30/2020/NĐ-CP, Appendix I: top and bottom 20-25 mm, left 30-35
/// mm, right 15-20 mm).
pub const MARGIN_LEFT: f32 = 30.0;
pub const MARGIN_RIGHT: f32 = 20.0;
pub const MARGIN_TOP: f32 = 20.0;
pub const MARGIN_BOTTOM: f32 = 20.0;
const RIGHT_EDGE: f32 = PAGE_WIDTH - MARGIN_RIGHT;
const CONTENT_WIDTH: f32 = RIGHT_EDGE - MARGIN_LEFT;
/// The issuing body on the left, the national heading on the right.
const LEFT_BLOCK: (f32, f32) = (MARGIN_LEFT, 95.0);
const RIGHT_BLOCK: (f32, f32) = (95.0, RIGHT_EDGE);
/// The QR's printed side, in mm (25 mm or more, so a 150-dpi scan reads it).
pub const QR_SIZE: f32 = 27.0;
const MM_PER_PT: f32 = 25.4 / 72.0;
/// The gap between a label's colon and its value, the same on every line
/// and at every body size. Left empty rather than drawn as a space: text
/// extraction reads a drawn trailing space as nothing.
pub const LABEL_GAP: f32 = 1.6;
/// Body sizes tried, largest first, until the page holds everything.
const BODY_SIZES: [f32; 6] = [13.0, 12.5, 12.0, 11.5, 11.0, 10.5];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
    Italic,
}

/// Something drawn on the page; lengths in mm from the bottom left corner.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        face: Face,
        size: f32,
        text: String,
        width: f32,
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
    },
    /// A filled rectangle (the QR code's modules).
    Fill {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    },
}

struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
    italic: ParsedFont,
}

impl Fonts {
    fn get(&self, face: Face) -> &ParsedFont {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
            Face::Italic => &self.italic,
        }
    }
}

/// Parsed once per process (a few ms), shared by every render.
fn fonts() -> Result<&'static Fonts> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let parse = |bytes: &[u8], name: &str| {
                ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
                    .ok_or_else(|| format!("{name} không đọc được"))
            };
            Ok(Fonts {
                regular: parse(REGULAR_TTF, "NotoSerif-Regular")?,
                bold: parse(BOLD_TTF, "NotoSerif-Bold")?,
                italic: parse(ITALIC_TTF, "NotoSerif-Italic")?,
            })
        })
        .as_ref()
        .map_err(|e| ExtractError::Font(e.clone()))
}

/// Width of `text` in mm; a character the font lacks is an error, never a
/// silently missing letter.
pub fn text_width(face: Face, size: f32, text: &str) -> Result<f32> {
    let font = fonts()?.get(face);
    let per_unit = size * MM_PER_PT / f32::from(font.font_metrics.units_per_em.max(1));
    let mut units = 0u32;
    for ch in text.chars() {
        let glyph =
            font.lookup_glyph_index(u32::from(ch))
                .ok_or_else(|| ExtractError::MissingGlyph {
                    ch,
                    text: text.to_owned(),
                })?;
        units += font.get_glyph_width_internal(glyph).unwrap_or(0) as u32;
    }
    Ok(units as f32 * per_unit)
}

/// Splits `text` into lines: the first at most `first` mm wide, the
/// others `rest` mm. Breaks between words; a word wider than a line is cut.
pub fn wrap(face: Face, size: f32, text: &str, first: f32, rest: f32) -> Result<Vec<String>> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let limit = |lines: &Vec<String>| if lines.is_empty() { first } else { rest };
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if text_width(face, size, &candidate)? <= limit(&lines) {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        // The word alone on a line; cut it if even that is too wide.
        let mut piece = String::new();
        for ch in word.chars() {
            piece.push(ch);
            if text_width(face, size, &piece)? > limit(&lines) && piece.chars().count() > 1 {
                piece.pop();
                lines.push(std::mem::take(&mut piece));
                piece.push(ch);
            }
        }
        current = piece;
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    Ok(lines)
}

/// Collects marks top-down.
struct Sheet {
    marks: Vec<Mark>,
}

impl Sheet {
    fn text(&mut self, x: f32, y: f32, face: Face, size: f32, text: &str) -> Result<f32> {
        let text = nfc(text);
        let width = text_width(face, size, &text)?;
        if !text.is_empty() {
            self.marks.push(Mark::Text {
                x,
                y,
                face,
                size,
                text,
                width,
            });
        }
        Ok(width)
    }

    /// "Label:" and the width up to where its value starts: the label,
    /// then [`LABEL_GAP`].
    fn label(&mut self, x: f32, y: f32, size: f32, label: &str) -> Result<f32> {
        Ok(self.text(x, y, Face::Regular, size, &format!("{label}:"))? + LABEL_GAP)
    }

    /// Centred lines within `(left, right)`, wrapped to that width; returns
    /// the baseline of the last line.
    fn centered(
        &mut self,
        (left, right): (f32, f32),
        mut y: f32,
        face: Face,
        size: f32,
        text: &str,
        leading: f32,
    ) -> Result<f32> {
        let lines = wrap(face, size, &nfc(text), right - left, right - left)?;
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                y -= leading;
            }
            let width = text_width(face, size, line)?;
            self.text((left + right - width) / 2.0, y, face, size, line)?;
        }
        Ok(y)
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32) {
        self.marks.push(Mark::Rule { x1, x2, y });
    }
}

/// Where everything goes on the page for one body size; `None` when it
/// does not fit above the bottom margin.
fn lay_out(
    extract: &Extract,
    qr: Option<(&str, &(u32, Vec<ModuleRun>))>,
    body: f32,
) -> Result<Option<Vec<Mark>>> {
    let mut sheet = Sheet { marks: Vec::new() };
    let head = 12.5;
    let head_leading = head * MM_PER_PT * 1.3;
    let leading = body * MM_PER_PT * 1.32;
    let row_gap = body * MM_PER_PT * 0.28;
    let top = PAGE_HEIGHT - MARGIN_TOP - head * MM_PER_PT * 0.8;

    // The issuing People's Committee, then the register number and book
    // (Circular 04/2020/TT-BTP forms: Số, Quyển số under the issuer).
    let [authority, commune] = extract.authority_lines();
    let mut left_y = sheet.centered(LEFT_BLOCK, top, Face::Bold, head, &authority, head_leading)?;
    left_y = sheet.centered(
        LEFT_BLOCK,
        left_y - head_leading,
        Face::Bold,
        head,
        &commune,
        head_leading,
    )?;
    let center = (LEFT_BLOCK.0 + LEFT_BLOCK.1) / 2.0;
    sheet.rule(center - 12.0, center + 12.0, left_y - 2.8);
    left_y -= 2.8 + head_leading + 0.6;
    left_y = sheet.centered(
        LEFT_BLOCK,
        left_y,
        Face::Regular,
        head,
        &format!("Số: {}", extract.number),
        head_leading,
    )?;
    left_y = sheet.centered(
        LEFT_BLOCK,
        left_y - head_leading,
        Face::Regular,
        head,
        &format!("Quyển số: {}", extract.book),
        head_leading,
    )?;

    // The national heading (Decree 30/2020/NĐ-CP, Appendix I: the state's
    // name in bold capitals, the motto in bold, a rule under it).
    let right = RIGHT_BLOCK.1 - RIGHT_BLOCK.0;
    let mut state_size = 12.0;
    let state = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    while text_width(Face::Bold, state_size, state)? > right && state_size > 9.0 {
        state_size -= 0.5;
    }
    let mut right_y = sheet.centered(
        RIGHT_BLOCK,
        top,
        Face::Bold,
        state_size,
        state,
        head_leading,
    )?;
    right_y = sheet.centered(
        RIGHT_BLOCK,
        right_y - head_leading,
        Face::Bold,
        13.0,
        "Độc lập - Tự do - Hạnh phúc",
        head_leading,
    )?;
    let motto = text_width(Face::Bold, 13.0, "Độc lập - Tự do - Hạnh phúc")?;
    let right_center = (RIGHT_BLOCK.0 + RIGHT_BLOCK.1) / 2.0;
    sheet.rule(
        right_center - motto / 2.0,
        right_center + motto / 2.0,
        right_y - 2.8,
    );

    // The title.
    let mut y = left_y.min(right_y - 2.2) - 14.0;
    y = sheet.centered(
        (MARGIN_LEFT, RIGHT_EDGE),
        y,
        Face::Bold,
        17.0,
        extract.title(),
        8.0,
    )?;
    if let Some(subtitle) = extract.subtitle() {
        y = sheet.centered(
            (MARGIN_LEFT, RIGHT_EDGE),
            y - 6.5,
            Face::Italic,
            13.0,
            subtitle,
            6.0,
        )?;
    }
    y -= 11.0;

    // The fields, side by side where they fit, each wrapping under itself.
    const COLUMNS: [f32; 3] = [0.0, 58.0, 108.0];
    for row in &extract.rows {
        let fields = &row.0;
        let side_by_side = fields.len() > 1 && {
            let mut fits = true;
            for (i, field) in fields.iter().enumerate() {
                let column_end = COLUMNS.get(i + 1).copied().unwrap_or(CONTENT_WIDTH);
                let width = text_width(Face::Regular, body, &format!("{}:", field.label))?
                    + LABEL_GAP
                    + text_width(value_face(field.style), body, &field.value)?;
                fits &= i < COLUMNS.len() && width <= column_end - COLUMNS[i] - 2.0;
            }
            fits
        };
        if side_by_side {
            for (i, field) in fields.iter().enumerate() {
                let x = MARGIN_LEFT + COLUMNS[i];
                let label_width = sheet.label(x, y, body, &field.label)?;
                sheet.text(
                    x + label_width,
                    y,
                    value_face(field.style),
                    body,
                    &field.value,
                )?;
            }
            y -= leading + row_gap;
            continue;
        }
        for field in fields {
            let label_width = sheet.label(MARGIN_LEFT, y, body, &field.label)?;
            // Continuation lines hang under the value when the label is short.
            let indent = if label_width <= CONTENT_WIDTH * 0.45 {
                label_width
            } else {
                8.0
            };
            let lines = wrap(
                value_face(field.style),
                body,
                &field.value,
                CONTENT_WIDTH - label_width,
                CONTENT_WIDTH - indent,
            )?;
            for (i, line) in lines.iter().enumerate() {
                let x = if i == 0 {
                    MARGIN_LEFT + label_width
                } else {
                    MARGIN_LEFT + indent
                };
                if i > 0 {
                    y -= leading;
                }
                sheet.text(x, y, value_face(field.style), body, line)?;
            }
            y -= leading + row_gap;
        }
    }

    // Place and date of issue, the signer and the seal area on the right;
    // the QR code and the verification code on the left.
    let footer_top = y - 4.0;
    let sign = 12.5;
    let sign_leading = sign * MM_PER_PT * 1.3;
    let mut sy = sheet.centered(
        RIGHT_BLOCK,
        footer_top,
        Face::Italic,
        sign,
        &extract.place_and_date(),
        sign_leading,
    )?;
    sy -= 0.8;
    for line in extract.signer_caption_lines() {
        sy = sheet.centered(
            RIGHT_BLOCK,
            sy - sign_leading,
            Face::Bold,
            sign,
            &line,
            sign_leading,
        )?;
    }
    sy = sheet.centered(
        RIGHT_BLOCK,
        sy - sign_leading,
        Face::Italic,
        10.5,
        "(Ký, ghi rõ họ, chữ đệm, tên và đóng dấu)",
        sign_leading,
    )?;
    // Room for the signature and the seal.
    sy -= 26.0;
    if !extract.signer_name.is_empty() {
        sy = sheet.centered(
            RIGHT_BLOCK,
            sy,
            Face::Bold,
            sign,
            &extract.signer_name,
            sign_leading,
        )?;
    }

    let qr_top = footer_top + sign * MM_PER_PT * 0.8;
    let code = match qr {
        Some((code, (modules, runs))) => {
            let module = QR_SIZE / *modules as f32;
            for run in runs {
                sheet.marks.push(Mark::Fill {
                    x: MARGIN_LEFT + run.column as f32 * module,
                    y: qr_top - (run.row + 1) as f32 * module,
                    width: run.length as f32 * module,
                    height: module,
                });
            }
            code
        }
        // A preview has no QR: where it goes, the word that it is a preview.
        None => {
            for (line, y) in ["BẢN XEM", "TRƯỚC"].iter().zip([0.4, 0.6]) {
                let width = text_width(Face::Bold, 12.0, line)?;
                let x = MARGIN_LEFT + (QR_SIZE - width) / 2.0;
                sheet.text(x, qr_top - QR_SIZE * y, Face::Bold, 12.0, line)?;
            }
            PREVIEW_CODE
        }
    };
    let mut qy = qr_top - QR_SIZE - 4.5;
    let label_width = sheet.label(MARGIN_LEFT, qy, 10.0, CODE_LABEL)?;
    sheet.text(MARGIN_LEFT + label_width, qy, Face::Bold, 10.0, code)?;
    let note = "Quét mã QR để kiểm tra chữ ký của cơ quan cấp, hoặc đọc mã xác minh cho cơ quan đăng ký hộ tịch để đối chiếu với Sổ hộ tịch.";
    let note_width = LEFT_BLOCK.1 - LEFT_BLOCK.0 - 3.0;
    for line in wrap(Face::Italic, 8.5, note, note_width, note_width)? {
        qy -= 8.5 * MM_PER_PT * 1.3;
        sheet.text(MARGIN_LEFT, qy, Face::Italic, 8.5, &line)?;
    }

    let lowest = sy.min(qy) - 3.0;
    Ok((lowest >= MARGIN_BOTTOM).then_some(sheet.marks))
}

fn value_face(style: ValueStyle) -> Face {
    match style {
        ValueStyle::Plain => Face::Regular,
        ValueStyle::Name => Face::Bold,
    }
}

/// The verification code's name, the same on paper and on screen
/// (`print.code` in `ui/src/i18n`).
pub const CODE_LABEL: &str = "Mã xác minh";
/// Where a preview's code would be: a code exists only once a copy is issued.
pub const PREVIEW_CODE: &str = "(cấp khi in)";

/// Adds `text` in bold across the page's top and bottom margins, clear of
/// the content the layout keeps within them.
pub fn watermark(marks: &mut Vec<Mark>, text: &str) -> Result<()> {
    let size = 13.0;
    let text = nfc(text);
    let width = text_width(Face::Bold, size, &text)?;
    let x = (PAGE_WIDTH - width) / 2.0;
    for y in [PAGE_HEIGHT - MARGIN_TOP / 2.0, MARGIN_BOTTOM / 2.0 - 2.0] {
        marks.push(Mark::Text {
            x,
            y,
            face: Face::Bold,
            size,
            text: text.clone(),
            width,
        });
    }
    Ok(())
}

/// The marks of one extract's page at the largest body size that fits:
/// with `qr` (the copy's code and QR text), a paper; without, a preview.
pub fn layout(extract: &Extract, qr: Option<(&str, &str)>) -> Result<Vec<Mark>> {
    let qr = match qr {
        Some((code, text)) => Some((code, qr_runs(text)?)),
        None => None,
    };
    let qr = qr.as_ref().map(|(code, runs)| (*code, runs));
    for body in BODY_SIZES {
        if let Some(marks) = lay_out(extract, qr, body)? {
            return Ok(marks);
        }
    }
    Err(ExtractError::DoesNotFit(format!(
        "{} số {}",
        extract.title(),
        extract.number
    )))
}

fn pt(mm: f32) -> Pt {
    Mm(mm).into()
}

fn point(x: f32, y: f32) -> Point {
    Point { x: pt(x), y: pt(y) }
}

/// One page's printpdf operations. Each line of text is its own text
/// section: printpdf's cursor moves relative to the previous one within a
/// section.
fn page_ops(marks: &[Mark], fonts: &[FontId; 3]) -> Vec<Op> {
    let black = Color::Rgb(Rgb {
        r: 0.0,
        g: 0.0,
        b: 0.0,
        icc_profile: None,
    });
    let mut ops = vec![
        Op::SetFillColor { col: black.clone() },
        Op::SetOutlineColor { col: black },
        Op::SetOutlineThickness { pt: Pt(0.6) },
    ];
    for mark in marks {
        match mark {
            Mark::Text {
                x,
                y,
                face,
                size,
                text,
                ..
            } => {
                let font = match face {
                    Face::Regular => &fonts[0],
                    Face::Bold => &fonts[1],
                    Face::Italic => &fonts[2],
                };
                ops.extend([
                    Op::StartTextSection,
                    Op::SetFont {
                        font: PdfFontHandle::External(font.clone()),
                        size: Pt(*size),
                    },
                    Op::SetTextCursor { pos: point(*x, *y) },
                    Op::ShowText {
                        items: vec![TextItem::Text(text.clone())],
                    },
                    Op::EndTextSection,
                ]);
            }
            Mark::Rule { x1, x2, y } => ops.push(Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: point(*x1, *y),
                            bezier: false,
                        },
                        LinePoint {
                            p: point(*x2, *y),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            }),
            Mark::Fill {
                x,
                y,
                width,
                height,
            } => ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: pt(*x),
                    y: pt(*y),
                    width: pt(*width),
                    height: pt(*height),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            }),
        }
    }
    ops
}

/// A PDF of pages already laid out, each printed `copies` times in a row.
/// The fonts are embedded once for the whole document. Streams are left
/// uncompressed: deflating the ~600 KB fonts costs ten times the rest of
/// the render, and the file only goes to the printer.
pub fn pdf(title: &str, pages: &[Vec<Mark>], copies: u32) -> Result<Vec<u8>> {
    let fonts = fonts()?;
    let mut doc = PdfDocument::new(title);
    let ids = [
        doc.add_font(&fonts.regular),
        doc.add_font(&fonts.bold),
        doc.add_font(&fonts.italic),
    ];
    let mut pdf_pages = Vec::with_capacity(pages.len() * copies as usize);
    for marks in pages {
        let ops = page_ops(marks, &ids);
        for _ in 0..copies.max(1) {
            pdf_pages.push(PdfPage::new(Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT), ops.clone()));
        }
    }
    let options = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    Ok(doc.with_pages(pdf_pages).save(&options, &mut Vec::new()))
}

/// The font family the in-app preview's CSS declares for Noto Serif (the
/// same files as the PDF embeds, served with the UI).
pub const PREVIEW_FONT_FAMILY: &str = "Hotich Noto Serif";

fn escape_xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            _ => escaped.push(ch),
        }
    }
    escaped
}

/// One page as SVG, drawn from the same marks as the PDF (A4 in mm, y down):
/// the window previews it and prints it through the system's print dialog,
/// text staying text.
pub fn svg(marks: &[Mark]) -> String {
    use std::fmt::Write as _;
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_WIDTH}mm" height="{PAGE_HEIGHT}mm" viewBox="0 0 {PAGE_WIDTH} {PAGE_HEIGHT}" font-family="{PREVIEW_FONT_FAMILY}"><rect width="{PAGE_WIDTH}" height="{PAGE_HEIGHT}" fill="white"/>"#
    );
    for mark in marks {
        // Writing to a String cannot fail.
        let _ = match mark {
            Mark::Text {
                x,
                y,
                face,
                size,
                text,
                ..
            } => {
                let style = match face {
                    Face::Regular => "",
                    Face::Bold => r#" font-weight="bold""#,
                    Face::Italic => r#" font-style="italic""#,
                };
                write!(
                    out,
                    r#"<text x="{x:.2}" y="{:.2}" font-size="{:.3}"{style} xml:space="preserve">{}</text>"#,
                    PAGE_HEIGHT - y,
                    size * MM_PER_PT,
                    escape_xml(&nfc(text))
                )
            }
            Mark::Rule { x1, x2, y } => {
                let top = PAGE_HEIGHT - y;
                let thickness = 0.6 * MM_PER_PT;
                write!(
                    out,
                    r#"<line x1="{x1:.2}" x2="{x2:.2}" y1="{top:.2}" y2="{top:.2}" stroke="black" stroke-width="{thickness:.3}"/>"#
                )
            }
            Mark::Fill {
                x,
                y,
                width,
                height,
            } => write!(
                out,
                r#"<rect x="{x:.3}" y="{:.3}" width="{width:.3}" height="{height:.3}" fill="black"/>"#,
                PAGE_HEIGHT - y - height
            ),
        };
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svg_page_holds_each_mark_in_page_coordinates_and_escapes_text() {
        let marks = vec![
            Mark::Text {
                x: 30.0,
                y: 277.0,
                face: Face::Bold,
                size: 12.0,
                text: "CỘNG HÒA <XÃ> & \"HỘI\"".into(),
                width: 50.0,
            },
            Mark::Rule {
                x1: 30.0,
                x2: 90.0,
                y: 100.0,
            },
            Mark::Fill {
                x: 150.0,
                y: 20.0,
                width: 1.0,
                height: 1.0,
            },
        ];
        let svg = svg(&marks);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"width="210mm" height="297mm""#));
        assert!(svg.contains(
            r#"<text x="30.00" y="20.00" font-size="4.233" font-weight="bold" xml:space="preserve">CỘNG HÒA &lt;XÃ&gt; &amp; &quot;HỘI&quot;</text>"#
        ));
        assert!(svg.contains(r#"x1="30.00" x2="90.00" y1="197.00" y2="197.00""#));
        assert!(svg.contains(r#"<rect x="150.000" y="276.000" width="1.000" height="1.000""#));
    }

    #[test]
    fn stacked_vietnamese_marks_have_glyphs_and_width() {
        for text in ["ằ ặ ữ ỗ Ằ Ặ Ữ Ỗ đ Đ ơ ư", "NGUYỄN THỊ HẰNG"] {
            for face in [Face::Regular, Face::Bold, Face::Italic] {
                assert!(text_width(face, 12.0, text).unwrap() > 10.0);
            }
        }
    }

    #[test]
    fn a_character_the_font_lacks_is_named() {
        let error = text_width(Face::Regular, 12.0, "A\u{E000}").unwrap_err();
        assert!(matches!(
            error,
            ExtractError::MissingGlyph { ch: '\u{E000}', .. }
        ));
    }

    #[test]
    fn wrapping_keeps_every_word_within_the_width() {
        let text =
            "Thôn Bản Chang, xã Bằng Thành, tỉnh Thái Nguyên, gần trạm y tế xã và trường tiểu học";
        let lines = wrap(Face::Regular, 12.0, text, 40.0, 60.0).unwrap();
        assert!(lines.len() > 1);
        assert!(text_width(Face::Regular, 12.0, &lines[0]).unwrap() <= 40.0);
        for line in &lines[1..] {
            assert!(text_width(Face::Regular, 12.0, line).unwrap() <= 60.0);
        }
        assert_eq!(lines.join(" "), text);
        let long_word = "A".repeat(80);
        let cut = wrap(Face::Bold, 12.0, &long_word, 50.0, 50.0).unwrap();
        assert!(cut.len() > 1);
        assert_eq!(cut.concat(), long_word);
    }
}
