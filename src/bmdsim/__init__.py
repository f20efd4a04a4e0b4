"""bmdsim: open, physics-based assessment of networked ballistic-missile-defense architectures.

The package is a pipeline of stages (see ``docs/design/architecture.md``):
``scenario -> earth -> flight -> sensors -> tracking -> network -> engagement -> assessment -> report``.
Imports flow one way, down that list.
"""

__version__ = "0.1.0"
