//! A small page writer over printpdf's operations: A4 pages, a text cursor that flows onto
//! new pages, word wrapping measured with the font's own advance widths, rectangles.

use printpdf::{
    Color, FontId, Op, ParsedFont, PdfFontHandle, PdfPage, Point, Pt, Rect, Rgb, TextItem,
};

/// A4 width in points.
pub const PAGE_W: f32 = 595.28;
/// A4 height in points.
pub const PAGE_H: f32 = 841.89;
/// Left and right margin.
pub const MARGIN: f32 = 56.0;
/// Space kept free at the top of a page.
const TOP: f32 = 48.0;
/// Space kept free at the bottom (the footer lives there).
const BOTTOM: f32 = 64.0;

/// Colours used on the pages.
pub mod colour {
    /// Body text.
    pub const TEXT: (f32, f32, f32) = (0.13, 0.15, 0.18);
    /// Secondary text (labels, footer).
    pub const MUTED: (f32, f32, f32) = (0.38, 0.42, 0.47);
    /// The accent (headings, bars).
    pub const ACCENT: (f32, f32, f32) = (0.0, 0.27, 0.55);
    /// Pass marks.
    pub const GOOD: (f32, f32, f32) = (0.08, 0.5, 0.25);
    /// Warnings.
    pub const WARN: (f32, f32, f32) = (0.7, 0.45, 0.0);
    /// Failures.
    pub const BAD: (f32, f32, f32) = (0.7, 0.1, 0.1);
    /// Light fill (bar backgrounds, rules).
    pub const LIGHT: (f32, f32, f32) = (0.88, 0.9, 0.93);
}

/// One of the two embedded faces.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Face {
    /// DejaVu Sans.
    Regular,
    /// DejaVu Sans Bold.
    Bold,
}

/// The fonts: parsed (for measuring) and registered in the document (for drawing), with
/// the advance widths of the first [`TABLE`] code points looked up once.
pub struct Fonts {
    pub regular: (ParsedFont, FontId),
    pub bold: (ParsedFont, FontId),
    widths: [Vec<f32>; 2],
}

/// Code points whose widths are kept in a table: Latin, Greek, Cyrillic and punctuation.
const TABLE: u32 = 0x600;

impl Fonts {
    /// The two faces, measured.
    pub fn new(regular: (ParsedFont, FontId), bold: (ParsedFont, FontId)) -> Fonts {
        let table = |font: &ParsedFont| (0..TABLE).map(|c| glyph_width(font, c)).collect();
        Fonts {
            widths: [table(&regular.0), table(&bold.0)],
            regular,
            bold,
        }
    }

    fn of(&self, face: Face) -> &(ParsedFont, FontId) {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let font = &self.of(face).0;
        let table = &self.widths[usize::from(face == Face::Bold)];
        let upem = f32::from(font.units_per_em.max(1));
        let units: f32 = text
            .chars()
            .map(|c| match table.get(c as usize) {
                Some(w) => *w,
                None => glyph_width(font, c as u32),
            })
            .sum();
        units / upem * size
    }

    /// Break `text` into lines no wider than `max` (a word longer than a line is cut). Each
    /// word is measured once: widths add up, as the text is drawn without kerning.
    pub fn wrap(&self, face: Face, size: f32, text: &str, max: f32) -> Vec<String> {
        let space = self.width(face, size, " ");
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in para.split_whitespace() {
                let word_w = self.width(face, size, word);
                let candidate_w = if line.is_empty() {
                    word_w
                } else {
                    line_w + space + word_w
                };
                if candidate_w <= max {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    line_w = candidate_w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // A single word wider than the line: cut it by characters.
                let mut piece = String::new();
                let mut piece_w = 0.0;
                for c in word.chars() {
                    let c_w = self.width(face, size, c.encode_utf8(&mut [0; 4]));
                    if piece_w + c_w > max && !piece.is_empty() {
                        lines.push(std::mem::take(&mut piece));
                        piece_w = 0.0;
                    }
                    piece.push(c);
                    piece_w += c_w;
                }
                line = piece;
                line_w = piece_w;
            }
            lines.push(line);
        }
        lines
    }
}

/// A glyph's advance width in font units; 0.6 em for a character the font lacks.
fn glyph_width(font: &ParsedFont, c: u32) -> f32 {
    font.lookup_glyph_index(c)
        .and_then(|g| font.get_glyph_width(g))
        .map(f32::from)
        .unwrap_or(f32::from(font.units_per_em.max(1)) * 0.6)
}

/// The writer: finished pages plus the one being filled.
pub struct Writer {
    pub fonts: Fonts,
    /// The characters drawn with each face (regular, bold), for subsetting the fonts.
    used: [std::collections::BTreeSet<char>; 2],
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// The QR codes placed, drawn as images once the pages are written.
    codes: Vec<QrMark>,
    /// The cursor's baseline, from the bottom of the page.
    pub y: f32,
}

/// A QR code placed on a page (0-based), its lower-left corner at (`x`, `y`), `size` wide.
#[derive(Debug, Clone)]
pub struct QrMark {
    pub page: usize,
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub bitmap: super::qr::Bitmap,
}

/// What a finished layout holds: the pages, the characters drawn with each face (regular,
/// bold), the QR codes to draw and the fonts.
pub type Laid = (
    Vec<PdfPage>,
    [std::collections::BTreeSet<char>; 2],
    Vec<QrMark>,
    Fonts,
);

fn rgb(c: (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb {
        r: c.0,
        g: c.1,
        b: c.2,
        icc_profile: None,
    })
}

impl Writer {
    /// A writer on a fresh first page.
    pub fn new(fonts: Fonts) -> Writer {
        Writer {
            fonts,
            used: Default::default(),
            pages: Vec::new(),
            ops: Vec::new(),
            codes: Vec::new(),
            y: PAGE_H - TOP,
        }
    }

    /// Place a QR code with its lower-left corner at (`x`, `y`) on the current page.
    pub fn qr(&mut self, bitmap: super::qr::Bitmap, x: f32, y: f32, size: f32) {
        self.codes.push(QrMark {
            page: self.pages.len(),
            x,
            y,
            size,
            bitmap,
        });
    }

    /// The usable width between the margins.
    pub fn content_width(&self) -> f32 {
        PAGE_W - 2.0 * MARGIN
    }

    /// Start a new page.
    pub fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.ops));
        self.y = PAGE_H - TOP;
    }

    /// Make room for `height` points, moving to a new page if they do not fit.
    pub fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    /// Draw one line of text with its baseline at (`x`, `y`).
    pub fn text_at(
        &mut self,
        x: f32,
        y: f32,
        face: Face,
        size: f32,
        col: (f32, f32, f32),
        s: &str,
    ) {
        let font = self.fonts.of(face).1.clone();
        self.used[usize::from(face == Face::Bold)].extend(s.chars());
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(size),
            },
            Op::SetFillColor { col: rgb(col) },
            Op::SetTextCursor {
                pos: Point { x: Pt(x), y: Pt(y) },
            },
            Op::ShowText {
                items: vec![TextItem::Text(s.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    /// A wrapped paragraph at the cursor, indented by `indent`; the cursor moves below it.
    pub fn paragraph(&mut self, indent: f32, face: Face, size: f32, col: (f32, f32, f32), s: &str) {
        let leading = size * 1.3;
        let max = self.content_width() - indent;
        for line in self.fonts.wrap(face, size, s, max) {
            self.ensure(leading);
            self.y -= leading;
            self.text_at(MARGIN + indent, self.y, face, size, col, &line);
        }
    }

    /// A label and its value on one row (value wrapped in its own column).
    pub fn field(&mut self, label: &str, value: &str) {
        let size = 9.5;
        let leading = size * 1.28;
        let col = 150.0;
        let lines = self
            .fonts
            .wrap(Face::Regular, size, value, self.content_width() - col);
        let labels = self.fonts.wrap(Face::Bold, size, label, col - 8.0);
        self.ensure(leading * lines.len().max(labels.len()).min(3) as f32);
        let top = self.y;
        for (i, l) in labels.iter().enumerate() {
            self.text_at(
                MARGIN,
                top - leading * (i as f32 + 1.0),
                Face::Bold,
                size,
                colour::MUTED,
                l,
            );
        }
        let mut y = top;
        let mut broke = false;
        for line in &lines {
            if y - leading < BOTTOM {
                self.new_page();
                y = self.y;
                broke = true;
            }
            y -= leading;
            self.text_at(MARGIN + col, y, Face::Regular, size, colour::TEXT, line);
        }
        let label_bottom = top - leading * labels.len() as f32;
        self.y = if broke { y } else { y.min(label_bottom) };
        self.y -= 2.0;
    }

    /// Move the cursor down.
    pub fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    /// A filled rectangle with its lower-left corner at (`x`, `y`).
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, col: (f32, f32, f32)) {
        self.ops.push(Op::SetFillColor { col: rgb(col) });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(y),
                width: Pt(w),
                height: Pt(h),
                mode: Some(printpdf::PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    /// Finish: every page with its footer (`footer` left, "Page i of n" right), the
    /// characters drawn with each face and the QR codes placed.
    pub fn finish(mut self, footer: &str) -> Laid {
        self.pages.push(std::mem::take(&mut self.ops));
        let n = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let pages = pages
            .into_iter()
            .enumerate()
            .map(|(i, mut ops)| {
                let number = format!("Page {} of {n}", i + 1);
                let w = self.fonts.width(Face::Regular, 8.0, &number);
                self.ops = Vec::new();
                self.rect(MARGIN, 44.0, PAGE_W - 2.0 * MARGIN, 0.6, colour::LIGHT);
                self.text_at(MARGIN, 32.0, Face::Regular, 8.0, colour::MUTED, footer);
                self.text_at(
                    PAGE_W - MARGIN - w,
                    32.0,
                    Face::Regular,
                    8.0,
                    colour::MUTED,
                    &number,
                );
                ops.append(&mut self.ops);
                PdfPage::new(
                    printpdf::Mm(PAGE_W * 25.4 / 72.0),
                    printpdf::Mm(PAGE_H * 25.4 / 72.0),
                    ops,
                )
            })
            .collect();
        (pages, self.used, self.codes, self.fonts)
    }
}

#[cfg(test)]
mod tests {
    use super::{Face, Fonts};
    use printpdf::{ParsedFont, PdfDocument};

    #[allow(clippy::unwrap_used)]
    fn fonts() -> Fonts {
        let mut doc = PdfDocument::new("");
        let mut load = |bytes: &[u8]| {
            let font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).unwrap();
            let id = doc.add_font(&font);
            (font, id)
        };
        let regular = load(include_bytes!("../../assets/fonts/DejaVuSans.ttf"));
        let bold = load(include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf"));
        Fonts::new(regular, bold)
    }

    /// Wrapped lines fit, keep every word in order, and cut only a word longer than a line;
    /// the table of widths agrees with the font for characters inside and outside it.
    #[test]
    fn wrapping_keeps_every_word_and_fits_the_width() {
        let f = fonts();
        let text = "Zoë Ångström-Łukasiewicz studied Data Analytics and Machine Learning for \
                    Sustainable Manufacturing at Universität Beispielstadt; Ελληνικά, кириллица \
                    and 日本語 too. Averyveryveryveryveryveryveryveryveryverylongwordindeed.";
        for face in [Face::Regular, Face::Bold] {
            for max in [60.0, 150.0, 483.0] {
                let lines = f.wrap(face, 9.5, text, max);
                for l in &lines {
                    assert!(
                        f.width(face, 9.5, l) <= max + 0.01,
                        "{l:?} wider than {max}"
                    );
                }
                let joined: String = lines.concat();
                let words: String = text.split_whitespace().collect();
                assert_eq!(joined.replace(' ', ""), words);
            }
        }
        let one = |c: char| f.width(Face::Regular, 10.0, c.encode_utf8(&mut [0; 4]));
        assert!(one('W') > one('i'));
        assert!(one('日') > 0.0);
        let sum = one('W') + one('i') + one('日');
        assert!((f.width(Face::Regular, 10.0, "Wi日") - sum).abs() < 1e-3);
    }
}
