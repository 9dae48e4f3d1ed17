"""QGIS plugin entry point: registers the Hotspot Processing provider."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import HotspotPlugin
    return HotspotPlugin(iface)
