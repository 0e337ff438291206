//! The kinds of boilerplate the extraction removes: the keys of an article's `stats.removed` and
//! the `kind` label of the service's `akhbar_boilerplate_removed_total`, which registers every one
//! of them at start. A new kind is one line in the `kinds!` list below.

/// Declares the kinds: variant, code and documentation in one line each.
macro_rules! kinds {
    ($( $(#[doc = $doc:literal])+ $variant:ident => $code:literal, )+) => {
        /// A kind of boilerplate removed from a page, counted in `stats.removed` under its code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RemovedKind {
            $( $(#[doc = $doc])+ $variant, )+
        }

        impl RemovedKind {
            /// Every kind, in a stable order.
            pub const ALL: &'static [RemovedKind] = &[$(RemovedKind::$variant),+];

            /// The stable code: the `stats.removed` key and the metric label.
            pub fn code(self) -> &'static str {
                match self {
                    $( RemovedKind::$variant => $code, )+
                }
            }
        }
    };
}

kinds! {
    /// an advertisement or a promotional line
    Ad => "ad",
    /// a second article glued after the first one's end
    AppendedArticle => "appended_article",
    /// an author, role or agency line, or an author box
    Byline => "byline",
    /// a call to follow, subscribe or download
    CallToAction => "call_to_action",
    /// an image caption or a photo credit
    Caption => "caption",
    /// a comment area, a comment form or a comment notice
    Comments => "comments",
    /// a cookie or consent banner
    Cookie => "cookie",
    /// a date line, a clock
    Date => "date",
    /// a dateline ("city (agency) –") on a line of its own
    Dateline => "dateline",
    /// an embedded post and its attribution
    Embed => "embed",
    /// an agency's end mark or an editor's code closing the copy
    EndMark => "end_mark",
    /// a page footer
    Footer => "footer",
    /// a form (search, login, contact)
    Form => "form",
    /// furniture of no more specific kind
    Furniture => "furniture",
    /// a masthead, a page header, a breadcrumb
    Header => "header",
    /// a body text taken from JSON-LD instead of the page
    JsonldBody => "jsonld_body",
    /// a block made mostly of links
    Links => "links",
    /// navigation: menus, breadcrumbs, pagination
    Nav => "nav",
    /// a newsletter, sign-up or paywall box
    Newsletter => "newsletter",
    /// a standing notice (disclaimer, editorial note)
    Notice => "notice",
    /// a "read also" line or block
    ReadAlso => "read_also",
    /// a related-articles heading or list
    Related => "related",
    /// share and print tools
    Share => "share",
    /// a sidebar or a widget column
    Sidebar => "sidebar",
    /// a "similar articles" list
    SimilarArticles => "similar_articles",
    /// a line the site prints on most of its pages (site memory)
    SiteTemplate => "site_template",
    /// a source line ("المصدر: …")
    Source => "source",
    /// a standfirst repeated at the top of the body
    Standfirst => "standfirst",
    /// a summary box of points repeating the story
    Summary => "summary",
    /// a tags line or list
    Tags => "tags",
    /// a teaser of another article
    Teaser => "teaser",
    /// a news ticker line
    Ticker => "ticker",
    /// the headline, removed from the body (it is the article's title)
    Title => "title",
    /// a widget (weather, currency, most read)
    Widget => "widget",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_distinct_snake_case_code() {
        let codes: std::collections::BTreeSet<&str> =
            RemovedKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes.len(), RemovedKind::ALL.len());
        for code in codes {
            assert!(
                code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{code}"
            );
        }
    }
}
