//! MinHash over word bigrams, cut into locality-sensitive bands: two bodies whose bigram sets
//! have Jaccard similarity `J` agree on one band of `r` rows with probability `J^r`, so with `b`
//! bands they share at least one band key with probability `1 - (1 - J^r)^b`. The band keys are
//! what the index stores; a shared key makes two articles candidates, never duplicates.

use super::tokens::Token;

/// The shape of the band index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Number of bands (band keys per article).
    pub bands: usize,
    /// MinHash rows per band: more rows, fewer chance collisions, fewer weak copies found.
    pub rows: usize,
    /// Words per shingle.
    pub words: usize,
}

impl Default for Shape {
    /// 16 bands of one row over word bigrams: a copy whose bigram set has Jaccard 0.15 with the
    /// original's (a truncated or re-leaded copy) is a candidate 93 times in 100, at 0.3 997 in
    /// 1000; one row because copies cut at other points share few bigrams. Chance collisions are
    /// many and cheap: a candidate costs one record read and a comparison.
    fn default() -> Self {
        Shape {
            bands: 16,
            rows: 1,
            words: 2,
        }
    }
}

/// The band hashes of a token sequence: one per band, empty when it has no bigram.
pub fn bands(tokens: &[Token], shape: Shape) -> Vec<u64> {
    let words = shape.words.max(1);
    if tokens.len() < words || shape.bands == 0 || shape.rows == 0 {
        return Vec::new();
    }
    let n = shape.bands * shape.rows;
    let mut mins = vec![u64::MAX; n];
    for window in tokens.windows(words) {
        let shingle = window
            .iter()
            .fold(0x2545_f491_4f6c_dd1d, |acc, &t| mix(acc ^ u64::from(t)));
        for (j, min) in mins.iter_mut().enumerate() {
            let h = mix(shingle ^ SEEDS[j % SEEDS.len()].wrapping_mul(j as u64 + 1));
            if h < *min {
                *min = h;
            }
        }
    }
    mins.chunks(shape.rows)
        .enumerate()
        .map(|(band, rows)| {
            rows.iter()
                .fold(mix(band as u64 ^ 0x5851_f42d_4c95_7f2d), |acc, &m| {
                    mix(acc ^ m)
                })
        })
        .collect()
}

/// Seeds of the hash functions (odd constants; function `j` uses seed `j mod 8` times `j+1`).
const SEEDS: [u64; 8] = [
    0x9e37_79b9_7f4a_7c15,
    0xbf58_476d_1ce4_e5b9,
    0x94d0_49bb_1331_11eb,
    0xd6e8_feb8_6659_fd93,
    0xa076_1d64_78bd_642f,
    0xe703_7ed1_a0b4_28db,
    0x8ebc_6af0_9c88_c6e3,
    0x5899_65cc_7537_4cc3,
];

/// SplitMix64's finaliser: a fast, well-spread 64-bit mix.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(n: u32, offset: u32) -> Vec<Token> {
        (offset..offset + n).collect()
    }

    #[test]
    fn identical_sequences_share_every_band_and_distinct_ones_none() {
        let shape = Shape::default();
        let a = bands(&toks(200, 0), shape);
        assert_eq!(a.len(), shape.bands);
        assert_eq!(a, bands(&toks(200, 0), shape));
        let b = bands(&toks(200, 10_000), shape);
        assert!(a.iter().zip(&b).all(|(x, y)| x != y));
    }

    #[test]
    fn a_copy_sharing_most_bigrams_shares_bands_in_proportion() {
        let shape = Shape {
            bands: 64,
            rows: 1,
            words: 2,
        };
        let a = bands(&toks(300, 0), shape);
        // The same 300 tokens, the last 100 replaced: Jaccard of bigrams about 0.5.
        let mut t = toks(200, 0);
        t.extend(toks(100, 50_000));
        let b = bands(&t, shape);
        let shared = a.iter().zip(&b).filter(|(x, y)| x == y).count();
        assert!((16..=48).contains(&shared), "{shared} of 64");
    }

    #[test]
    fn too_short_sequences_have_no_band() {
        assert!(bands(&[7], Shape::default()).is_empty());
        assert!(bands(&[], Shape::default()).is_empty());
    }
}
