//! Forms declared in Rust and rendered by one partial (`partials/form.html`), so every form has
//! labels, hints, errors next to the field with `aria-describedby`, and an error summary.

use askama::Template;
use axum::http::StatusCode;

use super::{render_status, Shell, WebResult};
use crate::identity::FieldError;

/// A page that is a title, an introduction, one form and the ways on under it: every simple
/// form of every module (a rare action on its own page, an administrator's setting, a login
/// step) is this page.
#[derive(Template)]
#[template(path = "form_page.html")]
pub struct FormPage {
    pub shell: Shell,
    pub intro: String,
    pub form: Form,
    /// Links under the form (href, text): the way back, a related page.
    pub after: Vec<(String, String)>,
}

impl FormPage {
    pub fn new(shell: Shell, intro: String, form: Form) -> Self {
        FormPage {
            shell,
            intro,
            form,
            after: Vec::new(),
        }
    }

    /// Adds a link under the form.
    pub fn link(mut self, href: impl Into<String>, text: impl Into<String>) -> Self {
        self.after.push((href.into(), text.into()));
        self
    }

    /// The page with `status`: 200 to start, 422 when the form comes back with its errors.
    pub fn respond(&self, status: StatusCode) -> WebResult {
        render_status(status, self)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Email,
    Password,
    Search,
    Date,
    /// A month (`2026-03`); browsers without a month picker show a text field.
    Month,
    Select(Vec<(String, String)>),
    /// Several choices: (value, label, checked).
    Checkboxes(Vec<(String, String, bool)>),
    Hidden,
    /// Several lines of text.
    TextArea,
    /// A file upload (the form is then sent as multipart/form-data).
    File,
}

#[derive(Clone, Debug)]
pub struct FormField {
    pub name: String,
    pub label: String,
    pub value: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub kind: FieldKind,
    pub autocomplete: Option<&'static str>,
    pub required: bool,
    /// For a file upload: the file types accepted, several files at once (e.g. photos).
    pub accept_many: Option<&'static str>,
}

impl FormField {
    pub fn new(name: &str, label: String, kind: FieldKind) -> Self {
        FormField {
            name: name.into(),
            label,
            value: String::new(),
            hint: None,
            error: None,
            kind,
            autocomplete: None,
            required: false,
            accept_many: None,
        }
    }
    /// A file upload of several files of these types (`image/jpeg,image/png`).
    pub fn accept_many(mut self, types: &'static str) -> Self {
        self.accept_many = Some(types);
        self
    }
    pub fn value(mut self, v: impl Into<String>) -> Self {
        self.value = v.into();
        self
    }
    pub fn hint(mut self, h: String) -> Self {
        self.hint = Some(h);
        self
    }
    pub fn autocomplete(mut self, a: &'static str) -> Self {
        self.autocomplete = Some(a);
        self
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn id(&self) -> String {
        format!("veld-{}", self.name)
    }
    pub fn input_type(&self) -> &'static str {
        match self.kind {
            FieldKind::Email => "email",
            FieldKind::Password => "password",
            FieldKind::Search => "search",
            FieldKind::Date => "date",
            FieldKind::Month => "month",
            FieldKind::Hidden => "hidden",
            FieldKind::File => "file",
            _ => "text",
        }
    }
    pub fn is_select(&self) -> bool {
        matches!(self.kind, FieldKind::Select(_))
    }
    pub fn is_checkboxes(&self) -> bool {
        matches!(self.kind, FieldKind::Checkboxes(_))
    }
    pub fn is_textarea(&self) -> bool {
        self.kind == FieldKind::TextArea
    }
    pub fn is_hidden(&self) -> bool {
        self.kind == FieldKind::Hidden
    }
    pub fn options(&self) -> Vec<(String, String, bool)> {
        match &self.kind {
            FieldKind::Select(o) => o
                .iter()
                .map(|(v, l)| (v.clone(), l.clone(), *v == self.value))
                .collect(),
            FieldKind::Checkboxes(o) => o.clone(),
            _ => Vec::new(),
        }
    }
    /// The ids the input is described by: its hint and its error.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.id()));
        }
        if self.error.is_some() {
            ids.push(format!("{}-fout", self.id()));
        }
        ids.join(" ")
    }
}

#[derive(Clone, Debug)]
pub struct Form {
    pub action: String,
    pub submit: String,
    pub fields: Vec<FormField>,
    /// Errors that belong to no single field.
    pub general_error: Option<String>,
    pub method_get: bool,
    /// The form element's id, for inputs elsewhere on the page that belong to it (`form=`).
    pub id: Option<String>,
}

impl Form {
    pub fn new(action: impl Into<String>, submit: String, fields: Vec<FormField>) -> Self {
        Form {
            action: action.into(),
            submit,
            fields,
            general_error: None,
            method_get: false,
            id: None,
        }
    }

    /// Gives the form element an id, so inputs outside it (a table's checkboxes) can join it.
    pub fn with_id(mut self, id: &str) -> Self {
        self.id = Some(id.to_string());
        self
    }

    pub fn get(mut self) -> Self {
        self.method_get = true;
        self
    }

    /// Whether the form uploads a file (and so needs multipart/form-data).
    pub fn is_multipart(&self) -> bool {
        self.fields.iter().any(|f| f.kind == FieldKind::File)
    }

    pub fn has_errors(&self) -> bool {
        self.general_error.is_some() || self.fields.iter().any(|f| f.error.is_some())
    }

    /// Attaches validation errors (Fluent message ids) to their fields, translated.
    pub fn with_errors(mut self, lang: &str, errors: &[FieldError]) -> Self {
        for e in errors {
            let msg = crate::web::i18n::t(lang, &e.message);
            match self.fields.iter_mut().find(|f| f.name == e.field) {
                Some(f) => f.error = Some(msg),
                None => self.general_error = Some(msg),
            }
        }
        self
    }

    /// The error summary: (field id, message), in field order.
    pub fn summary(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .filter_map(|f| {
                f.error
                    .as_ref()
                    .map(|e| (f.id(), format!("{}: {}", f.label, e)))
            })
            .collect()
    }
}

/// Pagination links for lists.
#[derive(Clone, Debug)]
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub const PER_PAGE: i64 = 50;
    /// The highest page number a request can ask for: beyond it every list is empty anyway, and
    /// its offset stays far from overflowing (`?pagina=9223372036854775807` was a 500).
    pub const MAX_PAGE: i64 = 1_000_000;

    /// A requested page number made safe: none, zero or negative is page 1, a huge one
    /// [`Self::MAX_PAGE`].
    pub fn requested(page: Option<i64>) -> i64 {
        page.unwrap_or(1).clamp(1, Self::MAX_PAGE)
    }

    /// The offset of the first row of a requested page (clamped as [`Self::requested`]).
    pub fn offset_of(page: i64) -> i64 {
        (page.clamp(1, Self::MAX_PAGE) - 1) * Self::PER_PAGE
    }

    /// `base` is the list URL with its filter query, without the page parameter.
    pub fn new(base: &str, page: i64, total: i64) -> Pager {
        let pages =
            (total.saturating_add(Self::PER_PAGE - 1) / Self::PER_PAGE).clamp(1, Self::MAX_PAGE);
        let page = page.clamp(1, pages);
        let sep = if base.contains('?') { '&' } else { '?' };
        // Page 1 is the list itself, so it has one address (and one title).
        let link = |p: i64| {
            if p == 1 {
                base.to_string()
            } else {
                format!("{base}{sep}pagina={p}")
            }
        };
        Pager {
            page,
            pages,
            total,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }

    pub fn offset(&self) -> i64 {
        Self::offset_of(self.page)
    }
}

/// A query string of the non-empty parameters, so an unfiltered list has one address.
pub fn query_string(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A list URL with its filter query.
pub fn list_url(path: &str, params: &[(&str, &str)]) -> String {
    let q = query_string(params);
    if q.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{q}")
    }
}

/// Percent-encodes a query value.
pub fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requested_pages_are_clamped() {
        assert_eq!(Pager::requested(None), 1);
        assert_eq!(Pager::requested(Some(-1)), 1);
        assert_eq!(Pager::requested(Some(i64::MIN)), 1);
        assert_eq!(Pager::requested(Some(i64::MAX)), Pager::MAX_PAGE);
        assert_eq!(Pager::offset_of(i64::MAX), (Pager::MAX_PAGE - 1) * 50);
        assert_eq!(Pager::offset_of(-5), 0);
        let p = Pager::new("/x", i64::MAX, i64::MAX);
        assert!(p.offset() > 0);
        assert_eq!(
            (p.page, p.pages, p.next),
            (Pager::MAX_PAGE, Pager::MAX_PAGE, None)
        );
    }

    #[test]
    fn pager_clamps_and_links() {
        let p = Pager::new("/audit?wie=x", 3, 120);
        assert_eq!(p.pages, 3);
        assert_eq!(p.prev.as_deref(), Some("/audit?wie=x&pagina=2"));
        assert_eq!(p.next, None);
        assert_eq!(p.offset(), 100);
        let p = Pager::new("/audit", 2, 120);
        assert_eq!(p.prev.as_deref(), Some("/audit"));
        assert_eq!(p.next.as_deref(), Some("/audit?pagina=3"));
        assert_eq!(
            list_url("/audit", &[("wie", ""), ("actie", "read")]),
            "/audit?actie=read"
        );
        let p = Pager::new("/gebruikers", 0, 0);
        assert_eq!((p.page, p.pages, p.offset()), (1, 1, 0));
    }

    #[test]
    fn errors_attach_to_fields_and_summary() {
        let f = Form::new(
            "/x",
            "Opslaan".into(),
            vec![FormField::new("name", "Naam".into(), FieldKind::Text)],
        )
        .with_errors(
            "nl",
            &[
                FieldError {
                    field: "name".into(),
                    message: "error-required".into(),
                },
                FieldError {
                    field: "other".into(),
                    message: "error-required".into(),
                },
            ],
        );
        assert!(f.has_errors());
        assert_eq!(f.summary().len(), 1);
        assert_eq!(f.summary()[0].0, "veld-name");
        assert!(f.general_error.is_some());
    }
}
