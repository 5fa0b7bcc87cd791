"""The whole-horizon plan as one mixed-integer program: every period at once, linked by migration,
expulsions and build decisions.

Each period's data is its assignment layer (:func:`placement.plan.over_time.layer_problem`, with no
past: the past is a decision here): the allowed arcs (tenant demand node -> capacity) with their
weights [USD per MW over the period, integers: capacity cost, latency nudge, outage and expected SLA
credits, minus revenue], and what a MW left unserved weighs (its class's price). Arcs that cost
more than leaving the MW unserved are kept: serving at a loss can pay later. Variables, by period
``p``:

* ``x[p, i, j]`` MW of demand node ``i`` on capacity ``j`` (integer, ``0..d``); a discrete node
  (exclusive lease, single site, unsplittable block) takes a binary ``y[p, i, j]`` instead and puts
  its whole ``d`` MW there, on one capacity at most.
* ``alive[t, p]`` for a tenant with an expel clause (binary, never rising again; 1 while its
  notice cannot yet have been given, counted from the plan's start): an expelled tenant is gone for
  good, with its fee per MW of its demand paid in the period it goes. Every other tenant is alive.
  Inside its notice such a tenant's served MW may not fall below the period before's (less the fall
  of its demand): each MW cut weighs :data:`FORBIDDEN_USD_PER_MW`, a rule kept feasible (a capacity
  retiring under it), as the rolling plan forbids leaving a running tenant unserved inside its notice.
* ``moved[p, i]`` MW moved (>= the MW a demand node gained on capacities, less the growth of its
  demand since the period before, ``z[p, i, j] >= x[p, i, j] - x[p-1, i, j]``), priced at the
  migration price per MW; a demand node new in the period moves nothing.
* ``blocks[j, p]`` for a candidate campus (``build = true``): whole blocks of ``block_mw`` (default
  its whole ``mw``) built by period ``p``, never fewer later; its capital [USD per MWh of IT times
  the period's hours] is paid on every built MW from the build on, used or not, and its arcs carry
  its cost less capital. Its power still arrives along its supply's ramp (counted from the plan's
  start, as orders placed then): the MW it can carry is the smaller of what is built and what the
  ramp has brought.

Constraints: a demand node takes at most its MW while its tenant is alive (the rest is unserved, at
its class's weight); capacity; an exclusive lease leaves nobody else on its capacity. The
objective (integer USD, negative is profit) is the sum of the arcs' weights, the unserved weights,
the fees, the migration and the built capital; it is what the rolling plan's layers add up to for
the same placement, plus the decisions they cannot see.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from placement.plan.gpus import fleet_depreciation_usd, unit_mw_of

#: Weight of a MW cut from an evictable tenant inside its notice [USD per MW] (the rolling plan's).
FORBIDDEN_USD_PER_MW = 10**12


@dataclass
class PeriodData:
    """One period of the model: its layer problem and prices, and which arcs enter the model."""
    period: object
    problem: object
    prices: object
    #: indices into the problem's arcs that enter the model (all of them: a capacity with no MW in
    #: the period still prices one more MW)
    arcs: np.ndarray
    #: capacity index -> MW it can carry in the period (a candidate: its ramp)
    capacity_mw: np.ndarray


@dataclass
class HorizonModel:
    """A mixed-integer program in matrix form: minimise ``cost @ v + offset`` subject to
    ``row_lower <= A @ v <= row_upper``, ``lower <= v <= upper``, ``integer`` columns integral."""
    cost: np.ndarray
    #: cash per unit of each column [USD, a cost]: the margin of a point is ``-(cash @ v + cash_offset)``
    cash: np.ndarray
    cash_offset: float
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray
    A: sp.csr_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    offset: int
    periods: list
    #: per period: column of each model arc (``PeriodData.arcs`` order) and MW one unit of it is
    x_col: list = field(default_factory=list)
    x_mw: list = field(default_factory=list)
    #: (tenant id, period index) -> column of ``alive``; (capacity id, period index) -> ``blocks``
    alive_col: dict = field(default_factory=dict)
    blocks_col: dict = field(default_factory=dict)
    #: (period index, demand index) -> column of ``moved``
    moved_col: dict = field(default_factory=dict)
    #: per period, (demand index, capacity index) -> column of ``z``
    z_col: list = field(default_factory=list)
    block_mw: dict = field(default_factory=dict)
    #: integer weights kept for the money: fee per MW, migration per MW, build capital per block
    fee_weight: dict = field(default_factory=dict)
    migration_weight: int = 0
    block_weight: dict = field(default_factory=dict)

    #: (period index, capacity index) -> rows bounding that capacity (its MW; a candidate's blocks)
    capacity_rows: dict = field(default_factory=dict)
    #: the period each column's cost falls in, each period's constant, and fees charged to a column
    #: of the period before: (period, column, fee)
    col_period: np.ndarray | None = None
    period_offsets: list = field(default_factory=list)
    fee_terms: list = field(default_factory=list)
    #: (tenant id, period index) -> column of the MW cut inside the tenant's notice
    cut_col: dict = field(default_factory=dict)
    #: per period, the problem's arcs in the model (``x_col[p][k]`` is arc ``arcs[p][k]``)
    arcs: list = field(default_factory=list)
    #: rows, for pricing arcs left out: (period, demand index) -> its MW row; (period, capacity index)
    #: -> [(row, owner demand index)] of exclusive leases there; (tenant, period) -> notice row;
    #: (period, demand index, capacity index) -> migration row
    demand_row: dict = field(default_factory=dict)
    excl_rows: dict = field(default_factory=dict)
    cut_row: dict = field(default_factory=dict)
    z_row: dict = field(default_factory=dict)

    @property
    def n_cols(self) -> int:
        return self.cost.size

    def objective_of(self, v: np.ndarray) -> int:
        """The objective [USD] of a point (integral costs: exact)."""
        return int(np.rint(self.cost @ v)) + self.offset

    def period_objectives(self, v: np.ndarray) -> np.ndarray:
        """The objective [USD] split by period (they add up to :meth:`objective_of`)."""
        out = np.bincount(self.col_period, weights=self.cost * v, minlength=len(self.periods)).astype(float)
        out += np.array(self.period_offsets, dtype=float)
        for p, col, fee in self.fee_terms:
            out[p - 1] -= fee * v[col]
            out[p] += fee * v[col]
        return np.rint(out).astype(np.int64)

    def margin_of(self, v: np.ndarray) -> float:
        """The margin [USD] of a point: revenue less every cash cost."""
        return -(float(self.cash @ v) + self.cash_offset)


class _Builder:
    def __init__(self):
        self.cost, self.cash, self.lower, self.upper, self.integer = [], [], [], [], []
        self.rows, self.cols, self.vals = [], [], []
        self.row_lower, self.row_upper = [], []
        self.extra = {}  # column -> (cost, cash) added after it was made
        self.n = 0
        self.period = 0  # the period new columns belong to
        self.col_period = []

    def add_cols(self, cost, lower, upper, integer, cash=0.0) -> np.ndarray:
        n = len(cost)
        start = self.n
        self.n += n
        self.cost.append(np.asarray(cost, dtype=float))
        self.cash.append(np.broadcast_to(np.asarray(cash, dtype=float), (n,)).copy())
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (n,)).copy())
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (n,)).copy())
        self.integer.append(np.full(n, bool(integer)))
        self.col_period.append(np.full(n, self.period, dtype=np.int64))
        return np.arange(start, start + n)

    def add_row(self, cols, vals, lo, hi):
        r = len(self.row_lower)
        cols = np.asarray(cols, dtype=np.int64)
        self.rows.append(np.full(cols.size, r, dtype=np.int64))
        self.cols.append(cols)
        self.vals.append(np.broadcast_to(np.asarray(vals, dtype=float), cols.shape).copy())
        self.row_lower.append(lo)
        self.row_upper.append(hi)

    def matrix(self):
        n = sum(len(c) for c in self.cost)
        rows = np.concatenate(self.rows) if self.rows else np.zeros(0, np.int64)
        cols = np.concatenate(self.cols) if self.cols else np.zeros(0, np.int64)
        vals = np.concatenate(self.vals) if self.vals else np.zeros(0)
        if not self.cost:  # nothing to decide
            self.add_cols([], 0.0, 0.0, False)
        cost, cash = np.concatenate(self.cost), np.concatenate(self.cash)
        for col, (amount, money) in self.extra.items():
            cost[col] += amount
            cash[col] += money
        A = sp.csr_matrix((vals, (rows, cols)), shape=(len(self.row_lower), n))
        return (cost, cash, np.concatenate(self.lower), np.concatenate(self.upper),
                np.concatenate(self.integer), A, np.array(self.row_lower, float), np.array(self.row_upper, float))


def notice_passed(tenant, period, planning) -> bool:
    """Whether an expel clause can be used in ``period``: its notice can have been given (counted
    from the plan's start) by the period's start."""
    import datetime as dt

    return tenant.evictable and period.start >= planning.start + dt.timedelta(days=int(tenant.notice_days))


def period_data(ctx, build_ids: frozenset) -> list:
    """Every period's layer problem with no past (module docstring), and the arcs the model keeps."""
    from placement.plan.over_time import layer_problem

    out = []
    for period in ctx.periods:
        problem, prices = layer_problem(ctx, period, {}, set(), set(), prune_price=False,
                                        capital_by_build=build_ids)
        cap = np.array([problem.capacities[cid].mw for cid in problem.capacity_ids], dtype=np.int64)
        out.append(PeriodData(period, problem, prices, np.arange(problem.arc_capacity.size, dtype=np.int64), cap))
    return out


def build_model(ctx, data: list, build_ids: frozenset, keep: list | None = None) -> HorizonModel:
    """The program of the module docstring from the periods' data; ``keep``: per period, a mask of
    the arcs that enter it (None: all; the others are held at 0, :func:`placement.plan.horizon.solve_whole`
    prices them)."""
    b = _Builder()
    planning = ctx.planning
    migration = int(round(planning.migration_usd_per_mw))
    migration_cash = float(planning.migration_usd_per_mw)
    offset, cash_offset = 0, 0.0
    capacity_rows = {}
    x_col, x_mw, z_cols = [], [], []
    alive_col, blocks_col, moved_col = {}, {}, {}
    block_mw, block_weight, fee_weight = {}, {}, {}
    tenants = {t.id: t for t in ctx.scenario.tenants}

    # alive: one binary per period for each tenant with an expel clause
    for t in ctx.scenario.tenants:
        if not t.evictable:
            continue
        for p, pd in enumerate(data):
            b.period = p
            lower = 0.0 if notice_passed(t, pd.period, planning) else 1.0
            alive_col[t.id, p] = int(b.add_cols([0.0], lower, 1.0, True)[0])
        for p in range(1, len(data)):
            b.add_row([alive_col[t.id, p], alive_col[t.id, p - 1]], [1.0, -1.0], -np.inf, 0.0)

    # builds: blocks built by each period, never fewer later
    for cid in build_ids:
        spec, info = ctx.specs[cid], ctx.capacities[cid]
        size = int(getattr(spec, "block_mw", 0) or info.mw)
        count = max(info.mw // size, 0) if size > 0 else 0
        block_mw[cid] = size
        # per unit it counts (a fitted pool: per GPU, its MW per GPU): capital and any GPUs bought
        capital = info.committed_usd_per_mwh_it() * info.mw_per_unit
        for p, pd in enumerate(data):
            b.period = p
            w = int(round(capital * pd.period.hours * size))
            block_weight[cid, p] = w
            blocks_col[cid, p] = int(b.add_cols([w], 0.0, count, True, capital * pd.period.hours * size)[0])
            if p:
                b.add_row([blocks_col[cid, p], blocks_col[cid, p - 1]], [1.0, -1.0], 0.0, np.inf)

    previous_served, previous_tenant_mw, cut_col = {}, {}, {}
    arcs_used, demand_row, excl_rows, cut_row, z_row = [], {}, {}, {}, {}
    previous_x = {}  # (demand key, capacity id) -> (column, MW per unit) of the period before
    previous_mw = {}  # demand key -> MW of the period before
    offsets = [0] * len(data)
    for p, pd in enumerate(data):  # the GPU fleets' depreciation: a cost of each period, used or not
        dep = fleet_depreciation_usd(ctx.scenario, pd.period)
        offsets[p] += int(round(dep))
        offset += int(round(dep))
        cash_offset += dep
    fee_terms = []  # (period, column of alive the period before, fee): a cost of the period, not the one before
    for p, pd in enumerate(data):
        b.period = p
        prob = pd.problem
        a = pd.arcs if keep is None else pd.arcs[keep[p]]
        arcs_used.append(a)
        ai, aj, aw = prob.arc_demand[a], prob.arc_capacity[a], prob.arc_weight[a]
        d_mw = prob.demand_mw
        discrete = np.array([d.discrete for d in prob.demands], dtype=bool)
        unserved_w = prob.unserved_weight.astype(np.int64)
        unserved_cash = np.asarray(prob.unserved_money, dtype=float)
        disc = discrete[ai]
        # one unit of a discrete arc is the node's whole MW
        unit = np.where(disc, d_mw[ai], 1).astype(np.int64)
        cost = (aw - unserved_w[ai]) * unit
        cash = (prob.arc_money[a] - unserved_cash[ai]) * unit
        upper = np.where(disc, 1, d_mw[ai])
        cols = np.empty(a.size, dtype=np.int64)
        if a.size:
            cols[:] = b.add_cols(cost, 0.0, upper, True, cash)
        x_col.append(cols)
        x_mw.append(unit)
        # demand: sum of its arcs <= d x alive (unserved weight moved into the arc costs + offset)
        by_demand = {}
        for k in range(a.size):
            by_demand.setdefault(int(ai[k]), []).append(k)
        for i, dn in enumerate(prob.demands):
            ks = by_demand.get(i, [])
            acol = alive_col.get((dn.tenant.id, p))
            d = int(d_mw[i])
            if acol is None:
                offset += int(unserved_w[i]) * d
                offsets[p] += int(unserved_w[i]) * d
                cash_offset += float(unserved_cash[i]) * d
                if ks:
                    demand_row[p, i] = len(b.row_lower)
                    b.add_row(cols[ks], unit[ks], -np.inf, float(d))
            else:
                _add_cost(b, acol, int(unserved_w[i]) * d, float(unserved_cash[i]) * d)
                if ks:
                    demand_row[p, i] = len(b.row_lower)
                    b.add_row(np.append(cols[ks], acol), np.append(unit[ks], -d), -np.inf, 0.0)
            if discrete[i] and len(ks) > 1:
                b.add_row(cols[ks], 1.0, -np.inf, 1.0)
        # capacity
        by_capacity = {}
        for k in range(a.size):
            by_capacity.setdefault(int(aj[k]), []).append(k)
        for j, ks in by_capacity.items():
            cid = prob.capacity_ids[j]
            rows = []
            if (cid, p) in blocks_col:
                rows.append(len(b.row_lower))
                b.add_row(np.append(cols[ks], blocks_col[cid, p]), np.append(unit[ks], -block_mw[cid]), -np.inf, 0.0)
            rows.append(len(b.row_lower))
            b.add_row(cols[ks], unit[ks], -np.inf, float(pd.capacity_mw[j]))
            capacity_rows[p, j] = rows
        # exclusive leases: nobody else on the capacity
        for k in np.flatnonzero(disc):
            i, j = int(ai[k]), int(aj[k])
            if not prob.demands[i].exclusive:
                continue
            others = [m for m in by_capacity[j] if int(ai[m]) != i]
            if not others:
                continue
            big = float(max(pd.capacity_mw[j], 1) + 1)
            excl_rows.setdefault((p, j), []).append((len(b.row_lower), i))
            b.add_row(np.append(cols[others], cols[k]), np.append(unit[others], big), -np.inf, big)
        # fees: fee x the tenant's MW in the period it is expelled (alive falls from 1 to 0)
        tenant_mw = {}
        for i, dn in enumerate(prob.demands):
            tenant_mw[dn.tenant.id] = tenant_mw.get(dn.tenant.id, 0) + int(d_mw[i])
        for tid, mw in tenant_mw.items():
            if (tid, p) in alive_col:
                money = float(tenants[tid].eviction_cost_usd_per_mw) * mw * unit_mw_of(tenants[tid])
                fee = int(round(money))
                fee_weight[tid, p] = fee
                before = alive_col.get((tid, p - 1)) if p else None
                if before is None:
                    offset += fee
                    offsets[p] += fee
                    cash_offset += money
                else:
                    _add_cost(b, before, fee, money)
                    fee_terms.append((p, before, fee))
                _add_cost(b, alive_col[tid, p], -fee, -money)
        # inside its notice, an evictable tenant's served MW may not fall (beyond its demand's fall):
        # each MW cut weighs FORBIDDEN_USD_PER_MW, a hard rule kept feasible, as in the rolling plan
        served_cols = {}
        for k in range(a.size):
            tid = prob.demands[int(ai[k])].tenant.id
            served_cols.setdefault(tid, ([], []))
            served_cols[tid][0].append(int(cols[k]))
            served_cols[tid][1].append(float(unit[k]))
        for t in ctx.scenario.tenants:
            if not t.evictable or p == 0 or notice_passed(t, pd.period, planning):
                continue
            now, before = served_cols.get(t.id, ([], [])), previous_served.get(t.id, ([], []))
            if not before[0]:
                continue
            shrink = max(previous_tenant_mw.get(t.id, 0) - tenant_mw.get(t.id, 0), 0)
            q = int(b.add_cols([FORBIDDEN_USD_PER_MW], 0.0, np.inf, False)[0])
            cut_col[t.id, p] = q
            cut_row[t.id, p] = len(b.row_lower)
            b.add_row([q, *now[0], *before[0]], [1.0, *now[1], *[-u for u in before[1]]], -float(shrink), np.inf)
        previous_served, previous_tenant_mw = served_cols, tenant_mw
        # migration: MW gained on capacities beyond the demand's growth
        zc = {}
        for i, dn in enumerate(prob.demands):
            d_before = previous_mw.get(dn.key)
            if d_before is None or migration == 0:
                continue
            growth = max(int(d_mw[i]) - d_before, 0)
            ks = by_demand.get(i, [])
            if not ks or growth >= int(d_mw[i]):
                continue
            zs = b.add_cols(np.zeros(len(ks)), 0.0, np.inf, False)
            for z, k in zip(zs, ks):
                cid = prob.capacity_ids[int(aj[k])]
                row_c, row_v = [int(z), int(cols[k])], [1.0, -float(unit[k])]
                before = previous_x.get((dn.key, cid))
                if before is not None:
                    row_c.append(before[0])
                    row_v.append(float(before[1]))
                z_row[p, i, int(aj[k])] = len(b.row_lower)
                b.add_row(row_c, row_v, 0.0, np.inf)
                zc[i, int(aj[k])] = int(z)
            u = unit_mw_of(dn.tenant)  # a GPU tenant pays per GPU its MW per GPU
            mv = int(b.add_cols([int(round(migration * u))], 0.0, np.inf, False, migration_cash * u)[0])
            moved_col[p, i] = mv
            b.add_row(np.append(zs, mv), np.append(-np.ones(len(ks)), 1.0), -float(growth), np.inf)
        z_cols.append(zc)
        previous_x = {(prob.demands[int(ai[k])].key, prob.capacity_ids[int(aj[k])]): (int(cols[k]), int(unit[k]))
                      for k in range(a.size)}
        previous_mw = {dn.key: int(d_mw[i]) for i, dn in enumerate(prob.demands)}
    cost, cash, lower, upper, integer, A, rl, ru = b.matrix()
    return HorizonModel(cost, cash, float(cash_offset), lower, upper, integer, A, rl, ru, int(offset),
                        [pd.period for pd in data], x_col, x_mw, alive_col, blocks_col, moved_col, z_cols, block_mw,
                        fee_weight, migration, block_weight, capacity_rows, np.concatenate(b.col_period), offsets,
                        fee_terms, cut_col, arcs_used, demand_row, excl_rows, cut_row, z_row)


def _add_cost(b: _Builder, col: int, amount: int, money: float) -> None:
    """Add ``amount`` [USD, integer weight] and ``money`` [USD, cash] to an existing column."""
    old = b.extra.get(col, (0, 0.0))
    b.extra[col] = (old[0] + amount, old[1] + money)


__all__ = ["HorizonModel", "PeriodData", "build_model", "notice_passed", "period_data"]
