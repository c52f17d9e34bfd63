"""Opinion groups by Polis's method: where neighbours stand, and what each group agrees on.

This is the method of Polis (compdemocracy/polis, ``math/``) as red-dwarf's
``reddwarf.implementations.polis.run_pipeline`` implements it, written in plain numpy so
that the bot needs neither pandas nor scikit-learn (importing them took longer than
computing the groups of 3,000 neighbours). Each step names the part of red-dwarf it
follows; ``tests/domain/test_opinions_reference.py`` checks the whole against red-dwarf.

1. **The vote matrix**: a row per participant, a column per statement anyone voted on
   (agree 1, disagree -1, pass 0, missing where they did not vote), both in id order.
2. **Projection** (``run_reducer``): missing votes become the statement's mean; principal
   component analysis to two components (signs as scikit-learn's ``svd_flip`` sets them,
   which matters: the clustering below starts from the smallest points); then each
   participant's point is scaled by √(statements / their votes), so that someone who voted
   on few statements is not pulled into the middle (Polis's sparsity-aware scaling).
3. **Who enters** (``get_clusterable_participant_ids``): participants with at least 7 votes,
   or with a vote on every statement when there are fewer than 7.
4. **Groups** (``find_best_kmeans`` with ``PolisKMeans(init="polis")``): k-means (Lloyd's
   algorithm as scikit-learn runs it) for k = 2 … 5, each started deterministically from the
   first k distinct points in sorted order; the k with the best silhouette score wins (the
   smaller k on a tie).
5. **Statistics** (``calculate_comment_statistics``): per group and statement the agree,
   disagree and seen counts, their probabilities with Laplace smoothing ((n + 1) / (S + 2)),
   the one-proportion z-tests, representativeness against everyone outside the group and its
   two-proportion z-test, and **group-informed consensus** Π over groups of (A_g + 1) / (S_g + 2).
6. **Representative statements** (``select_representative_statements``): per group the
   statements significant at 90 % on both tests (agreement or disagreement), best first by
   repness × its test × probability × its test, headed by the group's "best agree", at most five.

Polis itself also warm-starts k-means from its previous run and waits for a new number of
groups to repeat before showing it, so the groups in a Polis export depend on the history
of the conversation; here (as in red-dwarf) they depend only on the votes.
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

MIN_VOTES_TO_ENTER = 7
GROUP_COUNTS = range(2, 6)  # k = 2 … 5
CONFIDENCE = 0.90
PICK_MAX = 5  # representative statements per group
_KMEANS_MAX_ITER, _KMEANS_TOL = 300, 1e-4  # scikit-learn's defaults, which red-dwarf keeps
_DISTANCE_ROWS = 512  # rows of the distance matrix held at once for the silhouette


class Choice(enum.IntEnum):
    """A vote on a statement, as Polis codes it."""

    AGREE = 1
    DISAGREE = -1
    PASS = 0


VoteRow = tuple[int, int, int]  # (member, statement, choice): the votes as storage reads them


@dataclass(frozen=True, slots=True)
class VoteMatrix:
    """Votes as a participants × statements matrix, NaN where a participant did not vote."""

    members: tuple[int, ...]
    statements: tuple[int, ...]
    values: np.ndarray

    @classmethod
    def of(cls, votes: Sequence[VoteRow] | np.ndarray, statements: Collection[int] | None = None) -> VoteMatrix:
        """The matrix of ``votes`` (one per member and statement; only those on ``statements``,
        if given), built without a Python loop over them: hundreds of thousands of votes
        take a few tens of milliseconds."""
        table = np.asarray(votes, dtype=np.int64).reshape(-1, 3)
        if statements is not None:
            table = table[np.isin(table[:, 1], np.fromiter(statements, dtype=np.int64, count=len(statements)))]
        members, rows = np.unique(table[:, 0], return_inverse=True)
        statements, columns = np.unique(table[:, 1], return_inverse=True)
        values = np.full((len(members), len(statements)), np.nan)
        values[rows, columns] = table[:, 2]
        return cls(tuple(members.tolist()), tuple(statements.tolist()), values)


@dataclass(frozen=True, slots=True)
class OpinionMap:
    """Where the participants who entered stand (x, y) and the group each is in (0, 1, …).

    The costly part of the method, kept as computed: everything else follows from it and
    the votes."""

    members: tuple[int, ...]
    groups: tuple[int, ...]
    x: tuple[float, ...]
    y: tuple[float, ...]

    @property
    def group_count(self) -> int:
        return len(set(self.groups))


# ------------------------------------------------------------------------ the map


def entry_threshold(statement_count: int) -> int:
    return min(MIN_VOTES_TO_ENTER, statement_count)


def project(matrix: np.ndarray) -> np.ndarray:
    """Each participant's point on the two principal components, sparsity-aware scaled."""
    filled = np.where(np.isnan(matrix), np.nanmean(matrix, axis=0), matrix)
    centred = filled - filled.mean(axis=0)
    components = _principal_axes(centred)
    points = centred @ components.T
    voted = np.count_nonzero(~np.isnan(matrix), axis=1)
    return points * np.sqrt(matrix.shape[1] / np.maximum(1, voted))[:, np.newaxis]


def _principal_axes(centred: np.ndarray, count: int = 2) -> np.ndarray:
    """The first ``count`` principal axes (rows), from the eigenvectors of the smaller Gram
    matrix: the same axes as a full SVD, in a fraction of its time for thousands of rows.
    Each axis points so that its largest coordinate is positive (scikit-learn's
    ``svd_flip(u_based_decision=False)``)."""
    rows, columns = centred.shape
    count = min(count, rows, columns)
    if columns <= rows:
        _, vectors = np.linalg.eigh(centred.T @ centred)
        axes = vectors[:, ::-1][:, :count].T
    else:
        values, vectors = np.linalg.eigh(centred @ centred.T)
        values, vectors = values[::-1][:count], vectors[:, ::-1][:, :count]
        axes = (centred.T @ vectors / np.sqrt(np.maximum(values, np.finfo(float).tiny))).T
    largest = np.argmax(np.abs(axes), axis=1)
    signs = np.sign(axes[np.arange(len(axes)), largest])
    return axes * np.where(signs == 0, 1, signs)[:, np.newaxis]


def kmeans(points: np.ndarray, k: int) -> np.ndarray | None:
    """Labels of Lloyd's k-means started from the first ``k`` distinct points in sorted
    order (red-dwarf's ``init="polis"``), run as scikit-learn runs it: on centred data, until
    no label changes or the centres move less than 1e-4 of the mean variance, at most 300
    times, an empty cluster given the point farthest from its centre. None when there are
    fewer than ``k`` distinct points."""
    distinct = np.unique(points, axis=0)
    if len(distinct) < k or len(points) < k:
        return None
    mean = points.mean(axis=0)
    data, centres = points - mean, distinct[:k] - mean
    tolerance = float(np.mean(np.var(points, axis=0))) * _KMEANS_TOL
    labels_old = np.full(len(points), -1)
    converged = False
    for _ in range(_KMEANS_MAX_ITER):
        labels = _nearest(data, centres)
        moved = _centres(data, labels, centres)
        shift = float((np.linalg.norm(moved - centres, axis=1) ** 2).sum())
        centres = moved
        if np.array_equal(labels, labels_old):
            converged = True
            break
        if shift <= tolerance:
            break
        labels_old = labels
    return labels if converged else _nearest(data, centres)


def _nearest(data: np.ndarray, centres: np.ndarray) -> np.ndarray:
    distances = (centres**2).sum(axis=1) - 2.0 * data @ centres.T
    return np.argmin(distances, axis=1)


def _centres(data: np.ndarray, labels: np.ndarray, old: np.ndarray) -> np.ndarray:
    k = len(old)
    sums = np.zeros_like(old)
    np.add.at(sums, labels, data)
    weights = np.bincount(labels, minlength=k).astype(float)
    empty = np.flatnonzero(weights == 0)
    if len(empty):
        far = ((data - old[labels]) ** 2).sum(axis=1)
        if far.max() > 0:
            for cluster, index in zip(empty, np.argpartition(far, -len(empty))[: -len(empty) - 1 : -1], strict=True):
                sums[labels[index]] -= data[index]
                sums[cluster] = data[index]
                weights[cluster], weights[labels[index]] = 1.0, weights[labels[index]] - 1.0
    filled = weights > 0
    centres = np.empty_like(old)
    centres[filled] = sums[filled] / weights[filled, np.newaxis]
    centres[~filled] = centres[np.argmax(weights)]
    return centres


def silhouettes(points: np.ndarray, labellings: Sequence[np.ndarray]) -> list[float]:
    """The mean silhouette of each labelling of the same points (scikit-learn's
    ``silhouette_score``), from one pass over the distances however many labellings."""
    count = len(points)
    onehots = [np.eye(int(labels.max()) + 1)[labels] for labels in labellings]
    stacked = np.hstack(onehots)
    norms = (points**2).sum(axis=1)
    sums = np.empty((count, stacked.shape[1]))
    for start in range(0, count, _DISTANCE_ROWS):
        block = slice(start, start + _DISTANCE_ROWS)
        squared = norms[block, np.newaxis] - 2.0 * points[block] @ points.T + norms[np.newaxis, :]
        np.maximum(squared, 0, out=squared)
        squared[np.arange(squared.shape[0]), np.arange(start, start + squared.shape[0])] = 0
        sums[block] = np.sqrt(squared) @ stacked
    scores, column = [], 0
    for labels, onehot in zip(labellings, onehots, strict=True):
        width = onehot.shape[1]
        per_cluster, sizes = sums[:, column : column + width], onehot.sum(axis=0)
        column += width
        own = per_cluster[np.arange(count), labels]
        with np.errstate(divide="ignore", invalid="ignore"):
            intra = own / (sizes[labels] - 1)
            means = per_cluster / sizes
            means[np.arange(count), labels] = np.inf
            inter = means.min(axis=1)
            scores.append(float(np.nan_to_num((inter - intra) / np.maximum(intra, inter)).mean()))
    return scores


def _dense(labels: np.ndarray) -> np.ndarray:
    """Labels 0 … k-1 without gaps, in the same order (k-means may, rarely, leave a cluster
    empty): what the silhouette and the statistics count as the groups."""
    _, dense = np.unique(labels, return_inverse=True)
    return dense


def cluster(points: np.ndarray) -> np.ndarray | None:
    """The k-means labelling (k = 2 … 5) with the best silhouette; None when no k can be
    scored (too few distinct points: silhouette needs 2 to n - 1 groups)."""
    candidates = []
    for k in GROUP_COUNTS:
        labels = kmeans(points, k)
        if labels is not None and 1 < len(np.unique(labels)) < len(points):
            candidates.append(_dense(labels))
    if not candidates:
        return None
    scores = silhouettes(points, candidates)
    return candidates[int(np.argmax(scores))]  # the first of equal scores: the smaller k


def opinion_map(votes: Sequence[VoteRow] | np.ndarray, statements: Collection[int] | None = None) -> OpinionMap:
    """The whole method up to the groups: who entered, where they stand, which group; from
    the votes on ``statements`` (all of them by default)."""
    matrix = VoteMatrix.of(votes, statements)
    if not matrix.statements:
        return OpinionMap((), (), (), ())
    points = project(matrix.values)
    voted = np.count_nonzero(~np.isnan(matrix.values), axis=1)
    entered = np.flatnonzero(voted >= entry_threshold(len(matrix.statements)))
    labels = cluster(points[entered]) if len(entered) else None
    if labels is None:
        return OpinionMap((), (), (), ())
    return OpinionMap(
        members=tuple(matrix.members[index] for index in entered),
        groups=tuple(int(label) for label in labels),
        x=tuple(float(value) for value in points[entered, 0]),
        y=tuple(float(value) for value in points[entered, 1]),
    )


# ------------------------------------------------------------------------ statistics


@dataclass(frozen=True, slots=True)
class GroupStatistics:
    """Per group (rows) and statement (columns): counts, probabilities and their tests.

    The names are Polis's: ``na``/``nd`` agree/disagree votes, ``ns`` votes seen, ``pa``/``pd``
    their smoothed probabilities and ``pat``/``pdt`` their tests, ``ra``/``rd`` how much more
    likely than outside the group and ``rat``/``rdt`` those tests."""

    statements: tuple[int, ...]
    na: np.ndarray
    nd: np.ndarray
    ns: np.ndarray
    pa: np.ndarray
    pd: np.ndarray
    pat: np.ndarray
    pdt: np.ndarray
    ra: np.ndarray
    rd: np.ndarray
    rat: np.ndarray
    rdt: np.ndarray

    @property
    def consensus(self) -> np.ndarray:
        """Group-informed consensus for agreeing with each statement: Π_g (A_g+1)/(S_g+2)."""
        return self.pa.prod(axis=0)


def _probability(count: np.ndarray, total: np.ndarray) -> np.ndarray:
    return (1 + count) / (2 + total)


def _one_proportion_test(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    successes, trials = successes + 1, trials + 1
    return 2 * np.sqrt(trials) * (successes / trials - 0.5)


def _two_proportion_test(inside: np.ndarray, outside: np.ndarray, n_inside: np.ndarray,
                         n_outside: np.ndarray) -> np.ndarray:  # fmt: skip
    inside, outside, n_inside, n_outside = inside + 1, outside + 1, n_inside + 1, n_outside + 1
    p_in, p_out = inside / n_inside, outside / n_outside
    pooled = (inside + outside) / (n_inside + n_outside)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p_in - p_out) / np.sqrt(pooled * (1 - pooled) * (1 / n_inside + 1 / n_outside))
    return np.where(pooled == 1, 0, z)


def group_statistics(counts: GroupCounts) -> GroupStatistics:
    """Every group's statistics from its counts and everyone else's."""
    na, nd, ns = counts.agree, counts.disagree, counts.seen
    out_a, out_d, out_s = na.sum(axis=0) - na, nd.sum(axis=0) - nd, ns.sum(axis=0) - ns
    pa, pd = _probability(na, ns), _probability(nd, ns)
    return GroupStatistics(
        statements=counts.statements, na=na, nd=nd, ns=ns, pa=pa, pd=pd,
        pat=_one_proportion_test(na, ns), pdt=_one_proportion_test(nd, ns),
        ra=pa / _probability(out_a, out_s), rd=pd / _probability(out_d, out_s),
        rat=_two_proportion_test(na, out_a, ns, out_s), rdt=_two_proportion_test(nd, out_d, ns, out_s),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class GroupCounts:
    """Agree, disagree and seen votes per group (rows) and statement (columns): all the
    statistics need, and what a closed round keeps."""

    statements: tuple[int, ...]
    agree: np.ndarray
    disagree: np.ndarray
    seen: np.ndarray

    @classmethod
    def collect(cls, statements: Sequence[int], group_count: int,
                rows: Iterable[tuple[int, int, int, int, int]]) -> GroupCounts:  # fmt: skip
        """From ``(group, statement, agree, disagree, seen)`` rows; a statement outside
        ``statements`` (red-dwarf's columns: those anyone voted on) is left out."""
        column = {statement: index for index, statement in enumerate(statements)}
        shape = (group_count, len(statements))
        agree, disagree, seen = np.zeros(shape, int), np.zeros(shape, int), np.zeros(shape, int)
        for group, statement, agreeing, disagreeing, voted in rows:
            if statement in column:
                index = column[statement]
                agree[group, index], disagree[group, index], seen[group, index] = agreeing, disagreeing, voted
        return cls(tuple(statements), agree, disagree, seen)


# ------------------------------------------------------------------------ representative statements


@dataclass(frozen=True, slots=True)
class Representative:
    """A statement that sets a group apart, in Polis's terms (``repful-for`` its direction)."""

    statement: int
    agrees: bool  # the group agrees with it more than others do (else: disagrees more)
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False


_CRITICAL = statistics.NormalDist().inv_cdf(CONFIDENCE)  # one-tailed, 1.2816 at 90 %


def _significant(z: float) -> bool:
    return z > _CRITICAL


class _Row:
    """One group's figures for one statement, as red-dwarf's row of ``grouped_stats_df``."""

    __slots__ = ("statement", "na", "nd", "ns", "pa", "pd", "pat", "pdt", "ra", "rd", "rat", "rdt")

    def __init__(self, stats: GroupStatistics, group: int, column: int) -> None:
        self.statement = stats.statements[column]
        for name in self.__slots__[1:]:
            setattr(self, name, getattr(stats, name)[group, column].item())

    def significant(self) -> bool:
        return (_significant(self.pat) and _significant(self.rat)) or (_significant(self.pdt) and _significant(self.rdt))

    def beats_best_agree(self, best: _Row | None) -> bool:
        if self.na == 0 and self.nd == 0:
            return False
        if best is None:
            return _significant(self.pat) or (self.ra > 1.0 and self.pa > 0.5)
        if best.ra > 1.0:
            return self.ra * self.rat * self.pa * self.pat > best.ra * best.rat * best.pa * best.pat
        return self.pa * self.pat > best.pa * best.pat

    def representative(self, best_agree: bool = False) -> Representative:
        agrees = self.rat > self.rdt
        return Representative(
            statement=self.statement, agrees=agrees,
            n_success=int(self.na if agrees else self.nd), n_trials=int(self.ns),
            p_success=self.pa if agrees else self.pd, p_test=self.pat if agrees else self.pdt,
            repness=self.ra if agrees else self.rd, repness_test=self.rat if agrees else self.rdt,
            best_agree=best_agree,
        )  # fmt: skip


def _metric(statement: Representative) -> float:
    return statement.repness * statement.repness_test * statement.p_success * statement.p_test


def _descending(values: Sequence[float]) -> list[int]:
    """Positions of ``values`` largest first, ties in the order pandas' ``sort_values(
    ascending=False)`` gives them (its default quicksort over the reversed array)."""
    reversed_values = np.asarray(values, dtype=float)[::-1]
    return list((np.arange(len(values))[::-1][reversed_values.argsort(kind="quicksort")])[::-1])


def representatives(stats: GroupStatistics, group: int) -> tuple[Representative, ...]:
    """A group's representative statements: its best agree first, then the significant ones
    by repness metric, at most :data:`PICK_MAX`; those it agrees with before the others."""
    rows = [_Row(stats, group, column) for column in range(len(stats.statements))]
    best_agree = None
    for row in rows:
        if row.beats_best_agree(best_agree):
            best_agree = row
    significant = [row.representative() for row in rows if row.significant()]
    significant = [significant[index] for index in _descending([_metric(each) for each in significant])]
    if best_agree is not None:
        head = [best_agree.representative(best_agree=True)]
    elif not significant and rows:
        best = rows[0]
        for row in rows[1:]:
            if max(row.rat, row.rdt) > max(best.rat, best.rdt):
                best = row
        head = [best.representative()]
    else:
        head = []
    chosen = head + [each for each in significant if head and each.statement != head[0].statement]
    return tuple(sorted(chosen[:PICK_MAX], key=lambda each: not each.agrees))
