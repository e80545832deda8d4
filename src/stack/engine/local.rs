//! Local search for the progress cap's feasibility questions: an assignment that meets every
//! leaf of a set, found by moving one item at a time.
//!
//! This file owns only that heuristic. It can answer "yes" (with the assignment), never
//! "no": a set it does not meet within its moves goes to the exact search as before, so the
//! cap stays proven. It helps where the exact search is slow to find an assignment that
//! exists: many leaves competing for the same few credentials, where the search's
//! largest-first dive fills the wrong leaves first.
//!
//! The moves: take a leaf of the set that is not met, and move to it the item fitting it
//! whose move lowers the weighted shortfall most (an unused item, or one taken from another
//! leaf). Each leaf's shortfall counts as a fraction of its need, times a weight that grows
//! each time the search is stuck while the leaf is unmet (breakout), so that leaves that
//! keep losing get their turn. Copy groups and the external allowance are never exceeded.

use super::{contrib, Item, Search};

/// The most moves one question may take (each counts as a search node).
pub(super) const MOVES: u64 = 200;

impl Search<'_> {
    /// An assignment (choice codes by search position) that meets every leaf in `set`,
    /// searched from the incumbent within `moves` moves (counted in `self.nodes`), or `None`.
    /// Call only between searches (no item applied).
    pub(super) fn local_meet(&mut self, set: &[bool], moves: u64) -> Option<Vec<u32>> {
        self.walk(set, moves, false)
    }

    /// A better incumbent from the moves toward every leaf that can be met at all: each time
    /// the moves leave fewer leaves unmet, or make more progress, than before, the assignment
    /// is scored and kept if it beats the incumbent. Within `moves` moves (counted in
    /// `self.nodes`).
    pub(super) fn local_improve(&mut self, moves: u64) {
        let (_, universe) = self.meetable();
        if let Some(codes) = self.walk(&universe, moves, true) {
            self.offer_polished(codes);
        }
    }

    /// [`Self::polish`] `codes` and take them as the incumbent if they score higher.
    pub(super) fn offer_polished(&mut self, codes: Vec<u32>) {
        let codes = self.polish(codes);
        self.offer(codes);
    }

    /// The moves of [`Self::local_meet`]; with `keep`, every assignment that leaves fewer
    /// leaves unmet, or makes more progress, than any before is polished and offered as the
    /// incumbent on the way.
    fn walk(&mut self, set: &[bool], moves: u64, keep: bool) -> Option<Vec<u32>> {
        let p = self.p;
        let nl = p.leaves.len();
        let n = self.items.len();
        // Per leaf of the set: the items that can add to it, with the code that does.
        let mut fitting: Vec<Vec<(usize, u32)>> = vec![Vec::new(); nl];
        for (k, it) in self.items.iter().enumerate() {
            for (j, &l) in it.exclusive.iter().enumerate() {
                if set[l] {
                    fitting[l].push((k, j as u32 + 1));
                }
            }
            for &l in &it.shared {
                if set[l] {
                    // Any use adds to a shared leaf; the move picks the best code below.
                    fitting[l].push((k, u32::MAX));
                }
            }
        }
        if (0..nl).any(|l| set[l] && fitting[l].is_empty() && p.leaves[l].need > 0) {
            self.nodes += 1;
            return None;
        }
        // From the incumbent, without the items that add to no leaf of the set (they would
        // only hold copy groups and the allowance).
        let mut codes = self.best_choice.clone();
        codes.resize(n, 0);
        for (k, c) in codes.iter_mut().enumerate() {
            if *c > 0 && !self.items[k].leaves_under(*c).any(|&l| set[l]) {
                *c = 0;
            }
        }
        let mut sums = vec![0u64; nl];
        let mut ext = 0u64;
        let mut group_user: Vec<Option<usize>> = vec![None; self.group_used.len()];
        for (k, &c) in codes.iter().enumerate() {
            if c > 0 {
                let it = &self.items[k];
                for &l in it.leaves_under(c) {
                    sums[l] += contrib(&p.leaves[l], it);
                }
                ext += if it.external { it.ects } else { 0 };
                if let Some(g) = it.group {
                    group_user[g] = Some(k);
                }
            }
        }
        let mut weight = vec![1.0f64; nl];
        let short = |l: usize, s: u64, w: &[f64]| -> f64 {
            if !set[l] {
                return 0.0;
            }
            let need = p.leaves[l].need;
            w[l] * need.saturating_sub(s) as f64 / need.max(1) as f64
        };
        // What taking item `e` out of use (under code `rc`) adds to the weighted shortfall.
        let loss = |e: &Item, rc: u32, sums: &[u64], w: &[f64]| -> f64 {
            e.leaves_under(rc)
                .map(|&l| short(l, sums[l] - contrib(&p.leaves[l], e), w) - short(l, sums[l], w))
                .sum()
        };
        let mut rng = 0x9E37_79B9_7F4A_7C15_u64 ^ (n as u64) << 32 ^ nl as u64;
        let mut unmet: Vec<usize> = Vec::new();
        let mut fewest_unmet = usize::MAX;
        let mut most_progress = 0u32;
        // The polishing on the way counts toward the same moves.
        let stop = self.nodes.saturating_add(moves);
        while self.nodes < stop {
            self.nodes += 1;
            unmet.clear();
            unmet.extend((0..nl).filter(|&l| set[l] && sums[l] < p.leaves[l].need));
            if unmet.is_empty() {
                return Some(codes);
            }
            if keep {
                // Fewer leaves unmet, or more progress: the two differ where an `nOf` counts
                // only its best children, or an `allOf` its own flag.
                let (_, progress) = self.eval(&sums, 0);
                if unmet.len() < fewest_unmet || progress > most_progress {
                    fewest_unmet = fewest_unmet.min(unmet.len());
                    most_progress = most_progress.max(progress);
                    self.offer_polished(codes.clone());
                }
            }
            let target = unmet[(next(&mut rng) % unmet.len() as u64) as usize];
            // The best move of an item to `target`: (change of the weighted shortfall, item,
            // code).
            let mut best: Option<(f64, usize, u32, Option<usize>)> = None;
            // The external items in use, cheapest loss first (listed once per move, when an
            // item is blocked by the allowance).
            let mut room: Option<Vec<(f64, usize)>> = None;
            for &(k, code) in &fitting[target] {
                let it = &self.items[k];
                let now = codes[k];
                if now > 0 && it.leaves_under(now).any(|&l| l == target) {
                    continue;
                }
                // An item blocked by a copy of its group in use, or by the allowance, may take
                // the place of that copy, or of one external item in use that makes room.
                let mut evict = None;
                if let Some(g) = it.group {
                    match group_user[g] {
                        Some(u) if u != k => evict = Some(u),
                        _ => {}
                    }
                }
                if let (Some(cap), true) = (p.ext_cap, it.external && now == 0) {
                    let freed = evict.map_or(0, |u| {
                        let e = &self.items[u];
                        if e.external {
                            e.ects
                        } else {
                            0
                        }
                    });
                    if ext - freed + it.ects > cap {
                        if evict.is_some() {
                            continue;
                        }
                        // The external item in use whose loss costs least and makes room.
                        let list = room.get_or_insert_with(|| {
                            let mut list: Vec<(f64, usize)> = codes
                                .iter()
                                .enumerate()
                                .filter(|&(r, &rc)| rc > 0 && self.items[r].external)
                                .map(|(r, &rc)| (loss(&self.items[r], rc, &sums, &weight), r))
                                .collect();
                            list.sort_by(|a, b| a.0.total_cmp(&b.0));
                            list
                        });
                        let fits = |&&(_, r): &&(f64, usize)| {
                            r != k && ext - self.items[r].ects + it.ects <= cap
                        };
                        match list.iter().find(fits) {
                            Some(&(_, r)) => evict = Some(r),
                            None => continue,
                        }
                    }
                }
                let evict_loss =
                    evict.map_or(0.0, |r| loss(&self.items[r], codes[r], &sums, &weight));
                let codes_to_try = if code == u32::MAX {
                    1..=it.exclusive.len() as u32 + 1
                } else {
                    code..=code
                };
                for c in codes_to_try {
                    let mut delta = evict_loss;
                    let mut touch = |l: usize, add: i64| {
                        let s = sums[l];
                        let after = if add > 0 {
                            s + add as u64
                        } else {
                            s - (-add) as u64
                        };
                        delta += short(l, after, &weight) - short(l, s, &weight);
                    };
                    // Shared leaves stay when the item stays in use: only the exclusive
                    // leaf changes.
                    let old_ex = (now as usize)
                        .checked_sub(1)
                        .and_then(|j| it.exclusive.get(j));
                    let new_ex = (c as usize)
                        .checked_sub(1)
                        .and_then(|j| it.exclusive.get(j));
                    if now == 0 {
                        for &l in it.leaves_under(c) {
                            touch(l, contrib(&p.leaves[l], it) as i64);
                        }
                    } else if old_ex != new_ex {
                        if let Some(&l) = old_ex {
                            touch(l, -(contrib(&p.leaves[l], it) as i64));
                        }
                        if let Some(&l) = new_ex {
                            touch(l, contrib(&p.leaves[l], it) as i64);
                        }
                    }
                    let better = match best {
                        None => true,
                        Some((d, ..)) => delta < d - 1e-12,
                    };
                    if better {
                        best = Some((delta, k, c, evict));
                    }
                }
            }
            let Some((delta, k, c, evict)) = best else {
                weight[target] += 1.0;
                continue;
            };
            if delta >= 0.0 {
                // Stuck: the leaves still unmet weigh more from now on.
                for &l in &unmet {
                    weight[l] += 1.0;
                }
                if !next(&mut rng).is_multiple_of(4) {
                    continue;
                }
            }
            if let Some(r) = evict {
                // The evicted item becomes unused (it does not touch the leaves `k` changes
                // unless it fits them too, which the sums below account for).
                let e = &self.items[r];
                for &l in e.leaves_under(codes[r]) {
                    sums[l] -= contrib(&p.leaves[l], e);
                }
                ext -= if e.external { e.ects } else { 0 };
                if let Some(g) = e.group {
                    group_user[g] = None;
                }
                codes[r] = 0;
            }
            let it = &self.items[k];
            let now = codes[k];
            for &l in it.leaves_under(now) {
                sums[l] -= contrib(&p.leaves[l], it);
            }
            for &l in it.leaves_under(c) {
                sums[l] += contrib(&p.leaves[l], it);
            }
            if now == 0 {
                ext += if it.external { it.ects } else { 0 };
                if let Some(g) = it.group {
                    group_user[g] = Some(k);
                }
            }
            codes[k] = c;
        }
        None
    }

    /// `codes` scored higher where it can be: unused items added wherever that raises the
    /// score (largest first, to their first code: ECTS while the total is not reached), then
    /// used items dropped (smallest first) wherever the score does not fall. Within the copy
    /// groups and the allowance.
    pub(super) fn polish(&mut self, mut codes: Vec<u32>) -> Vec<u32> {
        // Each of the 2 × items assignments scored counts as a search node.
        self.nodes += 2 * codes.len() as u64;
        let mut score = self.score_of(&codes);
        for k in 0..codes.len() {
            if codes[k] == 0 {
                codes[k] = 1;
                let s = self.score_of_checked(&codes);
                match s {
                    Some(s) if s > score => score = s,
                    _ => codes[k] = 0,
                }
            }
        }
        for k in (0..codes.len()).rev() {
            if codes[k] > 0 {
                let was = codes[k];
                codes[k] = 0;
                let s = self.score_of(&codes);
                if s > score {
                    score = s;
                } else {
                    codes[k] = was;
                }
            }
        }
        codes
    }

    /// [`Self::score_of`] of an assignment that keeps the copy groups and the allowance, else
    /// `None`.
    fn score_of_checked(&mut self, codes: &[u32]) -> Option<super::Score> {
        let mut ext = 0u64;
        let mut groups = vec![false; self.group_used.len()];
        for (it, &c) in self.items.iter().zip(codes) {
            if c > 0 {
                ext += if it.external { it.ects } else { 0 };
                if let Some(g) = it.group {
                    if std::mem::replace(&mut groups[g], true) {
                        return None;
                    }
                }
            }
        }
        if self.p.ext_cap.is_some_and(|cap| ext > cap) {
            return None;
        }
        Some(self.score_of(codes))
    }
}

/// xorshift64.
fn next(s: &mut u64) -> u64 {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    *s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::super::{prepare, Item, Leaf, Node, Problem};
    use super::next;

    fn leaf(need: u64, by_count: bool) -> Leaf {
        Leaf {
            need,
            by_count,
            shared: false,
        }
    }

    fn item(ects: u64, exclusive: Vec<usize>, external: bool, group: Option<usize>) -> Item {
        Item {
            ects,
            exclusive,
            shared: vec![],
            external,
            cost: 0,
            group,
        }
    }

    /// The largest-first dive puts the credential that fits both requirements in the first;
    /// the moves give it to the one nothing else fits.
    #[test]
    fn a_contested_credential_goes_where_nothing_else_fits() {
        let p = Problem {
            leaves: vec![leaf(500, false), leaf(500, false)],
            nodes: vec![Node::Leaf(0), Node::Leaf(1), Node::All(vec![0, 1])],
            roots: vec![2],
            total: 0,
            ext_cap: None,
        };
        let items = vec![
            item(500, vec![0, 1], false, None),
            item(300, vec![0], false, None),
        ];
        let more = item(300, vec![0], false, None);
        let items = [items, vec![more]].concat();
        let (mut s, _) = prepare(&p, &items, 1_000);
        let codes = s.local_meet(&[true, true], 100).expect("both can be met");
        let sums = met_sums(&p, &s.items, &codes);
        assert!(sums[0] >= 500 && sums[1] >= 500, "{codes:?}");
    }

    /// What the moves find keeps every rule: copy groups, the external allowance, and every
    /// leaf of the set met; and polishing it loses nothing.
    #[test]
    fn what_the_moves_find_keeps_groups_and_the_allowance() {
        let mut rng = 0x1234_5678_9ABC_DEF1_u64;
        let mut found = 0;
        for _ in 0..2_000 {
            let nl = 2 + (next(&mut rng) % 5) as usize;
            let leaves: Vec<Leaf> = (0..nl)
                .map(|_| {
                    let by_count = next(&mut rng).is_multiple_of(3);
                    leaf(
                        if by_count {
                            1
                        } else {
                            250 * (1 + next(&mut rng) % 4)
                        },
                        by_count,
                    )
                })
                .collect();
            let ni = 2 + (next(&mut rng) % 10) as usize;
            let items: Vec<Item> = (0..ni)
                .map(|_| {
                    let fits: Vec<usize> = (0..nl)
                        .filter(|_| next(&mut rng).is_multiple_of(2))
                        .collect();
                    let fits = if fits.is_empty() { vec![0] } else { fits };
                    let group =
                        (next(&mut rng).is_multiple_of(3)).then(|| (next(&mut rng) % 2) as usize);
                    item(
                        250 * (1 + next(&mut rng) % 4),
                        fits,
                        next(&mut rng).is_multiple_of(2),
                        group,
                    )
                })
                .collect();
            let mut nodes: Vec<Node> = (0..nl).map(Node::Leaf).collect();
            nodes.push(Node::All((0..nl).collect()));
            let p = Problem {
                leaves,
                nodes,
                roots: vec![nl],
                total: 250 * (next(&mut rng) % 8),
                ext_cap: (next(&mut rng).is_multiple_of(2)).then(|| 250 * (next(&mut rng) % 4)),
            };
            let set: Vec<bool> = (0..nl).map(|_| !next(&mut rng).is_multiple_of(3)).collect();
            let (mut s, _) = prepare(&p, &items, 1_000);
            let Some(codes) = s.local_meet(&set, 200) else {
                continue;
            };
            found += 1;
            for codes in [codes.clone(), s.polish(codes)] {
                assert_valid(&p, &s.items, &codes);
                let sums = met_sums(&p, &s.items, &codes);
                for l in (0..nl).filter(|&l| set[l]) {
                    assert!(sums[l] >= p.leaves[l].need, "leaf {l}: {codes:?}");
                }
            }
        }
        assert!(found > 500, "only {found} sets met");
    }

    fn met_sums(p: &Problem, items: &[Item], codes: &[u32]) -> Vec<u64> {
        let mut sums = vec![0; p.leaves.len()];
        for (it, &c) in items.iter().zip(codes) {
            for &l in it.leaves_under(c) {
                sums[l] += if p.leaves[l].by_count { 1 } else { it.ects };
            }
        }
        sums
    }

    fn assert_valid(p: &Problem, items: &[Item], codes: &[u32]) {
        let mut groups = std::collections::HashSet::new();
        let mut ext = 0;
        for (it, &c) in items.iter().zip(codes) {
            if c == 0 {
                continue;
            }
            assert!(c as usize <= it.exclusive.len() + 1, "code {c} of {it:?}");
            if let Some(g) = it.group {
                assert!(groups.insert(g), "two copies of group {g}: {codes:?}");
            }
            ext += if it.external { it.ects } else { 0 };
        }
        if let Some(cap) = p.ext_cap {
            assert!(ext <= cap, "{ext} external ECTS over {cap}: {codes:?}");
        }
    }
}
