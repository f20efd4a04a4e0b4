"""The public gazetteer (``catalog/sites.yaml``): named places with sourced coordinates.

Scenario files may name a gazetteer site wherever they name a site; a site defined in the scenario
itself takes precedence.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bmdsim.scenario.catalog import Figure, load_builtin_catalog


class SiteEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    country: str
    kind: Literal["radar-site", "air-defense-site", "naval-patrol-area", "city", "military-base",
                  "launch-area", "test-site"]
    lat_deg: Figure
    lon_deg: Figure
    height_m: Figure | None = None
    boresight_az_deg: Figure | None = None
    note: str | None = None

    @field_validator("lat_deg")
    @classmethod
    def _lat(cls, v: Figure) -> Figure:
        if not -90.0 <= v.value <= 90.0:
            raise ValueError(f"latitude {v.value} outside [-90, 90] deg")
        return v

    @field_validator("lon_deg")
    @classmethod
    def _lon(cls, v: Figure) -> Figure:
        if not -180.0 <= v.value <= 360.0:
            raise ValueError(f"longitude {v.value} outside [-180, 360] deg")
        return v


class SiteCatalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: int
    refs: dict[str, str] = Field(default_factory=dict)
    sites: dict[str, SiteEntry]
    radar_positions_note: list[str] | str | None = None


@lru_cache(maxsize=1)
def load_site_catalog() -> SiteCatalog:
    """The built-in gazetteer."""
    return load_builtin_catalog("sites.yaml", SiteCatalog)  # type: ignore[return-value]
