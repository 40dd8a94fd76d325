//! Decks: named pages a task writes while it runs (flytekit's `Deck`), in Markdown,
//! HTML or tables. A local run shows them in its report (`run --report`); on a cluster
//! a task with `#[task(enable_deck)]` writes them to `deck.html` under its output
//! prefix, where Flyte's console finds them.

use std::fmt::{Display, Write};
use std::sync::Mutex;

/// One named deck and the HTML written to it so far, section after section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deck {
    /// Its name, the tab's title.
    pub name: String,
    /// Its body: each section's HTML, in the order written.
    pub html: String,
}

/// The decks of one attempt, shared by its context's clones.
#[derive(Debug, Default)]
pub(crate) struct Decks(Mutex<Vec<Deck>>);

impl Decks {
    fn append(&self, name: &str, html: &str) {
        let mut decks = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match decks.iter_mut().find(|d| d.name == name) {
            Some(deck) => deck.html.push_str(html),
            None => decks.push(Deck {
                name: name.to_string(),
                html: html.to_string(),
            }),
        }
    }

    /// The decks written, in the order their names were first used.
    pub(crate) fn take(&self) -> Vec<Deck> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Writes sections into one deck; from [`ExecutionContext::deck`](super::ExecutionContext::deck).
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// # use flytekit_macros::*;
/// use flytekit::prelude::*;
///
/// #[task(enable_deck)]
/// fn summarize(scores: Vec<f64>) -> f64 {
///     let ctx = ExecutionContext::current().expect("runs as a task");
///     let mean = scores.iter().sum::<f64>() / scores.len().max(1) as f64;
///     ctx.deck("Summary")
///         .markdown(&format!("# {} scores\nThe mean is **{mean:.2}**.", scores.len()))
///         .table(["index", "score"], scores.iter().enumerate().map(|(i, s)| [i.to_string(), s.to_string()]));
///     mean
/// }
/// ```
#[derive(Debug)]
pub struct DeckWriter<'a> {
    pub(crate) decks: &'a Decks,
    pub(crate) name: String,
}

impl DeckWriter<'_> {
    /// Appends Markdown (CommonMark with tables and strikethrough), rendered to HTML.
    /// Raw HTML inside the Markdown is escaped, not kept: use [`DeckWriter::html`].
    pub fn markdown(&self, text: &str) -> &Self {
        use pulldown_cmark::{Event, Options, Parser};
        let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
        let events = Parser::new_ext(text, options).map(|event| match event {
            Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
            other => other,
        });
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events);
        self.html(&html)
    }

    /// Appends HTML as it is. It is shown in the page of a run's report and of
    /// `deck.html`, so it must come from the task, not from untrusted input.
    pub fn html(&self, html: &str) -> &Self {
        self.decks.append(&self.name, html);
        self
    }

    /// Appends plain text, escaped, in a `<pre>` block.
    pub fn text(&self, text: &str) -> &Self {
        self.html(&format!("<pre>{}</pre>", escape_html(text)))
    }

    /// Appends a table: a header row, then one row per item of `rows`. Cells are
    /// shown with `Display`, escaped.
    pub fn table<H, R, C>(&self, headers: H, rows: R) -> &Self
    where
        H: IntoIterator,
        H::Item: Display,
        R: IntoIterator,
        R::Item: IntoIterator<Item = C>,
        C: Display,
    {
        let mut html = String::from("<table><thead><tr>");
        for h in headers {
            let _ = write!(html, "<th>{}</th>", escape_html(&h.to_string()));
        }
        html.push_str("</tr></thead><tbody>");
        for row in rows {
            html.push_str("<tr>");
            for cell in row {
                let _ = write!(html, "<td>{}</td>", escape_html(&cell.to_string()));
            }
            html.push_str("</tr>");
        }
        html.push_str("</tbody></table>");
        self.html(&html)
    }
}

/// `text` with `&`, `<`, `>`, `"` and `'` escaped for HTML text and attributes.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A page of its own for a task's decks (`deck.html` on a cluster): a tab per deck,
/// with no script and nothing loaded from the network.
pub fn deck_page(title: &str, decks: &[Deck]) -> String {
    let mut out = String::with_capacity(2048 + decks.iter().map(|d| d.html.len()).sum::<usize>());
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{}</title><style>{DECK_CSS}</style></head><body><h1>{}</h1>",
        escape_html(title),
        escape_html(title)
    );
    // Tabs without script: a radio button per deck, the checked one's panel shown.
    for (i, deck) in decks.iter().enumerate() {
        let checked = if i == 0 { " checked" } else { "" };
        let _ = write!(
            out,
            "<input type=\"radio\" name=\"deck\" id=\"deck{i}\"{checked}>\
             <label for=\"deck{i}\">{}</label>",
            escape_html(&deck.name)
        );
    }
    for (i, deck) in decks.iter().enumerate() {
        let _ = write!(
            out,
            "<section class=\"deck\" id=\"panel{i}\">{}</section>",
            deck.html
        );
    }
    out.push_str("<style>");
    for i in 0..decks.len() {
        let _ = write!(out, "#deck{i}:checked~#panel{i}{{display:block}}");
    }
    out.push_str("</style></body></html>\n");
    out
}

/// Styles shared by `deck.html` and a run's report.
pub(crate) const DECK_CSS: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#1d2433}\
input[name=deck]{display:none}\
label{display:inline-block;padding:.4em .9em;border:1px solid #ccd;border-bottom:none;border-radius:6px 6px 0 0;cursor:pointer;background:#f3f4f8}\
input[name=deck]:checked+label{background:#fff;font-weight:600}\
.deck{display:none;border:1px solid #ccd;padding:1em;overflow:auto}\
table{border-collapse:collapse}th,td{border:1px solid #dde;padding:.25em .6em;text-align:left}\
th{background:#f3f4f8}pre{background:#f6f8fa;padding:.6em;overflow:auto}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_append_to_their_deck_in_order_and_text_is_escaped() {
        let decks = Decks::default();
        let w = DeckWriter {
            decks: &decks,
            name: "Summary".into(),
        };
        w.markdown("# Title\n\n*a* <script>x</script>")
            .table(["k", "v"], [["<b>", "1"]]);
        DeckWriter {
            decks: &decks,
            name: "Other".into(),
        }
        .text("a < b");
        w.html("<hr>");
        let decks = decks.take();
        assert_eq!(decks.len(), 2);
        assert_eq!(decks[0].name, "Summary");
        let html = &decks[0].html;
        assert!(html.starts_with("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<em>a</em>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("<th>k</th><th>v</th>"), "{html}");
        assert!(html.contains("<td>&lt;b&gt;</td><td>1</td>"), "{html}");
        assert!(html.ends_with("<hr>"), "{html}");
        assert_eq!(decks[1].html, "<pre>a &lt; b</pre>");
    }

    #[test]
    fn a_deck_page_has_a_tab_and_a_panel_per_deck() {
        let page = deck_page(
            "t <1>",
            &[
                Deck {
                    name: "A".into(),
                    html: "<p>one</p>".into(),
                },
                Deck {
                    name: "B".into(),
                    html: "<p>two</p>".into(),
                },
            ],
        );
        assert!(page.contains("<title>t &lt;1&gt;</title>"));
        assert!(page.contains("<label for=\"deck1\">B</label>"));
        assert!(page.contains("<section class=\"deck\" id=\"panel0\"><p>one</p></section>"));
        assert!(!page.contains("<script"));
    }
}
