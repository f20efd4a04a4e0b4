"""Nations, data-sharing agreements and architectures: who may use whose tracks, and how late.

An agreement says that ``provider`` releases its sensors' track data to ``receiver`` with a latency. An
architecture is a set of agreements; releasability is then the transitive closure of the agreements
(data relayed through a third nation arrives with the summed latency of the hops), computed as the
shortest-latency path between every pair of nations (Floyd-Warshall on at most a few dozen nations).

Built-in architectures, as public reporting describes the 2014 North East Asian arrangements:

``national``
    each nation uses only its own sensors;
``bilateral``
    the US-Japan and US-ROK alliances share both ways; Japan and the ROK do not share, and the US does
    not relay one ally's data to the other;
``trilateral``
    all three share, Japanese and Korean data passing through the US (the December 2014 Trilateral
    Information Sharing Arrangement routes information through the US Department of Defense), so
    Japan-ROK data arrive with two hops of latency.

References
----------
.. [TISA] "Trilateral Information Sharing Arrangement Concerning the Nuclear and Missile Threats Posed by
   North Korea", US DoD / Japan MOD / ROK MND, 29 December 2014 (information passes through the US DoD).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
FLOWS = ("tracks", "early_warning", "discrimination")
"""The kinds of data an agreement may carry: sensor tracks, infrared early-warning cues, and the
discrimination outcomes of a sensor (which object of a threat complex is the warhead). Kill assessment is
made by each shooter's own fire-control radar (docs/methods/engagement.md), so it never crosses a border."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Agreement:
    """``provider`` releases its sensor tracks to ``receiver``, arriving ``latency_s`` seconds later."""

    provider: str
    receiver: str
    latency_s: float
    relay: bool = True
    """Whether the receiver may pass the provider's data on under other agreements."""
    flows: frozenset[str] = frozenset(FLOWS)
    """The kinds of data released (:data:`FLOWS`)."""

    def __post_init__(self) -> None:
        unknown = set(self.flows) - set(FLOWS)
        if unknown:
            raise ValueError(f"Agreement.flows: unknown flow {sorted(unknown)[0]!r} (flows: {', '.join(FLOWS)})")
        if not self.provider or not self.receiver:
            raise ValueError("Agreement.provider and Agreement.receiver must be nation names")
        if self.provider == self.receiver:
            raise ValueError(f"Agreement.receiver must differ from the provider, got {self.provider!r} twice")
        if not (np.isfinite(self.latency_s) and self.latency_s >= 0):
            raise ValueError(f"Agreement.latency_s must be >= 0 s, got {self.latency_s}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Architecture:
    """A named set of agreements among nations."""

    name: str
    nations: tuple[str, ...]
    agreements: tuple[Agreement, ...] = ()

    def __post_init__(self) -> None:
        if len(set(self.nations)) != len(self.nations):
            raise ValueError(f"Architecture[{self.name}].nations must be unique, got {self.nations}")
        known = set(self.nations)
        for i, ag in enumerate(self.agreements):
            for role in ("provider", "receiver"):
                nation = getattr(ag, role)
                if nation not in known:
                    raise ValueError(f"Architecture[{self.name}].agreements[{i}].{role}: unknown nation "
                                     f"{nation!r} (known: {', '.join(self.nations)})")

    def latency_matrix_s(self, flow: str = "tracks") -> F64:
        """Shortest latency of one kind of data from provider nation i to receiver nation j [s], shape (k, k).

        0 on the diagonal (a nation's own sensors) and inf where no chain of agreements carrying ``flow``
        connects them. A hop through a nation is allowed only if the agreement that brought the data there
        permits relay.
        """
        if flow not in FLOWS:
            raise ValueError(f"Architecture.latency_matrix_s: unknown flow {flow!r} (flows: {', '.join(FLOWS)})")
        k = len(self.nations)
        idx = {n: i for i, n in enumerate(self.nations)}
        direct = np.full((k, k), np.inf)
        np.fill_diagonal(direct, 0.0)
        relayable = np.zeros((k, k), dtype=bool)
        for ag in self.agreements:
            if flow not in ag.flows:
                continue
            i, j = idx[ag.provider], idx[ag.receiver]
            if ag.latency_s < direct[i, j]:
                direct[i, j] = ag.latency_s
                relayable[i, j] = ag.relay
        # Floyd-Warshall over intermediate nations m: i -> m must be relayable for m to pass it on.
        lat = direct.copy()
        can_relay = relayable | np.eye(k, dtype=bool)
        for m in range(k):
            via = lat[:, m : m + 1] + lat[m : m + 1, :]
            ok = can_relay[:, m : m + 1] & np.isfinite(via)
            better = ok & (via < lat)
            lat = np.where(better, via, lat)
            can_relay = can_relay | (better & can_relay[m : m + 1, :])
        return lat

    def sensor_access(self, receiver: str, sensor_nations: Sequence[str],
                      flow: str = "tracks") -> tuple[NDArray[np.bool_], F64]:
        """Which sensors' data of kind ``flow`` ``receiver`` may use and with what latency.

        Parameters
        ----------
        receiver : str
            The nation whose fire control uses the data.
        sensor_nations : sequence of str, length s
            Owning nation of each sensor.

        Returns
        -------
        allowed : ndarray of bool, shape (s,)
        latency_s : ndarray, shape (s,)
            Data latency per sensor [s] (inf where not allowed).
        """
        if receiver not in self.nations:
            raise ValueError(f"Architecture[{self.name}]: unknown nation {receiver!r}")
        lat = self.latency_matrix_s(flow)
        idx = {n: i for i, n in enumerate(self.nations)}
        j = idx[receiver]
        latency = np.array([lat[idx[n], j] if n in idx else np.inf for n in sensor_nations], dtype=float)
        return np.isfinite(latency), latency


def builtin_architectures(nations: Iterable[str] = ("US", "JP", "ROK"), *, latency_s: float = 4.0,
                          relay_latency_s: float | None = None) -> dict[str, Architecture]:
    """The three built-in architectures over US, Japan and the ROK.

    ``latency_s`` is the delay of one direct link (default 4 s: an assumed figure for track exchange
    over tactical data links, a scenario parameter, not a published one); ``relay_latency_s`` the delay
    of each hop through the US in the trilateral case (default: the same).
    """
    nations = tuple(nations)
    for n in ("US", "JP", "ROK"):
        if n not in nations:
            raise ValueError(f"builtin_architectures: nation {n!r} is required, got {nations}")
    hop = latency_s if relay_latency_s is None else relay_latency_s

    def both(a: str, b: str, lat: float, relay: bool) -> tuple[Agreement, Agreement]:
        return (Agreement(provider=a, receiver=b, latency_s=lat, relay=relay),
                Agreement(provider=b, receiver=a, latency_s=lat, relay=relay))

    bilateral = (*both("US", "JP", latency_s, False), *both("US", "ROK", latency_s, False))
    trilateral = (*both("US", "JP", hop, True), *both("US", "ROK", hop, True))
    return {
        "national": Architecture(name="national", nations=nations),
        "bilateral": Architecture(name="bilateral", nations=nations, agreements=bilateral),
        "trilateral": Architecture(name="trilateral", nations=nations, agreements=trilateral),
    }
