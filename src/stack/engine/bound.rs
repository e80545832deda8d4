//! The bounds of the branch-and-bound in [`super`]: completion and progress of the
//! optimistic assignment, and lower bounds on credentials and cost.
//!
//! This file owns only arithmetic over the search tables; it must not change the search state
//! (it reads it and uses scratch buffers) nor decide the search order.

use super::{Item, Node, Problem, Score, Search, UNREACHABLE};

/// The largest bitset of subset sums [`subset_sums`] builds (words of 64 sums, all positions).
const REACH_WORDS_LIMIT: usize = 1 << 21;

/// Per position `i` (search order), the set of sums of subsets of the external items at `i..`,
/// up to `cap` (a bitset, bit `s` of word `s / 64`). Empty when the table would be too large;
/// then the bound falls back to the remaining ECTS clipped to the cap.
pub(super) fn subset_sums(items: &[Item], cap: u64) -> Vec<Vec<u64>> {
    let words = (cap / 64 + 1) as usize;
    if words.saturating_mul(items.len() + 1) > REACH_WORDS_LIMIT {
        return Vec::new();
    }
    let mut rows = vec![vec![0u64; words]; items.len() + 1];
    rows[items.len()][0] = 1;
    for i in (0..items.len()).rev() {
        let mut row = rows[i + 1].clone();
        let e = items[i].ects;
        if items[i].external && e > 0 && e <= cap {
            let (q, r) = ((e / 64) as usize, (e % 64) as u32);
            let next = &rows[i + 1];
            for w in (q..words).rev() {
                let lo = next[w - q] << r;
                let hi = if r > 0 && w > q {
                    next[w - q - 1] >> (64 - r)
                } else {
                    0
                };
                row[w] |= lo | hi;
            }
        }
        // Sums above the cap are never allowed.
        let extra = 63 - (cap % 64) as u32;
        if let Some(last) = row.last_mut() {
            *last &= u64::MAX >> extra;
        }
        rows[i] = row;
    }
    rows
}

/// The search nodes after which the dearer credentials bounds are computed (most audits are
/// proven before, and would only pay for the tables).
pub(super) const REFINE_AFTER: u64 = 2_000;
/// The most cells (positions × sums) of the table [`fewest_exact`] builds.
const FEWEST_CELLS_LIMIT: usize = 1 << 22;
/// "No subset has this sum" in a [`fewest_exact`] row.
pub(super) const NO_SUBSET: u8 = u8::MAX;

/// Per position `i` (search order) and sum `s` up to `cap`, the fewest external items at
/// `i..` whose ECTS add up to exactly `s` ([`NO_SUBSET`] when none do, `NO_SUBSET - 1` for
/// that many or more; copies of one achievement are not told apart, which can only lower
/// the count). Empty when the table
/// would be too large.
pub(super) fn fewest_exact(items: &[Item], cap: u64) -> Vec<Vec<u8>> {
    let width = cap as usize + 1;
    if width.saturating_mul(items.len() + 1) > FEWEST_CELLS_LIMIT {
        return Vec::new();
    }
    let mut rows = vec![vec![NO_SUBSET; width]; items.len() + 1];
    rows[items.len()][0] = 0;
    for i in (0..items.len()).rev() {
        let mut row = rows[i + 1].clone();
        let e = items[i].ects as usize;
        if items[i].external && e <= cap as usize {
            let next = &rows[i + 1];
            for s in e..width {
                let n = next[s - e];
                // Saturated at NO_SUBSET - 1, which then means "at least that many": still a
                // lower bound, never "no subset".
                if n != NO_SUBSET {
                    let m = (n + 1).min(NO_SUBSET - 1);
                    if m < row[s] {
                        row[s] = m;
                    }
                }
            }
        }
        rows[i] = row;
    }
    rows
}

/// The largest sum in `set` (a [`subset_sums`] row) that is at most `room`.
pub(super) fn largest_at_most(set: &[u64], room: u64) -> u64 {
    let top = (room / 64) as usize;
    for w in (0..set.len().min(top + 1)).rev() {
        let mut bits = set[w];
        if w == top && room % 64 < 63 {
            bits &= (1u64 << (room % 64 + 1)) - 1;
        }
        if bits != 0 {
            return w as u64 * 64 + 63 - u64::from(bits.leading_zeros());
        }
    }
    0
}

/// Per node, the largest progress value of its subtree (see [`Search::eval`]).
pub(super) fn progress_max(p: &Problem) -> Vec<usize> {
    let mut vmax = vec![0usize; p.nodes.len()];
    for (i, node) in p.nodes.iter().enumerate() {
        vmax[i] = 1 + match node {
            Node::Leaf(_) => 0,
            Node::All(ch) => ch.iter().map(|&c| vmax[c]).sum(),
            Node::NOf(k, ch) => {
                let mut v: Vec<usize> = ch.iter().map(|&c| vmax[c]).collect();
                v.sort_unstable_by(|a, b| b.cmp(a));
                v.iter().take(*k).sum()
            }
        };
    }
    vmax
}

fn add(a: u64, b: u64) -> u64 {
    a.saturating_add(b).min(UNREACHABLE)
}

/// Min-plus product of two (met, value) → least resource tables for an `allOf`: `acc` holds
/// the children so far (all met / not all met), `child` the next child's table of width `cw`.
fn all_of_step(
    acc: &mut (Vec<u64>, Vec<u64>),
    next: &mut (Vec<u64>, Vec<u64>),
    top: usize,
    child: &[u64],
    cw: usize,
) {
    let (am, an) = acc;
    let (nm, nn) = next;
    nm.clear();
    nm.resize(am.len(), UNREACHABLE);
    nn.clear();
    nn.resize(am.len(), UNREACHABLE);
    for v in 0..=top {
        if am[v] >= UNREACHABLE && an[v] >= UNREACHABLE {
            continue;
        }
        for x in 0..cw {
            let (cu, cm) = (child[x], child[cw + x]);
            if cu >= UNREACHABLE && cm >= UNREACHABLE {
                continue;
            }
            let t = v + x;
            nm[t] = nm[t].min(add(am[v], cm));
            nn[t] = nn[t].min(add(am[v], cu)).min(add(an[v], cu.min(cm)));
        }
    }
    std::mem::swap(am, nm);
    std::mem::swap(an, nn);
}

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
    let ji = int.0.partition_point(|&x| x < i);
    let je = ext.0.partition_point(|&x| x < i);
    fewest_of(&int.1[ji..], &ext.1[je..], d, room)
}

/// [`fewest_split`] over cumulative sums that start at the first open item.
fn fewest_of(int_cum: &[u64], ext_cum: &[u64], d: u64, room: u64) -> u64 {
    if d == 0 {
        return 0;
    }
    let mut best = UNREACHABLE;
    for k in 0..ext_cum.len() {
        let e = (ext_cum[k] - ext_cum[0]).min(room);
        let n = fewest(int_cum, 0, d.saturating_sub(e));
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
            let m = match node {
                Node::Leaf(l) => sums[*l] >= self.p.leaves[*l].need,
                _ => {
                    self.eval_node(i);
                    continue;
                }
            };
            self.met[i] = m;
            self.val[i] = u32::from(m);
        }
        let complete = ects >= self.p.total && self.p.roots.iter().all(|&r| self.met[r]);
        (complete, self.p.roots.iter().map(|&r| self.val[r]).sum())
    }

    /// Set `self.met[i]` and `self.val[i]` of the `allOf`/`nOf` node `i` from its children's.
    fn eval_node(&mut self, i: usize) {
        let (m, v) = match &self.p.nodes[i] {
            Node::Leaf(_) => return,
            Node::All(ch) => (
                ch.iter().all(|&c| self.met[c]),
                ch.iter().map(|&c| self.val[c]).sum(),
            ),
            Node::NOf(k, ch) => {
                let mut v = std::mem::take(&mut self.nof_vals);
                v.clear();
                v.extend(ch.iter().map(|&c| self.val[c]));
                let best: u32 = if *k >= v.len() {
                    v.iter().sum()
                } else if *k == 0 {
                    0
                } else {
                    v.select_nth_unstable_by(*k - 1, |a, b| b.cmp(a));
                    v[..*k].iter().sum()
                };
                self.nof_vals = v;
                (ch.iter().filter(|&&c| self.met[c]).count() >= *k, best)
            }
        };
        self.met[i] = m;
        self.val[i] = v + u32::from(m);
    }

    /// The progress of the sums last given to [`Self::eval`] with leaf `l` unmet: only the
    /// nodes from the leaf up to its root change, and they are put back afterwards.
    fn progress_without(&mut self, l: usize) -> u32 {
        let mut saved = std::mem::take(&mut self.path_scratch);
        saved.clear();
        let mut n = self.leaf_node[l];
        saved.push((n, self.met[n], self.val[n]));
        self.met[n] = false;
        self.val[n] = 0;
        n = self.parent[n];
        while n != usize::MAX {
            saved.push((n, self.met[n], self.val[n]));
            self.eval_node(n);
            n = self.parent[n];
        }
        let progress = self.p.roots.iter().map(|&r| self.val[r]).sum();
        for &(n, m, v) in saved.iter().rev() {
            self.met[n] = m;
            self.val[n] = v;
        }
        self.path_scratch = saved;
        progress
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

    /// Optimistic leaf sums in `opt` at position `i`: every remaining item added to every
    /// leaf it fits, the external ones clipped to `ext_room` (a count leaf: only those of 0
    /// ECTS if no allowance is left), and of the copies of one achievement (at most one
    /// counts) only the largest left, none of a group already used. Leaves `self.int_leaf`
    /// with the internal part per leaf; returns the ECTS of the internal and of the external
    /// items so counted.
    pub(super) fn optimistic(&mut self, i: usize, ext_room: u64, opt: &mut [u64]) -> (u64, u64) {
        let p = self.p;
        let mut int = std::mem::take(&mut self.int_leaf);
        int.clone_from(&self.grouped_int[i]);
        let mut ext = std::mem::take(&mut self.buf2);
        ext.clone_from(&self.grouped_ext[i]);
        let mut ext0 = std::mem::take(&mut self.ext0_leaf);
        ext0.clone_from(&self.grouped_ext0[i]);
        let mut int_total = self.grouped_ects_int[i];
        let mut ext_total = self.grouped_ects_ext[i];
        // A group in use takes nothing more: remove its largest copy left, per leaf (the
        // largest contribution to the leaf, all copies and those of 0 ECTS).
        let mut best = std::mem::take(&mut self.grp_scratch);
        for &g in &self.used_groups {
            let mut open = self.grp_members[g].iter().filter(|&&k| k >= i).peekable();
            let Some(&&first) = open.peek() else { continue };
            best.clear();
            best.resize(2 * p.leaves.len(), 0);
            for &k in open {
                let it = &self.items[k];
                for &l in it.exclusive.iter().chain(&it.shared) {
                    let c = super::contrib(&p.leaves[l], it);
                    best[2 * l] = best[2 * l].max(c);
                    if it.ects == 0 {
                        best[2 * l + 1] = best[2 * l + 1].max(c);
                    }
                }
            }
            let it = &self.items[first];
            let (sums, total) = if it.external {
                (&mut ext, &mut ext_total)
            } else {
                (&mut int, &mut int_total)
            };
            *total -= it.ects;
            for (l, sum) in sums.iter_mut().enumerate() {
                *sum -= best[2 * l];
                if it.external {
                    ext0[l] -= best[2 * l + 1];
                }
            }
        }
        self.grp_scratch = best;
        for (l, o) in opt.iter_mut().enumerate() {
            let e = match (p.leaves[l].by_count, ext_room) {
                (true, 0) => ext0[l],
                (true, _) => ext[l],
                (false, room) => ext[l].min(room),
            };
            *o = self.sums[l] + int[l] + e;
        }
        self.int_leaf = int;
        self.buf2 = ext;
        self.ext0_leaf = ext0;
        (int_total, ext_total.min(ext_room))
    }

    /// A score no assignment extending the current one (items `i..` open) can beat.
    pub(super) fn upper_bound(&mut self, i: usize) -> Score {
        let p = self.p;
        let ext_room = p.ext_cap.map_or(u64::MAX, |c| c.saturating_sub(self.ext));
        let mut opt = std::mem::take(&mut self.buf);
        let (int_total, ext_total) = self.optimistic(i, ext_room, &mut opt);
        let ext_best = match self.ext_reach.get(i) {
            Some(set) => largest_at_most(set, ext_room),
            None => self.suffix_ext[i].min(ext_room),
        }
        .min(ext_total);
        let ects_opt = self.ects + int_total + ext_best;
        let (complete, optimistic_met) = self.eval(&opt, ects_opt);
        let ects_ub = ects_opt.min(p.total);
        // No assignment makes more progress than the cap proven before the search (`progress.rs`).
        let capped = optimistic_met.min(self.met_cap);
        let cheap = self.score_bound(i, &opt, complete, capped, optimistic_met, ects_ub);
        if cheap <= self.best {
            self.buf = opt;
            return cheap;
        }
        if !self.resource_ok {
            self.buf = opt;
            return cheap;
        }
        // The optimistic sums let every item count everywhere; the resource bound lets each
        // count once. Tighter, dearer: computed only when the cheap bound cannot prune. It
        // leaves `self.met`/`self.val` (the optimistic sums) as they are.
        let (mut c, mut m) = self.resource_bound(i, &opt, int_total + ext_best, None);
        if p.ext_cap.is_some() {
            // The allowance as a second resource: leaves that only external credits can meet
            // compete for it.
            let int = std::mem::take(&mut self.int_leaf);
            let (c2, m2) = self.resource_bound(i, &opt, ext_room, Some(&int));
            self.int_leaf = int;
            c &= c2;
            m = m.min(m2);
        }
        let bound = if (complete && c, capped.min(m)) == (complete, capped) {
            cheap
        } else {
            self.score_bound(
                i,
                &opt,
                complete && c,
                capped.min(m),
                optimistic_met,
                ects_ub,
            )
        };
        self.buf = opt;
        bound
    }

    /// The bound for (complete, progress) = (`complete`, `met`), given the optimistic progress
    /// in `self.met`/`self.val` (`optimistic_met`) and the ECTS bound `ects_ub`: lower bounds
    /// on credentials, cost and offers for an assignment that ties on everything before them.
    fn score_bound(
        &mut self,
        i: usize,
        opt: &[u64],
        complete: bool,
        met: u32,
        optimistic_met: u32,
        ects_ub: u64,
    ) -> Score {
        let p = self.p;
        let ext_room = p.ext_cap.map_or(u64::MAX, |c| c.saturating_sub(self.ext));
        self.fewest_filled = false;
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
        // The least credentials for the optimistic progress; not a bound on the credentials of
        // an assignment with less progress, so dropped when the resource bound lowered it.
        let excl = if met == optimistic_met {
            self.progress_lb(&need)
        } else {
            0
        };
        // The ECTS an assignment that ties the bound's still adds.
        let d = ects_ub.saturating_sub(self.ects);
        let by_ects = self.fewest_for_ects(i, d, ext_room, None);
        let mut creds_lb = by_ects.max(excl).max(shared_max);
        if self.resource_ok && self.creds_could_decide(complete, met, ects_ub, creds_lb) {
            creds_lb = creds_lb.max(self.waste_bound(i, opt, &need, met, d));
        }
        if self.creds_decide(complete, met, ects_ub, creds_lb) {
            // Dearer, and needed only where the credentials decide: the least credentials over
            // every way of meeting requirements worth the progress bound (when the resource
            // bound or the cap lowered it), and external credits only in the sums their
            // subsets have.
            if met < optimistic_met && self.resource_ok {
                let mut cost = std::mem::take(&mut self.leaf_cost);
                cost.clone_from(&need);
                for (l, slot) in cost.iter_mut().enumerate() {
                    if let Some(fixed) = self.fixed_cost(l, opt) {
                        *slot = fixed;
                    }
                }
                creds_lb = creds_lb.max(self.least_for_progress(2, &cost, met));
                self.leaf_cost = cost;
            }
            // External credentials the requirements need: a leaf's deficit beyond what every
            // internal item fitting it could give comes from external ones, the fewest
            // largest within the allowance; over the sets of leaves worth the progress.
            let ext_min = if p.ext_cap.is_some() && self.resource_ok {
                let mut cost = std::mem::take(&mut self.leaf_cost);
                cost.clear();
                for (l, leaf) in p.leaves.iter().enumerate() {
                    let rest = leaf
                        .need
                        .saturating_sub(self.sums[l])
                        .saturating_sub(self.int_leaf[l]);
                    cost.push(if let Some(fixed) = self.fixed_cost(l, opt) {
                        fixed
                    } else if rest == 0 {
                        0
                    } else if leaf.by_count {
                        rest
                    } else {
                        let (ep, ec) = &self.leaf_ext[l];
                        fewest_split((&[], &[0]), (ep, ec), i, rest, ext_room)
                    });
                }
                let least = self.least_for_progress(3, &cost, met);
                self.leaf_cost = cost;
                least
            } else {
                0
            };
            let exact = self.fewest_for_ects(i, d, ext_room, Some(ext_min));
            creds_lb = creds_lb.max(exact);
            // The leaves every assignment of that progress meets take their fewest items
            // each, and those items bring at most their largest ECTS: the rest of the ECTS
            // needs items of its own.
            let (k, u) = self.forced_covers(i, opt, &need, met, ext_room);
            let rest = self.fewest_for_ects(i, d.saturating_sub(u), ext_room, Some(0));
            creds_lb = creds_lb.max(k.saturating_add(rest));
        }
        let mut cost_lb = 0;
        let mut offers_lb = 0;
        if complete && self.any_cost {
            // The ECTS still missing beyond what the free items left can give come from
            // offers, each adding its own (capped) ECTS, external ones within the allowance
            // left: at least the fewest largest offers that add that much.
            let paid_ects = p.total.saturating_sub(self.ects + self.suffix_free_ects[i]);
            offers_lb = fewest_split(
                (&self.paid_int.0, &self.paid_int.1),
                (&self.paid_ext.0, &self.paid_ext.1),
                i,
                paid_ects,
                ext_room,
            );
            cost_lb = paid_ects;
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
        self.buf2 = need;
        let cost = self.cost.saturating_add(cost_lb.min(UNREACHABLE)) as i64;
        // Any further cost comes from at least one more offer.
        let more_offers = offers_lb.max(u64::from(cost_lb > 0)).min(1 << 40) as i64;
        Score {
            complete,
            neg_cost_if_complete: if complete { -cost } else { 0 },
            neg_offers_if_complete: if complete {
                -(i64::from(self.offers) + more_offers)
            } else {
                0
            },
            met,
            ects: ects_ub,
            // A complete assignment's cost is its whole cost, so it is bounded like the cost
            // above; only an incomplete one may stop at the cost so far.
            neg_cost: if complete { -cost } else { -(self.cost as i64) },
            neg_creds: -(i64::from(self.creds).saturating_add(creds_lb.min(1 << 40) as i64)),
        }
    }

    /// (can complete, most progress) when each remaining item counts toward one exclusive
    /// leaf only: meeting an ECTS leaf uses at least its deficit of the `resource` (the ECTS
    /// of the remaining items, external ones within the allowance left), a count leaf at least
    /// its deficit times its smallest fitting item, a shared leaf nothing. A knapsack over the
    /// requirement tree: per node, the least resource for each (met, progress value).
    ///
    /// With `external` (per leaf, what the remaining internal items can add to it), the
    /// resource is the external allowance left instead: an exclusive ECTS leaf uses at least
    /// the part of its deficit that the internal items cannot give, and the external items
    /// on different exclusive leaves are different items, so those parts add up within the
    /// allowance.
    pub(super) fn resource_bound(
        &mut self,
        i: usize,
        opt: &[u64],
        resource: u64,
        external: Option<&[u64]>,
    ) -> (bool, u32) {
        let p = self.p;
        let mut cost = std::mem::take(&mut self.leaf_cost);
        cost.clear();
        cost.extend(p.leaves.iter().enumerate().map(|(l, leaf)| {
            let d = leaf.need.saturating_sub(self.sums[l]);
            if let Some(fixed) = self.fixed_cost(l, opt) {
                return fixed;
            }
            match leaf.by_count {
                _ if d == 0 => 0,
                // External ECTS: what the internal items left cannot give.
                true if external.is_some() => 0,
                false => match external {
                    Some(int) => d.saturating_sub(int[l]),
                    None => d,
                },
                true => d.saturating_mul(self.suffix_min_ects[i][l]),
            }
        }));
        let slot = usize::from(external.is_some());
        self.tree_dp(slot, &cost);
        self.leaf_cost = cost;
        let acc = &self.dp_cache[slot].2;
        let complete = acc.0.iter().any(|&c| c <= resource);
        let best = (0..acc.0.len())
            .rev()
            .find(|&v| acc.0[v].min(acc.1[v]) <= resource)
            .unwrap_or(0);
        (complete, best as u32)
    }

    /// A leaf's cost in every tree knapsack where it does not depend on the knapsack's own
    /// measure: a leaf the items left cannot meet (optimistic sums `opt`) is unreachable, a
    /// shared one is free (its items are counted where they are exclusive). In that order: a
    /// shared leaf nothing can meet counted as met at no cost, and let sets of impossible
    /// requirements through.
    fn fixed_cost(&self, l: usize, opt: &[u64]) -> Option<u64> {
        let leaf = &self.p.leaves[l];
        if opt[l] < leaf.need {
            Some(UNREACHABLE)
        } else if leaf.shared {
            Some(0)
        } else {
            None
        }
    }

    /// The least total of per-leaf costs `cost` (`UNREACHABLE`: the leaf cannot be met) for
    /// an assignment of progress at least `value`: the tree knapsack of [`Self::tree_dp`].
    pub(super) fn least_for_progress(&mut self, slot: usize, cost: &[u64], value: u32) -> u64 {
        self.tree_dp(slot, cost);
        let acc = &self.dp_cache[slot].2;
        (value as usize..acc.0.len())
            .map(|v| acc.0[v].min(acc.1[v]))
            .min()
            .unwrap_or(UNREACHABLE)
    }

    /// Per node (in `self.dp`), the least total of the per-leaf costs `cost` of its met
    /// leaves for each (met, progress value): a knapsack over the requirement tree, an
    /// `allOf` by min-plus products, an `nOf` over how many children count toward its value
    /// and how many are met.
    ///
    /// Each caller has its own `slot` of tables, kept from its last call: only the nodes above
    /// a leaf whose cost changed since are computed again (between a node and its child
    /// usually few: those the decided item fits, more when the allowance left or a copy
    /// group changes), and every table is a function of the costs under it alone.
    fn tree_dp(&mut self, slot: usize, cost: &[u64]) {
        let p = self.p;
        if self.dp_slot != slot {
            if let Some(cur) = self.dp_cache.get_mut(self.dp_slot) {
                std::mem::swap(&mut self.dp, &mut cur.0);
            }
            std::mem::swap(&mut self.dp, &mut self.dp_cache[slot].0);
            self.dp_slot = slot;
        }
        let mut last = std::mem::take(&mut self.dp_cache[slot].1);
        let fresh = last.len() != cost.len() || self.dp.len() != p.nodes.len();
        if fresh {
            self.dp = vec![Vec::new(); p.nodes.len()];
        }
        let mut dirty = std::mem::take(&mut self.dp_dirty);
        dirty.clear();
        for node in &p.nodes {
            let d = fresh
                || match node {
                    Node::Leaf(l) => last[*l] != cost[*l],
                    Node::All(ch) | Node::NOf(_, ch) => ch.iter().any(|&c| dirty[c]),
                };
            dirty.push(d);
        }
        last.clear();
        last.extend_from_slice(cost);
        self.dp_cache[slot].1 = last;
        self.tree_dp_nodes(cost, &dirty);
        // The roots together, as one `allOf` without a flag of its own.
        let width: usize = p.roots.iter().map(|&r| self.vmax[r]).sum::<usize>() + 1;
        if self.dp_cache[slot].2 .0.len() != width || p.roots.iter().any(|&r| dirty[r]) {
            let acc = self.all_of(&p.roots, width);
            self.dp_acc = std::mem::replace(&mut self.dp_cache[slot].2, acc);
        }
        #[cfg(test)]
        {
            // The kept tables are those a computation from scratch gives.
            let kept = self.dp.clone();
            self.tree_dp_nodes(cost, &vec![true; p.nodes.len()]);
            assert_eq!(kept, self.dp, "tree knapsack: a kept table is stale");
            let acc = self.all_of(&p.roots, width);
            assert_eq!(acc, self.dp_cache[slot].2, "tree knapsack: stale roots");
            self.dp_acc = acc;
        }
        self.dp_dirty = dirty;
    }

    /// The tables of the nodes marked in `dirty`, children before parents.
    fn tree_dp_nodes(&mut self, cost: &[u64], dirty: &[bool]) {
        let p = self.p;
        for (ni, node) in p.nodes.iter().enumerate() {
            if !dirty[ni] {
                continue;
            }
            let w = self.vmax[ni] + 1;
            let mut t = std::mem::take(&mut self.dp[ni]);
            t.clear();
            t.resize(2 * w, UNREACHABLE);
            match node {
                Node::Leaf(l) => {
                    t[0] = 0;
                    t[w + 1] = cost[*l];
                }
                Node::All(ch) => {
                    let acc = self.all_of(ch, w);
                    for v in 0..w - 1 {
                        t[v] = acc.1[v];
                        t[w + v + 1] = acc.0[v];
                    }
                    self.dp_acc = acc;
                }
                Node::NOf(k, ch) => {
                    let leaves_only = ch.iter().all(|&c| matches!(p.nodes[c], Node::Leaf(_)));
                    if leaves_only {
                        self.nof_of_leaves(*k, ch, w, &mut t);
                        #[cfg(test)]
                        {
                            let mut general = vec![UNREACHABLE; 2 * w];
                            self.nof_general(*k, ch, w, &mut general);
                            assert_eq!(t, general, "nOf of leaves: fast table differs");
                        }
                    } else {
                        self.nof_general(*k, ch, w, &mut t);
                    }
                }
            }
            self.dp[ni] = t;
        }
    }

    /// The `nOf` step of [`Self::tree_dp`] for any children: over how many children count
    /// toward its value (at most `k`), how many are met (capped at `k`) and the value.
    fn nof_general(&mut self, k: usize, ch: &[usize], w: usize, t: &mut [u64]) {
        let vw = w - 1;
        // (children counted for value ≤ k, children met capped at k, value).
        let idx = |j: usize, m: usize, v: usize| (j * (k + 1) + m) * vw + v;
        let cells = (k + 1) * (k + 1) * vw;
        let mut acc = std::mem::take(&mut self.nof_acc);
        let mut next = std::mem::take(&mut self.nof_next);
        acc.clear();
        acc.resize(cells, UNREACHABLE);
        acc[0] = 0;
        // Only the cells the children so far can reach: at most `seen` counted or met, a
        // value of at most `vtop`.
        let (mut seen, mut vtop) = (0usize, 0usize);
        for &c in ch {
            let cw = self.vmax[c] + 1;
            let ct = &self.dp[c];
            let min_un = ct[..cw].iter().copied().min().unwrap_or(UNREACHABLE);
            let min_met = ct[cw..].iter().copied().min().unwrap_or(UNREACHABLE);
            next.clear();
            next.resize(cells, UNREACHABLE);
            for j in 0..=k.min(seen) {
                for m in 0..=k.min(seen) {
                    let m1 = (m + 1).min(k);
                    for v in 0..=vtop.min(vw - 1) {
                        let a = acc[idx(j, m, v)];
                        if a >= UNREACHABLE {
                            continue;
                        }
                        let s = &mut next[idx(j, m, v)];
                        *s = (*s).min(add(a, min_un));
                        let s = &mut next[idx(j, m1, v)];
                        *s = (*s).min(add(a, min_met));
                        if j == k {
                            continue;
                        }
                        for x in 0..cw.min(vw - v) {
                            let s = &mut next[idx(j + 1, m, v + x)];
                            *s = (*s).min(add(a, ct[x]));
                            let s = &mut next[idx(j + 1, m1, v + x)];
                            *s = (*s).min(add(a, ct[cw + x]));
                        }
                    }
                }
            }
            std::mem::swap(&mut acc, &mut next);
            seen += 1;
            vtop += cw - 1;
        }
        for j in 0..=k {
            for m in 0..=k {
                for v in 0..vw {
                    let a = acc[idx(j, m, v)];
                    let slot = if m >= k { w + v + 1 } else { v };
                    t[slot] = t[slot].min(a);
                }
            }
        }
        self.nof_acc = acc;
        self.nof_next = next;
    }

    /// The `nOf` step of [`Self::tree_dp`] when every child is a leaf (an elective group):
    /// with `m` children met the value is `min(m, k)` plus one when `m ≥ k`, and the least
    /// cost of `m` met is the sum of the `m` cheapest. The same table as
    /// [`Self::nof_general`] (checked in the tests), in O(children log children).
    fn nof_of_leaves(&mut self, k: usize, ch: &[usize], w: usize, t: &mut [u64]) {
        let mut costs = std::mem::take(&mut self.nof_acc);
        costs.clear();
        // A leaf's table: unmet at 0, met (value 1) at its width + 1 = 3.
        costs.extend(ch.iter().map(|&c| self.dp[c][3]));
        costs.sort_unstable();
        let vw = w - 1;
        let mut sum = 0u64;
        for v in 0..vw {
            if v < k {
                t[v] = sum;
            }
            if v < costs.len() {
                sum = add(sum, costs[v]);
            } else {
                sum = UNREACHABLE;
            }
        }
        let least_k = if k <= costs.len() {
            costs[..k].iter().fold(0, |a, &c| add(a, c))
        } else {
            UNREACHABLE
        };
        for v in 0..vw {
            t[w + v + 1] = least_k;
        }
        self.nof_acc = costs;
    }

    /// The (all met, not all met) least-resource tables of `width` values for meeting all of
    /// `children` (whose tables are in `self.dp`). Give the result back to `self.dp_acc`.
    fn all_of(&mut self, children: &[usize], width: usize) -> (Vec<u64>, Vec<u64>) {
        let mut acc = std::mem::take(&mut self.dp_acc);
        let mut next = std::mem::take(&mut self.dp_next);
        for v in [&mut acc.0, &mut acc.1] {
            v.clear();
            v.resize(width, UNREACHABLE);
        }
        acc.0[0] = 0;
        let mut top = 0;
        for &c in children {
            let cw = self.vmax[c] + 1;
            all_of_step(&mut acc, &mut next, top, &self.dp[c], cw);
            top += cw - 1;
        }
        self.dp_next = next;
        acc
    }

    /// Over the exclusive leaves that every assignment of progress `met` must meet (given
    /// the optimistic sums `opt`: without the leaf the progress falls below `met`), the sum
    /// of their fewest items `fewest` and an upper bound on the ECTS those items can bring
    /// (the ECTS of as many of the largest internal, and of the largest external within
    /// `room`, items left that fit the leaf). Leaves `self.met`/`self.val` as `opt` gives.
    fn forced_covers(
        &mut self,
        i: usize,
        opt: &[u64],
        fewest: &[u64],
        met: u32,
        room: u64,
    ) -> (u64, u64) {
        let p = self.p;
        self.eval(opt, 0);
        let (mut k, mut u) = (0u64, 0u64);
        for l in 0..p.leaves.len() {
            let leaf = &p.leaves[l];
            let f = fewest[l];
            if leaf.shared || f == 0 || f >= UNREACHABLE || opt[l] < leaf.need {
                continue;
            }
            if self.progress_without(l) >= met {
                continue;
            }
            let largest = |list: &(Vec<usize>, Vec<u64>)| -> u64 {
                let from = list.0.partition_point(|&x| x < i);
                list.0[from..]
                    .iter()
                    .take(f as usize)
                    .map(|&pos| self.items[pos].ects)
                    .fold(0, u64::saturating_add)
            };
            let brought =
                largest(&self.leaf_int[l]).saturating_add(largest(&self.leaf_ext[l]).min(room));
            k = k.saturating_add(f);
            u = u.saturating_add(brought);
        }
        (k, u)
    }

    /// The fewest items left for an assignment of progress at least `met` that adds `d` ECTS,
    /// by what the leaves it meets waste: with `s` the most ECTS of one item left, `n` items
    /// add at most `n·s` less what each falls short of `s`. The items meeting an exclusive leaf
    /// are its own, at least its `fewest[l]` items, and those fall short together by at least
    /// `fewest[l]·s` less the ECTS of as many of the largest items fitting it; over the sets of
    /// leaves worth `met` (the tree knapsack), the least such shortfall `w` gives
    /// `n ≥ (d + w) / s`. Where every credential is worth the same, this is what shows that a
    /// requirement only small credentials fit costs credentials beyond the total's.
    fn waste_bound(&mut self, i: usize, opt: &[u64], fewest: &[u64], met: u32, d: u64) -> u64 {
        let s = self.suffix_max_ects[i];
        if s == 0 {
            return 0;
        }
        let mut cost = std::mem::take(&mut self.leaf_cost);
        cost.clear();
        for (l, &f) in fewest.iter().enumerate() {
            cost.push(if let Some(fixed) = self.fixed_cost(l, opt) {
                fixed
            } else if f == 0 {
                0
            } else if f >= UNREACHABLE {
                UNREACHABLE
            } else {
                f.saturating_mul(s)
                    .saturating_sub(self.largest_fitting(i, l, f))
            });
        }
        let w = self.least_for_progress(4, &cost, met);
        self.leaf_cost = cost;
        if w >= UNREACHABLE {
            return UNREACHABLE;
        }
        d.saturating_add(w).div_ceil(s)
    }

    /// The ECTS of the `k` largest items from position `i` on that fit leaf `l`.
    fn largest_fitting(&self, i: usize, l: usize, k: u64) -> u64 {
        let (ip, ep) = (&self.leaf_int[l].0, &self.leaf_ext[l].0);
        let mut a = ip[ip.partition_point(|&x| x < i)..].iter().peekable();
        let mut b = ep[ep.partition_point(|&x| x < i)..].iter().peekable();
        let mut sum = 0u64;
        for _ in 0..k {
            let next = match (a.peek(), b.peek()) {
                (Some(&&x), Some(&&y)) => {
                    if self.items[x].ects >= self.items[y].ects {
                        a.next()
                    } else {
                        b.next()
                    }
                }
                (Some(_), None) => a.next(),
                (None, _) => b.next(),
            };
            match next {
                Some(&pos) => sum = sum.saturating_add(self.items[pos].ects),
                None => break,
            }
        }
        sum
    }

    /// Whether a bound of (`complete`, `met`, `ects`) with at least `creds_lb` more
    /// credentials ties the incumbent on everything before the credentials and still beats
    /// it on them: only then can a better credentials bound prune (and only once the search
    /// is past its first `refine_after` nodes, [`REFINE_AFTER`] but in tests).
    fn creds_decide(&self, complete: bool, met: u32, ects: u64, creds_lb: u64) -> bool {
        self.nodes > self.refine_after && self.creds_could_decide(complete, met, ects, creds_lb)
    }

    /// Whether a bound of (`complete`, `met`, `ects`) with at least `creds_lb` more
    /// credentials ties the incumbent on everything before the credentials and still beats
    /// it on them.
    fn creds_could_decide(&self, complete: bool, met: u32, ects: u64, creds_lb: u64) -> bool {
        let b = &self.best;
        !self.any_cost
            && b.complete == complete
            && b.met == met
            && b.ects == ects
            && b.neg_cost == 0
            && -(i64::from(self.creds).saturating_add(creds_lb.min(1 << 40) as i64)) > b.neg_creds
    }

    /// The cumulative ECTS (largest first) of the internal and the external items from
    /// position `i` on, of copies of one achievement only the first (the largest), none of a
    /// copy group in use.
    fn fill_fewest(&mut self, i: usize, int: &mut Vec<u64>, ext: &mut Vec<u64>) {
        for cum in [&mut *int, &mut *ext] {
            cum.clear();
            cum.push(0);
        }
        self.stamp += 1;
        for k in i..self.items.len() {
            let it = &self.items[k];
            if let Some(g) = it.group.filter(|&g| !self.grp_mixed[g]) {
                if self.group_used[g] || self.grp_stamp[g] == self.stamp {
                    continue;
                }
                self.grp_stamp[g] = self.stamp;
            } else if it.group.is_some_and(|g| self.group_used[g]) {
                continue;
            }
            let cum = if it.external { &mut *ext } else { &mut *int };
            let last = cum[cum.len() - 1];
            cum.push(last + it.ects);
        }
    }

    /// Fewest items from position `i` on that add `d` ECTS, external ones within `room`; of
    /// copies of one achievement only the largest left can count, and of a used group none.
    /// The search order keeps the internal and the external items each largest first, so
    /// one scan lists both largest first.
    ///
    /// With `exact = Some(k)`, external credits add only sums their subsets have (see
    /// [`fewest_exact`]; the table is built on first use), and at least `k` of them are used.
    fn fewest_for_ects(&mut self, i: usize, d: u64, room: u64, exact: Option<u64>) -> u64 {
        if d == 0 {
            return 0;
        }
        let mut int = std::mem::take(&mut self.scratch_int);
        let mut ext = std::mem::take(&mut self.scratch_ext);
        // The cumulative ECTS of the items left, for every call of one bound (`score_bound`
        // clears the flag: the items left and the copy groups in use are those of one state).
        if !self.fewest_filled {
            self.fewest_filled = true;
            self.fill_fewest(i, &mut int, &mut ext);
        }
        let mut n = fewest_of(&int, &ext, d, room);
        if exact.is_some() && self.ext_fewest.is_none() {
            self.ext_fewest = Some(
                self.p
                    .ext_cap
                    .map(|cap| fewest_exact(&self.items, cap))
                    .unwrap_or_default(),
            );
        }
        let ext_min = exact.unwrap_or(0);
        let table = if exact.is_some() {
            self.ext_fewest.as_ref()
        } else {
            None
        };
        if let Some(row) = table.and_then(|t| t.get(i)) {
            // External credits add up only to the sums their subsets have: the fewest of them
            // with each exact sum (and no fewer than the requirements need), and internal ones
            // for the rest.
            let top = room.min(row.len() as u64 - 1) as usize;
            // From the largest sum down: the internal items the rest needs only grow, so once
            // they alone (with the external ones the requirements need) reach the best so
            // far, no smaller sum does better.
            let mut exact = UNREACHABLE;
            for s in (0..=top).rev() {
                let internal = fewest(&int, 0, d.saturating_sub(s as u64));
                if ext_min.saturating_add(internal) >= exact {
                    break;
                }
                if row[s] != NO_SUBSET {
                    exact = exact.min(u64::from(row[s]).max(ext_min).saturating_add(internal));
                }
            }
            n = n.max(exact);
        }
        self.scratch_int = int;
        self.scratch_ext = ext;
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sum that needs more external items than a byte counts is "at least 254 items", a
    /// lower bound, never "no subset" (which would make a bound on credentials too high).
    #[test]
    fn exact_sums_needing_many_items_saturate() {
        let one = Item {
            ects: 1,
            exclusive: vec![0],
            shared: vec![],
            external: true,
            cost: 0,
            group: None,
        };
        let items = vec![one; 300];
        let rows = fewest_exact(&items, 300);
        assert_eq!(rows[0][0], 0);
        assert_eq!(rows[0][200], 200);
        assert_eq!(rows[0][254], NO_SUBSET - 1);
        assert_eq!(rows[0][300], NO_SUBSET - 1);
        assert_eq!(rows[299][2], NO_SUBSET, "one item left cannot make 2");
    }

    /// Three of four requirements that only a 2.5-ECTS credential each fits, and 60 ECTS in
    /// all from 7.5-ECTS credentials otherwise: the three small ones fall 15 ECTS short of
    /// three large ones, so 10 credentials are needed, not the 8 the total alone asks. No
    /// small requirement is met by every assignment, so only the waste bound sees it, at the
    /// root.
    #[test]
    fn what_small_credentials_waste_counts_at_the_root() {
        let leaf = |need, by_count| super::super::Leaf {
            need,
            by_count,
            shared: false,
        };
        let item = |ects, exclusive| Item {
            ects,
            exclusive,
            shared: vec![],
            external: false,
            cost: 0,
            group: None,
        };
        let mut leaves = vec![leaf(1500, false)];
        leaves.extend((0..4).map(|_| leaf(1, true)));
        let p = Problem {
            leaves,
            nodes: vec![
                Node::Leaf(0),
                Node::Leaf(1),
                Node::Leaf(2),
                Node::Leaf(3),
                Node::Leaf(4),
                Node::NOf(3, vec![1, 2, 3, 4]),
            ],
            roots: vec![0, 5],
            total: 6000,
            ext_cap: None,
        };
        let mut items: Vec<Item> = (0..10).map(|_| item(750, vec![0])).collect();
        items.extend((1..5).map(|l| item(250, vec![l])));
        let (mut s, _) = super::super::prepare(&p, &items, 100_000);
        s.dfs(0, 0);
        assert!(!s.stopped);
        assert!(s.best.complete);
        assert_eq!(s.best.neg_creds, -10);
        assert_eq!(s.upper_bound(0).neg_creds, -10, "the root bound proves 10");
    }
}
