"""The GeoTIFFs' QGIS styles follow their data: QGIS 3.22 opens density.tif and counts.tif with the
.qml the engine wrote beside them, renders them one pixel a cell, and the pixels of each colour are
the cells of each class the viewer draws (50th, 75th, 90th, 97.5th percentile of the positive
values and the maximum). Before, a fixed 0-1 ramp drew almost every cell of a 0-272 per km2
surface dark red. `hotspot export` of the raster writes the same classes.
Run by ctest with QT_QPA_PLATFORM=offscreen, HOTSPOT_CLI and HOTSPOT_SOURCE set."""
import os
import re
import subprocess
import tempfile
import unittest

from osgeo import gdal
from qgis.core import QgsApplication, QgsMapRendererSequentialJob, QgsMapSettings, QgsRasterLayer
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

SOURCE = os.environ["HOTSPOT_SOURCE"]
CLI = os.environ["HOTSPOT_CLI"]
RAMP = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]

app = QgsApplication([], False)
app.initQgis()


def classes_of(values):
    """The engine's surfaceClassBreaks and the cells in each class, computed here independently."""
    positive = sorted(v for v in values if v > 0)
    n = len(positive)
    breaks = [positive[min(n - 1, int(f * n))] for f in (0.5, 0.75, 0.9, 0.975)] + [positive[-1]]
    counts = [0] * 5
    for v in positive:
        k = 0
        while k < 4 and v > breaks[k]:
            k += 1
        counts[k] += 1
    return breaks, counts


def rendered_colour_counts(path):
    layer = QgsRasterLayer(path, os.path.basename(path))
    assert layer.isValid(), path
    layer.renderer().setOpacity(1.0)
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(layer.extent())
    settings.setOutputSize(QSize(layer.width(), layer.height()))
    settings.setBackgroundColor(QColor(255, 255, 255, 0))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    seen = {}
    for y in range(image.height()):
        for x in range(image.width()):
            c = QColor(image.pixel(x, y))
            if QColor.fromRgba(image.pixel(x, y)).alpha() == 0:
                continue
            seen[c.name()] = seen.get(c.name(), 0) + 1
    return layer, seen


class RasterStyles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="hotspot-qgis-raster-")
        subprocess.run([CLI, "-q", "density", os.path.join(SOURCE, "data", "police"), "--group", "burglary", "--months", "2021",
                        "--cell", "100", "--bandwidth", "400", "--out", cls.tmp + "/d"], check=True)

    def check(self, tif):
        ds = gdal.Open(tif)
        band = ds.GetRasterBand(1)
        nodata = band.GetNoDataValue()
        values = [v for row in band.ReadAsArray().tolist() for v in row if v != nodata]
        breaks, expected = classes_of(values)
        layer, seen = rendered_colour_counts(tif)
        self.assertEqual(layer.renderer().type(), "singlebandpseudocolor")
        items = layer.renderer().shader().rasterShaderFunction().colorRampItemList()
        self.assertEqual([round(i.value, 3) for i in items[1:5]], [round(b, 3) for b in breaks[:4]])
        self.assertEqual(items[5].value, float("inf"))  # the top class is open above
        got = [seen.get(c, 0) for c in RAMP]
        # One pixel a cell: every positive cell in its class's colour, nothing else drawn.
        self.assertEqual(sum(seen.values()), sum(expected))
        for k in range(5):
            self.assertAlmostEqual(got[k], expected[k], delta=max(2, 0.002 * sum(expected)), msg=f"class {k + 1}: {got} vs {expected}")
        # Not the old fixed ramp: the top class is the data's maximum, far above 1.
        self.assertGreater(breaks[-1], 1)
        self.assertLess(got[4], got[0])
        return breaks

    def test_density_renders_in_the_viewers_classes(self):
        self.check(self.tmp + "/d/density.tif")

    def test_counts_render_in_the_viewers_classes(self):
        self.check(self.tmp + "/d/counts.tif")

    def test_export_writes_the_same_classes(self):
        subprocess.run([CLI, "-q", "export", self.tmp + "/d/density.tif", "-f", "gtiff", "--to", self.tmp + "/e/density.tif"], check=True)
        # The same classes (the export reads the Float32 values back: equal to 6 digits).
        def items(path):
            with open(path) as f:
                return [(v, c) for v, c in re.findall(r'<item value="([^"]+)" color="([^"]+)"', f.read())]
        a, b = items(self.tmp + "/d/density.qml"), items(self.tmp + "/e/density.qml")
        self.assertEqual(len(a), 6)
        self.assertEqual([c for _, c in a], [c for _, c in b])
        for (va, _), (vb, _) in zip(a, b):
            self.assertAlmostEqual(float(va), float(vb), delta=1e-6 * max(1.0, abs(float(va))) if va != "inf" else 0)
        self.check(self.tmp + "/e/density.tif")


if __name__ == "__main__":
    unittest.main()
