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
        self.kind().code()
    }

    /// The kind of refusal, without its details.
    pub fn kind(&self) -> RejectionCode {
        match self {
            Rejection::Empty => RejectionCode::Empty,
            Rejection::TooLarge { .. } => RejectionCode::TooLarge,
            Rejection::Binary(_) => RejectionCode::Binary,
            Rejection::Undecodable(_) => RejectionCode::Undecodable,
            Rejection::NoArticle(_) => RejectionCode::NoArticle,
        }
    }
}

/// Every kind of [`Rejection`], without details: the exhaustive list of the library's reason
/// codes, so that callers (metrics, documentation) can enumerate them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectionCode {
    /// See [`Rejection::Empty`].
    Empty,
    /// See [`Rejection::TooLarge`].
    TooLarge,
    /// See [`Rejection::Binary`].
    Binary,
    /// See [`Rejection::Undecodable`].
    Undecodable,
    /// See [`Rejection::NoArticle`].
    NoArticle,
}

impl RejectionCode {
    /// Every code, in a stable order.
    pub const ALL: [RejectionCode; 5] = [
        RejectionCode::Empty,
        RejectionCode::TooLarge,
        RejectionCode::Binary,
        RejectionCode::Undecodable,
        RejectionCode::NoArticle,
    ];

    /// The stable reason code, as used in metrics and dead-letter headers.
    pub fn code(self) -> &'static str {
        match self {
            RejectionCode::Empty => "empty",
            RejectionCode::TooLarge => "too_large",
            RejectionCode::Binary => "binary",
            RejectionCode::Undecodable => "undecodable",
            RejectionCode::NoArticle => "no_article",
        }
    }

    /// One line saying when the library gives this code.
    pub fn description(self) -> &'static str {
        match self {
            RejectionCode::Empty => "the page holds no bytes, or only whitespace",
            RejectionCode::TooLarge => "the page (after gzip inflation) is over the size limit",
            RejectionCode::Binary => "the page is not text or HTML (an image, an archive, noise)",
            RejectionCode::Undecodable => "the page cannot be decoded to text in any charset",
            RejectionCode::NoArticle => "the page decodes but holds only boilerplate",
        }
    }
}
