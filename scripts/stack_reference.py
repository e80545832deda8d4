"""The stacking engine against an independent exact solver (HiGHS), on generated problems.

Reads JSON lines from `cargo bench --bench stack -- dump N Q FROM TO` (each: the engine's
abstract search problem and its answer) and solves the same problem as a mixed-integer
program, one lexicographic criterion after the other, as docs/stacking.md defines the
objective for audits: complete, then progress, then ECTS counted (capped at the total), then
the fewest credentials. Prints one row per problem and a summary. A difference on a problem
the engine calls proven is a bug in the engine (or in this model): the exit status is 1.
"""
import json
import sys
import time

import highspy
import numpy as np


def solve(P, time_limit=60.0):
    items, leaves, nodes = P["items"], P["leaves"], P["nodes"]
    total, cap = P["total"], P["cap"]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.5)
    h.setOptionValue("time_limit", time_limit)
    inf = highspy.kHighsInf
    count = [0]

    def var(lo, hi, integer):
        h.addVar(lo, hi)
        k = count[0]
        count[0] += 1
        if integer:
            h.changeColIntegrality(k, highspy.HighsVarType.kInteger)
        return k

    def row(lo, hi, coefs):
        idx = np.array([k for k, _ in coefs], dtype=np.int32)
        val = np.array([v for _, v in coefs], dtype=np.float64)
        h.addRow(lo, hi, len(idx), idx, val)

    # u_i: item used; x_il: item counts toward exclusive leaf l; s_i: shared leaves only.
    into = {l: [] for l in range(len(leaves))}
    used = []
    for ects, exclusive, shared, external, cost, group in items:
        u = var(0, 1, True)
        used.append(u)
        choice = [(u, -1.0)]
        for l in exclusive:
            x = var(0, 1, True)
            choice.append((x, 1.0))
            into[l].append((x, 1.0 if leaves[l][1] else float(ects)))
        if shared:
            s = var(0, 1, True)
            choice.append((s, 1.0))
            for l in shared:
                into[l].append((u, 1.0 if leaves[l][1] else float(ects)))
        row(0, 0, choice)
    # m_n: node met; v_n: its progress (own met plus all children's, or the n best).
    met = [var(0, 1, True) for _ in nodes]
    val = [var(0, inf, False) for _ in nodes]
    vmax = [0] * len(nodes)
    for n, node in enumerate(nodes):
        if node[0] == "L":
            l = node[1]
            row(0, inf, into[l] + [(met[n], -float(leaves[l][0]))])
            row(0, 0, [(val[n], 1.0), (met[n], -1.0)])
            vmax[n] = 1
        elif node[0] == "A":
            children = node[1]
            for c in children:
                row(0, inf, [(met[c], 1.0), (met[n], -1.0)])
            row(0, 0, [(val[n], 1.0), (met[n], -1.0)] + [(val[c], -1.0) for c in children])
            vmax[n] = 1 + sum(vmax[c] for c in children)
        else:
            k, children = node[1], node[2]
            row(0, inf, [(met[c], 1.0) for c in children] + [(met[n], -float(k))])
            picks, takes = [], []
            for c in children:
                y = var(0, 1, True)
                w = var(0, inf, False)
                picks.append((y, 1.0))
                takes.append((w, -1.0))
                row(-inf, 0, [(w, 1.0), (val[c], -1.0)])
                row(-inf, 0, [(w, 1.0), (y, -float(vmax[c]))])
            row(-inf, k, picks)
            row(0, 0, [(val[n], 1.0), (met[n], -1.0)] + takes)
            vmax[n] = 1 + sum(sorted((vmax[c] for c in children), reverse=True)[:k])
    ects_used = [(used[i], float(it[0])) for i, it in enumerate(items)]
    complete = var(0, 1, True)
    for r in P["roots"]:
        row(0, inf, [(met[r], 1.0), (complete, -1.0)])
    row(0, inf, ects_used + [(complete, -float(total))])
    counted = var(0, float(total), False)
    row(0, inf, ects_used + [(counted, -1.0)])
    if cap >= 0:
        row(-inf, float(cap), [(used[i], float(it[0])) for i, it in enumerate(items) if it[3]])
    groups = {}
    for i, it in enumerate(items):
        if it[5] >= 0:
            groups.setdefault(it[5], []).append((used[i], 1.0))
    for members in groups.values():
        row(-inf, 1, members)
    stages = [
        ([(complete, 1.0)], True),
        ([(val[r], 1.0) for r in P["roots"]], True),
        ([(counted, 1.0)], True),
        ([(u, 1.0) for u in used], False),
    ]
    answer, proven = [], True
    for coefs, maximise in stages:
        cost = np.zeros(count[0])
        for k, c in coefs:
            cost[k] += c
        h.changeColsCost(count[0], np.arange(count[0], dtype=np.int32), cost)
        h.changeObjectiveSense(
            highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
        )
        h.run()
        proven &= h.modelStatusToString(h.getModelStatus()) == "Optimal"
        best = round(h.getInfo().objective_function_value)
        answer.append(best)
        # Keep this criterion at its optimum while the next one is decided.
        if maximise:
            row(best - 0.5, inf, coefs)
        else:
            row(-inf, best + 0.5, coefs)
    return answer, proven


def main():
    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    print("| seed | engine (complete, progress, ECTS, creds) | proven | engine ms |"
          " HiGHS optimum | HiGHS ms | agrees |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    wrong_proofs = agree = 0
    engine_ms, highs_ms = [], []
    for P in rows:
        e = P["engine"]
        mine = [int(e["complete"]), e["progress"], e["ects"], e["credentials"]]
        t = time.perf_counter()
        ref, ok = solve(P)
        el = (time.perf_counter() - t) * 1e3
        same = mine == ref
        agree += same
        if e["proven"] and not same and ok:
            wrong_proofs += 1
        engine_ms.append(e["ms"])
        highs_ms.append(el)
        print(f"| {P['seed']} | {mine} | {e['proven']} | {e['ms']:.1f} | {ref}"
              f"{'' if ok else ' (time limit)'} | {el:.0f} | {'yes' if same else 'NO'} |")
    n = len(rows)
    med = lambda v: sorted(v)[len(v) // 2] if v else 0.0
    print(f"\n{agree} of {n} answers equal the reference optimum; "
          f"{sum(r['engine']['proven'] for r in rows)} proven by the engine; "
          f"{wrong_proofs} proven answers differ from it.")
    print(f"median time: engine {med(engine_ms):.1f} ms, HiGHS {med(highs_ms):.1f} ms "
          f"(ratio {med(engine_ms) / max(med(highs_ms), 1e-9):.2f})")
    sys.exit(1 if wrong_proofs else 0)


if __name__ == "__main__":
    main()
