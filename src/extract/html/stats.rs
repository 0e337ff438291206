//! Per-node text statistics, computed for the whole document in one bottom-up pass.

use super::dom::{Dom, NO_PARENT};

/// Tags whose text flows inside the surrounding block.
pub fn is_inline(tag: &str) -> bool {
    matches!(
        tag,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "big"
            | "cite"
            | "code"
            | "data"
            | "del"
            | "dfn"
            | "em"
            | "font"
            | "i"
            | "ins"
            | "kbd"
            | "label"
            | "mark"
            | "nobr"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strike"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "tt"
            | "u"
            | "var"
            | "wbr"
            | "img"
            | "picture"
            | "source"
            | "br"
    )
}

/// Text statistics of every node (summed over its subtree, removed subtrees excluded).
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Non-whitespace characters of text.
    pub text: Vec<u32>,
    /// Non-whitespace characters inside links.
    pub link: Vec<u32>,
    /// Non-whitespace characters of paragraph text: inside `<p>`/`<pre>` elements, or loose in
    /// another block (25+ characters of text and inline elements outside links).
    pub ptext: Vec<u32>,
    /// Commas (Latin and Arabic).
    pub commas: Vec<u32>,
    /// Characters of text flowing directly in this node (text children and inline children).
    pub own: Vec<u32>,
    /// Number of `<p>` descendants.
    pub p: Vec<u16>,
    /// Number of text blocks (paragraphs, or blocks with 25+ characters of loose text).
    pub blocks: Vec<u16>,
    /// Number of `<img>` descendants.
    pub img: Vec<u16>,
    /// Number of `<li>` descendants.
    pub li: Vec<u16>,
    /// Number of form inputs among the descendants.
    pub input: Vec<u16>,
    /// Number of embedded objects (video, iframes, embeds) among the descendants.
    pub embed: Vec<u16>,
}

impl Stats {
    /// Computes statistics for every node; nodes with `removed[i]` contribute nothing upward.
    pub fn compute(dom: &Dom<'_>, removed: &[bool]) -> Stats {
        let n = dom.len();
        let mut s = Stats {
            text: vec![0; n],
            link: vec![0; n],
            ptext: vec![0; n],
            commas: vec![0; n],
            own: vec![0; n],
            p: vec![0; n],
            blocks: vec![0; n],
            img: vec![0; n],
            li: vec![0; n],
            input: vec![0; n],
            embed: vec![0; n],
        };
        let mut own_link = vec![0u32; n];
        for i in (0..n).rev() {
            let node = &dom.nodes[i];
            let tag = node.tag();
            if node.el.is_none() && node.parent != NO_PARENT {
                s.text[i] = node.chars;
                s.commas[i] = node.commas;
            } else {
                match tag {
                    "a" => s.link[i] = s.text[i],
                    "p" | "pre" => {
                        s.ptext[i] = s.text[i];
                        s.p[i] += 1;
                    }
                    "img" => s.img[i] += 1,
                    "li" => s.li[i] = s.li[i].saturating_add(1),
                    "input" | "select" | "textarea" | "button" => s.input[i] += 1,
                    "iframe" | "embed" | "object" | "video" => s.embed[i] += 1,
                    _ => {}
                }
            }
            if node.el.is_some() && !is_inline(tag) && (s.p[i] > 0 && tag == "p" || s.own[i] >= 25)
            {
                s.blocks[i] = s.blocks[i].saturating_add(1);
            }
            // Loose prose (text and `<br>` straight in a `div` or a custom element) is paragraph
            // text as much as a `<p>` is; loose links are not.
            let loose = s.own[i].saturating_sub(own_link[i]);
            if node.el.is_some() && !is_inline(tag) && !matches!(tag, "p" | "pre") && loose >= 25 {
                s.ptext[i] += loose;
            }
            if removed[i] || node.parent == NO_PARENT {
                continue;
            }
            let p = node.parent as usize;
            s.text[p] += s.text[i];
            s.link[p] += s.link[i];
            s.ptext[p] += s.ptext[i];
            s.commas[p] += s.commas[i];
            s.p[p] = s.p[p].saturating_add(s.p[i]);
            s.img[p] = s.img[p].saturating_add(s.img[i]);
            s.blocks[p] = s.blocks[p].saturating_add(s.blocks[i]);
            s.li[p] = s.li[p].saturating_add(s.li[i]);
            s.input[p] = s.input[p].saturating_add(s.input[i]);
            s.embed[p] = s.embed[p].saturating_add(s.embed[i]);
            if node.el.is_none() || is_inline(tag) {
                s.own[p] += s.text[i];
                own_link[p] += s.link[i];
            }
        }
        s
    }

    /// Share of a node's text that sits inside links (0 when it has no text).
    pub fn link_density(&self, i: usize) -> f32 {
        let t = self.text[i];
        if t == 0 {
            0.0
        } else {
            self.link[i] as f32 / t as f32
        }
    }
}
