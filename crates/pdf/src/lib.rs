//! Typesets a Typst document into a tagged, accessible PDF (PDF/UA-1).
//!
//! Typst lives in this crate alone, so only the crates that need PDF pay for compiling it. The
//! document and its data files come from memory and the fonts are the ones embedded in
//! `typst-assets`: rendering reads nothing from disk and the network is never asked.

use std::collections::HashMap;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The document does not typeset, or does not meet PDF/UA-1. Both are a fault in the
    /// template or its data, never in what a user typed: data reaches the document as JSON.
    #[error("het document kon niet worden opgemaakt: {0}")]
    Typeset(String),
    #[error("ongeldige datum {0}")]
    Date(String),
}

/// A document to render: the Typst source of `main.typ` and the files it reads (for example
/// `data.json`, read with `json("data.json")`).
pub struct Document<'a> {
    pub main: &'a str,
    pub files: Vec<(&'a str, Vec<u8>)>,
    /// The creation date written into the PDF and returned by `datetime.today()`, so the same
    /// data always gives the same file.
    pub date: (i32, u8, u8),
}

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

struct MemoryWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

impl World for MemoryWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().as_rootless_path().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn describe(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let mut line = d.message.to_string();
            for hint in &d.hints {
                line.push_str(&format!(" ({hint})"));
            }
            line
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Renders `document` to the bytes of a tagged PDF that conforms to PDF/UA-1.
pub fn render(document: &Document) -> Result<Vec<u8>, PdfError> {
    let (y, m, d) = document.date;
    let today =
        Datetime::from_ymd(y, m, d).ok_or_else(|| PdfError::Date(format!("{y}-{m}-{d}")))?;
    let main_id = FileId::new(None, VirtualPath::new("main.typ"));
    let world = MemoryWorld {
        main: Source::new(main_id, document.main.to_string()),
        files: document
            .files
            .iter()
            .map(|(name, bytes)| {
                (
                    FileId::new(None, VirtualPath::new(name)),
                    Bytes::new(bytes.clone()),
                )
            })
            .collect(),
        today,
    };
    let typeset = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|diagnostics| PdfError::Typeset(describe(&diagnostics)))?;
    let options = PdfOptions {
        ident: Smart::Auto,
        timestamp: Some(Timestamp::new_utc(today)),
        standards: PdfStandards::new(&[PdfStandard::Ua_1])
            .map_err(|e| PdfError::Typeset(e.to_string()))?,
        tagged: true,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&typeset, &options)
        .map_err(|diagnostics| PdfError::Typeset(describe(&diagnostics)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"#set document(title: "Proef")
#set text(lang: "nl")
#let data = json("data.json")
= Proef
#data.groet
"#;

    fn document(main: &str) -> Document<'_> {
        Document {
            main,
            files: vec![(
                "data.json",
                br#"{"groet": "Goedemorgen, Vijfheerenlanden"}"#.to_vec(),
            )],
            date: (2026, 11, 28),
        }
    }

    #[test]
    fn renders_a_tagged_pdf_with_the_data_and_the_same_bytes_twice() {
        let first = render(&document(DOC)).unwrap();
        assert!(first.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&first);
        assert!(
            text.contains("/StructTreeRoot"),
            "a tagged PDF has a structure tree"
        );
        assert!(
            text.contains("pdfuaid"),
            "the PDF/UA-1 identification is in the metadata"
        );
        assert_eq!(first, render(&document(DOC)).unwrap());
    }

    #[test]
    fn a_broken_template_is_an_error_not_a_panic() {
        let err = render(&document("#let x = (")).unwrap_err();
        assert!(matches!(err, PdfError::Typeset(_)), "{err}");
        let missing = render(&Document {
            files: vec![],
            ..document(DOC)
        })
        .unwrap_err();
        assert!(missing.to_string().contains("data.json"), "{missing}");
    }
}
