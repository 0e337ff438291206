//! Why a page gives no article: a stable reason code plus a human message.

/// A typed refusal to produce an article. `code()` is stable and used in metrics and DLQ headers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// The input holds no bytes (or only whitespace).
    #[error("the page is empty")]
    Empty,
    /// The input is larger than the configured cap.
    #[error("the page is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// Size seen (possibly after gzip inflation, stopped at the limit).
        size: usize,
        /// The configured cap.
        limit: usize,
    },
    /// The input is not text or HTML (an image, an archive, random bytes).
    #[error("the page is binary, not text or HTML: {0}")]
    Binary(String),
    /// The input could not be decoded to text in any charset.
    #[error("the page could not be decoded: {0}")]
    Undecodable(String),
    /// The page decodes but holds only boilerplate, no article body.
    #[error("no article found: {0}")]
    NoArticle(String),
}

impl Rejection {
    /// The stable reason code: `empty`, `too_large`, `binary`, `undecodable` or `no_article`.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::Empty => "empty",
            Rejection::TooLarge { .. } => "too_large",
            Rejection::Binary(_) => "binary",
            Rejection::Undecodable(_) => "undecodable",
            Rejection::NoArticle(_) => "no_article",
        }
    }
}
