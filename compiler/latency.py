"""Least total link latency from one region to every region it reaches (Dijkstra).

Pure and generic over the number type: the compiler runs it in exact
Fractions on the declared links (backups' separation, compiler/backups.py) and
the verifier in floats on the IR's links (solver/verify_s9.py), so the check
re-derives latencies without sharing anything with the lowering.
"""

from __future__ import annotations

import heapq
from typing import Iterable, TypeVar

N = TypeVar("N")


def least_latencies(source: str, edges: Iterable[tuple[str, str, N]], zero: N) -> dict[str, N]:
    """{region: least total latency from `source`} over undirected `edges` (a, b, latency)."""
    adj: dict[str, list[tuple[str, N]]] = {}
    for a, b, latency in edges:
        adj.setdefault(a, []).append((b, latency))
        adj.setdefault(b, []).append((a, latency))
    best: dict[str, N] = {}
    heap: list[tuple[N, str]] = [(zero, source)]
    while heap:
        lat, here = heapq.heappop(heap)
        if here in best:
            continue
        best[here] = lat
        for there, step in adj.get(here, ()):
            if there not in best:
                heapq.heappush(heap, (lat + step, there))
    return best
