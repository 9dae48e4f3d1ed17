"""The Hotspot Processing provider in QGIS 3.22, headless: every algorithm runs through
processing.run on the sample data, its outputs load as valid layers with the engine's styles, and
the Gi* hot spots equal the CLI's. The plugin is installed from its zip, as QGIS would.
Run by ctest with QT_QPA_PLATFORM=offscreen, HOTSPOT_CLI, HOTSPOT_SOURCE and HOTSPOT_PLUGIN_ZIP set."""
import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import zipfile

from qgis.core import QgsApplication, QgsRasterLayer, QgsVectorLayer

SOURCE = os.environ["HOTSPOT_SOURCE"]
CLI = os.environ["HOTSPOT_CLI"]
PLUGIN_ZIP = os.environ["HOTSPOT_PLUGIN_ZIP"]

app = QgsApplication([], False)
app.initQgis()
sys.path.append("/usr/share/qgis/python/plugins")
import processing  # noqa: E402
from processing.core.Processing import Processing  # noqa: E402

Processing.initialize()
plugins = tempfile.mkdtemp()
with zipfile.ZipFile(PLUGIN_ZIP) as z:
    names = z.namelist()
    assert "hotspot_processing/metadata.txt" in names and "hotspot_processing/__init__.py" in names, names
    z.extractall(plugins)
sys.path.insert(0, plugins)
import hotspot_processing  # noqa: E402


class Iface:  # what classFactory receives; the provider needs nothing of it
    pass


plugin = hotspot_processing.classFactory(Iface())
plugin.initProcessing()

POLICE = os.path.join(SOURCE, "data", "police")


def layer(uri):
    path, _, name = uri.partition("|layername=")
    return QgsVectorLayer(uri, name or os.path.basename(path), "ogr")


class Provider(unittest.TestCase):
    def run_algorithm(self, name, parameters):
        out = tempfile.mkdtemp()
        parameters = dict(parameters, OUTPUT_FOLDER=out)
        return processing.run("hotspot:" + name, parameters), out

    def assert_styled(self, uri, renderer):
        v = layer(uri)
        self.assertTrue(v.isValid(), uri)
        self.assertGreater(v.featureCount(), 0, uri)
        self.assertEqual(v.renderer().type(), renderer, uri)  # the engine's style from layer_styles, not QGIS's default

    def test_the_provider_lists_every_command(self):
        ids = {a.id() for a in plugin.provider.algorithms()}
        self.assertEqual(ids, {"hotspot:" + n for n in ("geocode", "density", "gistar", "emerging", "roads", "coverage", "sites")})

    def test_gistar_equals_the_cli(self):
        result, out = self.run_algorithm("gistar", {"INPUT_FOLDER": POLICE, "GROUP": "burglary", "MONTHS": "2021", "CELL": 250})
        self.assert_styled(result["HOTSPOT_CELLS"], "categorizedSymbol")
        self.assert_styled(result["HOTSPOT_ZONES"], "categorizedSymbol")
        self.assertTrue(QgsRasterLayer(result["Z"], "z").isValid())
        cli = tempfile.mkdtemp()
        subprocess.run([CLI, "gistar", "-q", POLICE, "--group", "burglary", "--months", "2021", "--cell", "250", "-o", cli], check=True)
        query = "SELECT COUNT(*) FROM hotspot_cells WHERE gi_bin >= 2"
        ours = sqlite3.connect(os.path.join(out, "hotspots.gpkg")).execute(query).fetchone()[0]
        theirs = sqlite3.connect(os.path.join(cli, "hotspots.gpkg")).execute(query).fetchone()[0]
        self.assertGreater(ours, 0)
        self.assertEqual(ours, theirs)

    def test_density(self):
        result, _ = self.run_algorithm("density", {"INPUT_FOLDER": POLICE, "GROUP": "burglary", "MONTHS": "2021", "CELL": 100, "BANDWIDTH": 300})
        self.assertTrue(QgsRasterLayer(result["DENSITY"], "d").isValid())
        self.assertTrue(QgsRasterLayer(result["COUNTS"], "c").isValid())

    def test_geocode_with_a_qgis_layer(self):
        areas = QgsVectorLayer(os.path.join(SOURCE, "shapes", "priority_areas.geojson"), "priority", "ogr")
        result, _ = self.run_algorithm("geocode", {"INPUT_FOLDER": POLICE, "AREAS": areas})
        self.assert_styled(result["INCIDENTS"], "categorizedSymbol")
        self.assert_styled(result["AREA_COUNTS"], "graduatedSymbol")
        # Its incidents, as a QGIS layer, into the next algorithm.
        incidents = layer(result["INCIDENTS"])
        density, _ = self.run_algorithm("density", {"INPUT": [incidents], "GROUP": "burglary", "CELL": 100, "BANDWIDTH": 300})
        self.assertTrue(QgsRasterLayer(density["DENSITY"], "d").isValid())

    def test_emerging(self):
        result, _ = self.run_algorithm("emerging", {"INPUT_FOLDER": POLICE, "GROUP": "burglary", "CELL": 500})
        self.assert_styled(result["EMERGING"], "categorizedSymbol")

    def test_roads(self):
        network = QgsVectorLayer(os.path.join(SOURCE, "shapes", "roads.geojson"), "roads", "ogr")
        result, _ = self.run_algorithm("roads", {"NETWORK": network,
                                                 "COLLISIONS": os.path.join(SOURCE, "data", "roads", "stats19_collisions_2020_2021.csv")})
        self.assert_styled(result["LOCALITIES"], "graduatedSymbol")
        self.assert_styled(result["LIXELS"], "graduatedSymbol")
        self.assert_styled(result["COLLISIONS"], "categorizedSymbol")

    def test_coverage_and_sites_with_their_styles(self):
        interventions = os.path.join(SOURCE, "data", "interventions")
        result, _ = self.run_algorithm("coverage", {"INPUT_FOLDER": POLICE, "MONTHS": "2021",
                                                    "CAMERAS": os.path.join(interventions, "cctv_cameras.csv"),
                                                    "LIGHTS": os.path.join(interventions, "street_lights.csv")})
        self.assert_styled(result["COVERAGE"], "singleSymbol")
        self.assert_styled(result["HOTSPOTS"], "categorizedSymbol")
        result, _ = self.run_algorithm("sites", {"INPUT_FOLDER": POLICE, "GROUP": "asb", "MONTHS": "2021", "SITES": 5,
                                                 "CANDIDATES": os.path.join(interventions, "candidate_sites.csv"),
                                                 "EXISTING": os.path.join(interventions, "cctv_cameras.csv")})
        sites = layer(result["SITES"])
        self.assertEqual(sites.featureCount(), 5)
        self.assertTrue(sites.labelsEnabled())  # numbered by rank, from the stored style

    def test_engine_errors_reach_processing(self):
        from qgis.core import QgsProcessingException
        with self.assertRaises(QgsProcessingException) as raised:
            self.run_algorithm("gistar", {"INPUT_FOLDER": POLICE, "GROUP": "burglarly", "CELL": 250})
        self.assertIn("burglarly", str(raised.exception))


if __name__ == "__main__":
    unittest.main(verbosity=2)
