//! The Merkle tree hash of RFC 6962 (Certificate Transparency) over the log's event links, built
//! incrementally so a checkpoint continues from the last without re-reading the log, and
//! inclusion proofs so one request's history can be checked against a signed root offline.

use khaki_domain::chain::Hash;
use sha2::{Digest, Sha256};

pub fn leaf(data: &Hash) -> Hash {
    let mut digest = Sha256::new();
    digest.update([0u8]);
    digest.update(data);
    digest.finalize().into()
}

pub fn node(left: &Hash, right: &Hash) -> Hash {
    let mut digest = Sha256::new();
    digest.update([1u8]);
    digest.update(left);
    digest.update(right);
    digest.finalize().into()
}

/// The roots of the perfect subtrees a tree of `size` leaves is made of, largest first: enough to
/// add leaves and to compute the root without the leaves themselves.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontier {
    pub size: u64,
    /// One root per set bit of `size`, from the highest bit down.
    pub peaks: Vec<Hash>,
}

impl Frontier {
    pub fn push(&mut self, data: &Hash) {
        let mut carry = leaf(data);
        let mut size = self.size;
        // Merging equal-sized subtrees is adding 1 in binary: each trailing 1 bit merges.
        while size & 1 == 1 {
            let left = self.peaks.pop().unwrap_or_default();
            carry = node(&left, &carry);
            size >>= 1;
        }
        self.peaks.push(carry);
        self.size += 1;
    }

    /// RFC 6962's MTH: the largest perfect subtree on the left, the rest folded on the right.
    pub fn root(&self) -> Hash {
        match self.peaks.split_last() {
            None => Sha256::digest([]).into(),
            Some((last, rest)) => rest.iter().rev().fold(*last, |right, left| node(left, &right)),
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.size.to_be_bytes().to_vec();
        for peak in &self.peaks {
            bytes.extend_from_slice(peak);
        }
        bytes
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let size = u64::from_be_bytes(bytes.get(..8)?.try_into().ok()?);
        let peaks: Vec<Hash> = bytes[8..].chunks(32).map(|c| c.try_into().ok()).collect::<Option<_>>()?;
        (peaks.len() == size.count_ones() as usize).then_some(Self { size, peaks })
    }
}

/// RFC 6962's MTH over leaf data, computed directly (used to check the incremental one).
pub fn tree_hash(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaf(&leaves[0]),
        n => {
            let k = largest_power_of_two_below(n);
            node(&tree_hash(&leaves[..k]), &tree_hash(&leaves[k..]))
        }
    }
}

fn largest_power_of_two_below(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// RFC 6962's PATH(m, D[n]): the sibling hashes from leaf `index` up to the root.
pub fn inclusion_proof(leaves: &[Hash], index: usize) -> Vec<Hash> {
    if leaves.len() <= 1 {
        return Vec::new();
    }
    let k = largest_power_of_two_below(leaves.len());
    if index < k {
        let mut path = inclusion_proof(&leaves[..k], index);
        path.push(tree_hash(&leaves[k..]));
        path
    } else {
        let mut path = inclusion_proof(&leaves[k..], index - k);
        path.push(tree_hash(&leaves[..k]));
        path
    }
}

/// Whether `data` is leaf `index` of a tree of `size` leaves with this `root`.
pub fn verify_inclusion(data: &Hash, index: u64, size: u64, path: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    // RFC 9162 §2.1.3.2.
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut hash = leaf(data);
    for sibling in path {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            hash = node(sibling, &hash);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            hash = node(&hash, sibling);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    s_n == 0 && hash == *root
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n).map(|i| Sha256::digest(i.to_be_bytes()).into()).collect()
    }

    #[test]
    fn the_frontier_root_is_the_tree_hash_at_every_size() {
        let all = leaves(70);
        let mut frontier = Frontier::default();
        for (n, data) in all.iter().enumerate() {
            frontier.push(data);
            assert_eq!(frontier.root(), tree_hash(&all[..=n]), "size {}", n + 1);
            assert_eq!(Frontier::from_bytes(&frontier.to_bytes()), Some(frontier.clone()));
        }
    }

    #[test]
    fn every_leaf_proves_its_inclusion_and_nothing_else_does() {
        for size in [1, 2, 3, 5, 8, 13, 33] {
            let all = leaves(size);
            let root = tree_hash(&all);
            for (index, data) in all.iter().enumerate() {
                let path = inclusion_proof(&all, index);
                assert!(verify_inclusion(data, index as u64, size as u64, &path, &root), "leaf {index} of {size}");
                assert!(!verify_inclusion(&[7; 32], index as u64, size as u64, &path, &root));
                if size > 1 {
                    assert!(!verify_inclusion(data, ((index + 1) % size) as u64, size as u64, &path, &root));
                }
            }
        }
    }
}
