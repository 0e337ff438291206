//! A flat, pre-order copy of the parsed document: every subtree is a contiguous index range, so
//! text statistics are computed in one bottom-up pass and removed subtrees are skipped by a jump.

use scraper::node::Element;
use scraper::{Html, Node};

/// Marks the root's parent.
pub const NO_PARENT: u32 = u32::MAX;

/// One element or text node of the flattened document.
#[derive(Debug, Clone, Copy)]
pub struct DNode<'a> {
    /// The element, or `None` for text nodes and the document root.
    pub el: Option<&'a Element>,
    /// Text content for text nodes, empty otherwise.
    pub text: &'a str,
    /// Index of the parent node, [`NO_PARENT`] for the root.
    pub parent: u32,
    /// One past the last index of this node's subtree.
    pub end: u32,
    /// Non-whitespace characters of a text node (0 for elements and for script/style text).
    pub chars: u32,
    /// Commas (Latin and Arabic) of a text node.
    pub commas: u32,
}

impl<'a> DNode<'a> {
    /// Lower-case tag name, or `""` for text nodes and the root.
    pub fn tag(&self) -> &'a str {
        self.el.map(|e| e.name()).unwrap_or("")
    }

    /// An attribute's value, if this is an element that has it.
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.el.and_then(|e| attr(e, name))
    }

    /// Whether this is a text node.
    pub fn is_text(&self) -> bool {
        self.el.is_none() && !self.text.is_empty()
    }
}

/// The flattened document.
#[derive(Debug)]
pub struct Dom<'a> {
    /// Nodes in document (pre-)order; index 0 is the root.
    pub nodes: Vec<DNode<'a>>,
}

impl<'a> Dom<'a> {
    /// Flattens a parsed document (comments, doctypes and processing instructions are dropped).
    pub fn new(doc: &'a Html) -> Self {
        let mut nodes: Vec<DNode<'a>> = Vec::with_capacity(doc.tree.values().len());
        let mut stack: Vec<u32> = Vec::with_capacity(64);
        for edge in doc.tree.root().traverse() {
            match edge {
                ego_tree::iter::Edge::Open(n) => {
                    let parent = stack.last().copied().unwrap_or(NO_PARENT);
                    let (el, text, container) = match n.value() {
                        Node::Document | Node::Fragment => (None, "", true),
                        Node::Element(e) => (Some(e), "", true),
                        Node::Text(t) => (None, &*t.text, false),
                        _ => continue,
                    };
                    if !container && text.is_empty() {
                        continue;
                    }
                    let (mut chars, mut commas) = (0u32, 0u32);
                    let raw_text_parent =
                        parent != NO_PARENT && is_raw_text_tag(nodes[parent as usize].tag());
                    if !container && !raw_text_parent {
                        (chars, commas) = count_text(text);
                    }
                    let idx = nodes.len() as u32;
                    nodes.push(DNode {
                        el,
                        text,
                        parent,
                        end: idx + 1,
                        chars,
                        commas,
                    });
                    if container {
                        stack.push(idx);
                    }
                }
                ego_tree::iter::Edge::Close(n) => {
                    if matches!(
                        n.value(),
                        Node::Document | Node::Fragment | Node::Element(_)
                    ) {
                        if let Some(idx) = stack.pop() {
                            let end = nodes.len() as u32;
                            nodes[idx as usize].end = end;
                        }
                    }
                }
            }
        }
        Dom { nodes }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the document has no nodes at all.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Indices of the direct children of `i`, in order.
    pub fn children(&self, i: usize) -> Children<'_, 'a> {
        Children {
            dom: self,
            next: i + 1,
            end: self.nodes[i].end as usize,
        }
    }

    /// The text a reader sees in a subtree: like [`Dom::raw_text`] without the contents of
    /// `<script>`, `<style>`, `<noscript>` and `<template>` (whose raw markup would leak).
    pub fn visible_text(&self, i: usize) -> String {
        let end = self.nodes[i].end as usize;
        let mut s = String::new();
        for n in &self.nodes[i..end] {
            if n.el.is_none()
                && n.parent != NO_PARENT
                && is_raw_text_tag(self.nodes[n.parent as usize].tag())
            {
                continue;
            }
            s.push_str(n.text);
        }
        s
    }

    /// All text of a subtree, concatenated raw.
    pub fn raw_text(&self, i: usize) -> String {
        let end = self.nodes[i].end as usize;
        let mut s = String::new();
        for n in &self.nodes[i..end] {
            s.push_str(n.text);
        }
        s
    }
}

/// Elements whose text content is code or markup, never shown as text.
fn is_raw_text_tag(tag: &str) -> bool {
    matches!(tag, "script" | "style" | "noscript" | "template")
}

/// An element's attribute by local name, found by a scan of its few attributes (scraper's
/// `Element::attr` interns the name first, which costs more than the scan).
pub fn attr<'a>(el: &'a Element, name: &str) -> Option<&'a str> {
    el.attrs().find(|&(k, _)| k == name).map(|(_, v)| v)
}

/// Non-whitespace characters and commas (Latin and Arabic) of a text.
fn count_text(text: &str) -> (u32, u32) {
    let (mut chars, mut commas) = (0u32, 0u32);
    for c in text.chars() {
        if !c.is_whitespace() {
            chars += 1;
            if c == ',' || c == '،' {
                commas += 1;
            }
        }
    }
    (chars, commas)
}

/// Iterator over the direct children of a node.
pub struct Children<'d, 'a> {
    dom: &'d Dom<'a>,
    next: usize,
    end: usize,
}

impl Iterator for Children<'_, '_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.next >= self.end {
            return None;
        }
        let i = self.next;
        self.next = self.dom.nodes[i].end as usize;
        Some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(text: &str) -> (u32, u32) {
        let mut r = (0, 0);
        for c in text.chars().filter(|c| !c.is_whitespace()) {
            r.0 += 1;
            if c == ',' || c == '،' {
                r.1 += 1;
            }
        }
        r
    }

    #[test]
    fn byte_counts_match_unicode_whitespace_rules() {
        for text in [
            "",
            "plain, ascii text\twith\r\nbreaks\x0b",
            "قال الوزير، إن الحكومة ستخفض الضرائب،\u{00a0}والإنفاق",
            "em\u{2003}space\u{3000}ideo\u{1680}ogham\u{0085}nel\u{202f}nnbsp\u{205f}mm",
            "dash — ellipsis … quote “x” ¢ ©\u{00ad} 日本語 😀،,",
        ] {
            assert_eq!(count_text(text), naive(text), "{text:?}");
        }
    }
}
