"""The "Hotspot" Processing provider: one algorithm per engine command (algorithms.py)."""
from qgis.core import QgsProcessingProvider

from .algorithms import ALGORITHMS


class HotspotProvider(QgsProcessingProvider):
    def id(self):
        return "hotspot"

    def name(self):
        return "Hotspot"

    def longName(self):  # noqa: N802
        return "Hotspot: crime, ASB and road problem hot spots"

    def loadAlgorithms(self):  # noqa: N802
        for spec in ALGORITHMS:
            self.addAlgorithm(spec.create())
