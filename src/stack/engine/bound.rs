//! The bounds of the branch-and-bound in [`super`]: completion and progress of the
//! optimistic assignment, and lower bounds on credentials and cost.
//!
//! This file owns only arithmetic over the search tables; it must not change the search state
//! (it reads it and uses scratch buffers) nor decide the search order.

use super::{Node, Score, Search, UNREACHABLE};

/// Fewest items from position `j` on (cumulative sums `cum`, largest first) reaching `d`.
pub(super) fn fewest(cum: &[u64], j: usize, d: u64) -> u64 {
    if d == 0 {
        return 0;
    }
    let base = cum.get(j).copied().unwrap_or(UNREACHABLE);
    let k = cum.partition_point(|&x| x < base.saturating_add(d));
    if k < cum.len() {
        (k - j) as u64
    } else {
        UNREACHABLE
    }
}

/// Fewest items at positions `i..` adding `d`, from an internal and an external list (each
/// positions + cumulative sums, largest first), external ones adding at most `room`: the best
/// split between the k largest external items and the largest internal ones.
pub(super) fn fewest_split(
    int: (&[usize], &[u64]),
    ext: (&[usize], &[u64]),
    i: usize,
    d: u64,
    room: u64,
) -> u64 {
    if d == 0 {
        return 0;
    }
    let ji = int.0.partition_point(|&x| x < i);
    let je = ext.0.partition_point(|&x| x < i);
    let mut best = UNREACHABLE;
    for k in 0..ext.1.len().saturating_sub(je) {
        let e = (ext.1[je + k] - ext.1[je]).min(room);
        let n = fewest(int.1, ji, d.saturating_sub(e));
        best = best.min((k as u64).saturating_add(n));
        if e >= d || e >= room || k as u64 >= best {
            break;
        }
    }
    best
}

impl Search<'_> {
    /// Fill `self.met` and `self.val` for leaf sums `sums`; return (complete, progress) with
    /// counted ECTS `ects`. Progress counts met requirements that matter: a node's own flag
    /// plus all its children's (allOf) or its `n` best children's (nOf).
    pub(super) fn eval(&mut self, sums: &[u64], ects: u64) -> (bool, u32) {
        for (i, node) in self.p.nodes.iter().enumerate() {
            let (m, v) = match node {
                Node::Leaf(l) => {
                    let m = sums[*l] >= self.p.leaves[*l].need;
                    (m, 0)
                }
                Node::All(ch) => (
                    ch.iter().all(|&c| self.met[c]),
                    ch.iter().map(|&c| self.val[c]).sum(),
                ),
                Node::NOf(k, ch) => {
                    let mut v: Vec<u32> = ch.iter().map(|&c| self.val[c]).collect();
                    v.sort_unstable_by(|a, b| b.cmp(a));
                    (
                        ch.iter().filter(|&&c| self.met[c]).count() >= *k,
                        v.iter().take(*k).sum(),
                    )
                }
            };
            self.met[i] = m;
            self.val[i] = v + u32::from(m);
        }
        let complete = ects >= self.p.total && self.p.roots.iter().all(|&r| self.met[r]);
        (complete, self.p.roots.iter().map(|&r| self.val[r]).sum())
    }

    /// Least credentials to reach the progress in `self.val` (just computed by [`eval`] on
    /// optimistic sums), given per-leaf least credentials `lb` (shared leaves: 0).
    fn progress_lb(&mut self, lb: &[u64]) -> u64 {
        for (i, node) in self.p.nodes.iter().enumerate() {
            self.agg[i] = match node {
                Node::Leaf(l) if self.met[i] && !self.p.leaves[*l].shared => lb[*l],
                Node::Leaf(_) => 0,
                Node::All(ch) => ch.iter().map(|&c| self.agg[c]).fold(0, u64::saturating_add),
                Node::NOf(k, ch) => {
                    // The k best values are required; ties at the k-th value are chosen cheapest.
                    let mut v: Vec<(u32, u64)> =
                        ch.iter().map(|&c| (self.val[c], self.agg[c])).collect();
                    v.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                    v.iter().take(*k).fold(0, |a, b| a.saturating_add(b.1))
                }
            };
        }
        self.p
            .roots
            .iter()
            .map(|&r| self.agg[r])
            .fold(0, u64::saturating_add)
    }

    /// Least total of per-leaf values `lb` over any way to meet every root.
    fn tree_lb(&mut self, lb: &[u64]) -> u64 {
        let mut shared_max = 0;
        for (i, node) in self.p.nodes.iter().enumerate() {
            self.agg[i] = match node {
                Node::Leaf(l) if self.p.leaves[*l].shared => {
                    if self.mandatory[i] {
                        shared_max = shared_max.max(lb[*l]);
                    }
                    0
                }
                Node::Leaf(l) => lb[*l],
                Node::All(ch) => ch.iter().map(|&c| self.agg[c]).fold(0, u64::saturating_add),
                Node::NOf(k, ch) => {
                    let mut v: Vec<u64> = ch.iter().map(|&c| self.agg[c]).collect();
                    v.sort_unstable();
                    v.iter().take(*k).fold(0, |a, &b| a.saturating_add(b))
                }
            };
        }
        let roots = self
            .p
            .roots
            .iter()
            .map(|&r| self.agg[r])
            .fold(0, u64::saturating_add);
        roots.max(shared_max)
    }

    /// A score no assignment extending the current one (items `i..` open) can beat.
    pub(super) fn upper_bound(&mut self, i: usize) -> Score {
        let p = self.p;
        let ext_room = p.ext_cap.map_or(u64::MAX, |c| c.saturating_sub(self.ext));
        let mut opt = std::mem::take(&mut self.buf);
        for (l, o) in opt.iter_mut().enumerate() {
            let ext = self.suffix_ext_leaf[i][l];
            // External items add at most the cap left (a count leaf: nothing if none is left).
            let ext = match (p.leaves[l].by_count, ext_room) {
                (true, 0) => 0,
                (true, _) => ext,
                (false, room) => ext.min(room),
            };
            *o = self.sums[l] + self.suffix[i][l] + ext;
        }
        let ects_opt = self.ects + self.suffix_int[i] + self.suffix_ext[i].min(ext_room);
        let (complete, met) = self.eval(&opt, ects_opt);
        let ects_ub = ects_opt.min(p.total);
        // Credentials, for an assignment that ties on everything before them.
        let mut need = std::mem::take(&mut self.buf2);
        let mut shared_max = 0u64;
        for (l, slot) in need.iter_mut().enumerate() {
            let d = p.leaves[l].need.saturating_sub(self.sums[l]);
            *slot = if p.leaves[l].by_count {
                d
            } else {
                let (ip, ic) = &self.leaf_int[l];
                let (ep, ec) = &self.leaf_ext[l];
                fewest_split((ip, ic), (ep, ec), i, d, ext_room)
            };
            if p.leaves[l].shared && self.met[self.leaf_node[l]] && complete {
                let node = self.leaf_node[l];
                if self.mandatory[node] {
                    shared_max = shared_max.max(*slot);
                }
            }
        }
        let excl = self.progress_lb(&need);
        let by_ects = self.fewest_for_ects(i, ects_ub.saturating_sub(self.ects), ext_room);
        let creds_lb = by_ects.max(excl).max(shared_max);
        let mut cost_lb = 0;
        if complete && self.any_cost {
            cost_lb = p.total.saturating_sub(self.ects + self.suffix_free_ects[i]);
            for (l, slot) in need.iter_mut().enumerate() {
                let have = self.sums[l] + self.suffix_free[i][l];
                let d = p.leaves[l].need.saturating_sub(have);
                *slot = match (d, p.leaves[l].by_count) {
                    (0, _) => 0,
                    (_, true) => self.leaf_min_cost[l].saturating_mul(d),
                    (_, false) => d,
                };
            }
            cost_lb = cost_lb.max(self.tree_lb(&need));
        }
        self.buf = opt;
        self.buf2 = need;
        let cost = self.cost.saturating_add(cost_lb) as i64;
        Score {
            complete,
            neg_cost_if_complete: if complete { -cost } else { 0 },
            met,
            ects: ects_ub,
            neg_cost: -(self.cost as i64),
            neg_creds: -(i64::from(self.creds).saturating_add(creds_lb.min(1 << 40) as i64)),
        }
    }

    /// Fewest items from position `i` on that add `d` ECTS, external ones within `room`.
    fn fewest_for_ects(&self, i: usize, d: u64, room: u64) -> u64 {
        fewest_split(
            (&self.int_pos, &self.int_cum),
            (&self.ext_pos, &self.ext_cum),
            i,
            d,
            room,
        )
    }
}
