"""Network stage: nations, data-sharing agreements, architectures and releasability."""

from bmdsim.network.agreements import Agreement, Architecture, builtin_architectures

__all__ = ["Agreement", "Architecture", "builtin_architectures"]
