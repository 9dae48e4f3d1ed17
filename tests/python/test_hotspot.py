"""`import hotspot` under Debian's Python: results equal the CLI's outputs and independent NumPy
computations; errors carry the file, line and field; progress reaches a callable.
Run by ctest with PYTHONPATH=build/python, HOTSPOT_CLI and HOTSPOT_SOURCE set."""
import math
import os
import subprocess
import tempfile
import unittest

import numpy as np

import hotspot

CLI = os.environ["HOTSPOT_CLI"]
SOURCE = os.environ["HOTSPOT_SOURCE"]
POLICE = os.path.join(SOURCE, "data", "police")

try:
    from osgeo import gdal
except ImportError:  # python3-gdal
    gdal = None


def read_raster(path):
    ds = gdal.Open(path)
    band = ds.GetRasterBand(1)
    values = band.ReadAsArray().astype(float)
    nodata = band.GetNoDataValue()
    if nodata is not None:
        values[values == nodata] = np.nan
    return values, ds.GetGeoTransform()


class Density(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.result = hotspot.density(POLICE, group="burglary", months="2021", cell=100, bandwidth=300)

    @unittest.skipIf(gdal is None, "python3-gdal not installed")
    def test_equals_the_cli_rasters(self):
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([CLI, "density", "-q", POLICE, "--group", "burglary", "--months", "2021", "--cell", "100", "--bandwidth", "300",
                            "-o", out], check=True)
            density, gt = read_raster(os.path.join(out, "density.tif"))
            counts, _ = read_raster(os.path.join(out, "counts.tif"))
        self.assertEqual(tuple(gt), tuple(self.result["geotransform"]))
        self.assertEqual(density.shape, self.result["density"].shape)
        # The GeoTIFF holds float32.
        np.testing.assert_allclose(self.result["density"], density, rtol=1e-6, atol=1e-9)
        np.testing.assert_array_equal(self.result["counts"], counts)

    def test_equals_a_direct_sum_of_the_quartic_kernel(self):
        points = hotspot.load_incidents(POLICE, group="burglary", months="2021")
        x, y = points["x"], points["y"]
        x0, cell, _, ytop, _, _ = self.result["geotransform"]
        grid = self.result["density"]
        r = self.result["bandwidth"]
        rng = np.random.default_rng(3)
        rows, cols = grid.shape
        hottest = np.unravel_index(np.nanargmax(grid), grid.shape)
        picks = [hottest] + [(int(rng.integers(rows)), int(rng.integers(cols))) for _ in range(300)]
        for row, col in picks:
            cx, cy = x0 + (col + 0.5) * cell, ytop - (row + 0.5) * cell
            d2 = (x - cx) ** 2 + (y - cy) ** 2
            u2 = d2[d2 < r * r] / (r * r)
            expected = (3 / (math.pi * r * r) * (1 - u2) ** 2).sum() * 1e6  # per km2
            self.assertAlmostEqual(grid[row, col], expected, delta=1e-9 * max(1.0, expected))
        self.assertGreater(grid[hottest], 0)

    def test_counts_hold_every_selected_incident(self):
        points = hotspot.load_incidents(POLICE, group="burglary", months="2021")
        self.assertEqual(self.result["counts"].sum(), len(points["x"]))
        self.assertIn("balanced", self.result["ledger"])


class InMemory(unittest.TestCase):
    """Incidents from a DataFrame (or a dict of arrays) and a study area as WKT give what the files give."""

    def test_a_dataframe_gives_the_same_density_and_gistar_as_the_files(self):
        import pandas as pd
        points = hotspot.load_incidents(POLICE, group="burglary", months="2021")
        frame = pd.DataFrame({"x": points["x"], "y": points["y"], "month": points["month"]})
        from_files = hotspot.density(POLICE, group="burglary", months="2021", cell=100, bandwidth=300)
        from_frame = hotspot.density(frame, cell=100, bandwidth=300)
        self.assertEqual(tuple(from_files["geotransform"]), tuple(from_frame["geotransform"]))
        np.testing.assert_array_equal(from_files["counts"], from_frame["counts"])
        np.testing.assert_allclose(from_files["density"], from_frame["density"], rtol=1e-12, atol=1e-12)
        self.assertEqual(from_frame["counts"].sum(), len(frame))
        gi_files = hotspot.gistar(POLICE, group="burglary", months="2021", cell=250)
        gi_dict = hotspot.gistar({"x": frame["x"].to_numpy(), "y": frame["y"].to_numpy()}, cell=250)
        np.testing.assert_array_equal(gi_files["bin"], gi_dict["bin"])

    def test_rows_that_cannot_be_used_are_counted_and_bad_months_named(self):
        frame = {"x": np.array([451000.0, np.nan, 451100.0, 451200.0]), "y": np.array([261000.0, 261000.0, 261100.0, 261200.0])}
        result = hotspot.density(frame, cell=100, bandwidth=300)
        self.assertEqual(result["counts"].sum(), 3)
        self.assertIn("4 read", result["ledger"])
        with self.assertRaises(hotspot.Error) as caught:
            hotspot.density({"x": [451000.0], "y": [261000.0], "month": ["January"]}, cell=100)
        self.assertEqual(caught.exception.line, 1)
        self.assertEqual(caught.exception.field, "month")

    def test_a_study_area_as_wkt_clips_like_the_same_area_from_a_file(self):
        points = hotspot.load_incidents(POLICE, group="burglary")
        cx, cy = float(np.median(points["x"])), float(np.median(points["y"]))
        square = "POLYGON(({0} {1}, {2} {1}, {2} {3}, {0} {3}, {0} {1}))".format(cx - 1500, cy - 1500, cx + 1500, cy + 1500)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "study.csv")
            with open(path, "w") as f:
                f.write('id,WKT\n1,"' + square + '"\n')
            from_file = hotspot.density(POLICE, group="burglary", cell=100, bandwidth=300, study_area="study=" + path, srs="EPSG:27700", clip=True)
        in_memory = hotspot.density(POLICE, group="burglary", cell=100, bandwidth=300, study_area=[square], clip=True)
        np.testing.assert_array_equal(np.isnan(from_file["counts"]), np.isnan(in_memory["counts"]))
        self.assertEqual(np.nansum(from_file["counts"]), np.nansum(in_memory["counts"]))
        self.assertGreater(np.nansum(in_memory["counts"]), 0)
        self.assertLess(np.nansum(in_memory["counts"]), len(points["x"]))


class RunAnyCommand(unittest.TestCase):
    """hotspot.run(command, *inputs, **flags): every command of the CLI, in process, with the same outputs."""

    def cli(self, *args):
        subprocess.run([CLI, "-q", *args], check=True, cwd=SOURCE)

    def same_file(self, a, b):
        with open(a, "rb") as fa, open(b, "rb") as fb:
            self.assertEqual(fa.read(), fb.read(), "{} differs from {}".format(a, b))

    def test_every_command_is_there(self):
        for name in ("geocode", "density", "gistar", "moran", "concentrate", "near-repeat", "forecast-evaluate", "change", "emerging",
                     "evaluate", "report", "roads", "coverage", "evaluate-interventions", "sites", "export"):
            self.assertIn(name, hotspot.commands)

    def test_roads_and_coverage_write_what_the_cli_writes(self):
        collisions = [os.path.join(SOURCE, "data", "roads", f) for f in ("stats19_collisions_2019_legacy.csv", "stats19_collisions_2020_2021.csv")]
        network = os.path.join(SOURCE, "shapes", "roads.geojson")
        complaints = os.path.join(SOURCE, "data", "roads", "road_complaints_2019_2021.csv")
        columns = "id=ref,date=date,category=issue,lon=lon,lat=lat"
        stages = []
        with tempfile.TemporaryDirectory() as out:
            report = hotspot.run("roads", network=network, collisions=collisions, complaints=complaints, complaint_columns=columns,
                                 out=os.path.join(out, "py"), progress=lambda stage, fraction: stages.append(stage))
            self.cli("roads", "--network", network, "--collisions", *collisions, "--complaints", complaints, "--complaint-columns", columns,
                     "--out", os.path.join(out, "cli"))
            for name in ("road_register.csv", "unsnapped.csv", "road_rejects.csv"):
                self.same_file(os.path.join(out, "py", name), os.path.join(out, "cli", name))
            self.assertIn(os.path.join(out, "py", "roads.gpkg"), report["outputs"])
            self.assertTrue(stages, "the progress callable was never called")
            cameras = os.path.join(SOURCE, "data", "interventions", "cctv_cameras.csv")
            areas = "priority=" + os.path.join(SOURCE, "shapes", "priority_areas.geojson")
            hotspot.run("coverage", POLICE, months="2021", cameras=cameras, areas=[areas], out=os.path.join(out, "cov-py"))
            self.cli("coverage", POLICE, "--months", "2021", "--cameras", cameras, "--areas", areas, "--out", os.path.join(out, "cov-cli"))
            for name in ("coverage_by_group.csv", "coverage_by_area.csv"):
                self.same_file(os.path.join(out, "cov-py", name), os.path.join(out, "cov-cli", name))
            self.assertTrue(any("balanced" in l for l in hotspot.run("gistar", POLICE, group="burglary", cell=250, out=os.path.join(out, "g"))["ledgers"]))

    def test_bad_flags_and_values_raise_usage_errors_and_write_nothing(self):
        with tempfile.TemporaryDirectory() as out:
            for command, flags in (("density", {"cell": -5}), ("density", {"no_such_flag": 1}), ("nonsense", {})):
                with self.assertRaises(hotspot.Error) as caught:
                    hotspot.run(command, POLICE, out=os.path.join(out, "x"), **flags)
                self.assertEqual(caught.exception.kind, "usage", str(caught.exception))
                if flags == {"cell": -5}:
                    self.assertEqual(caught.exception.field, "cell")
                if command == "nonsense":
                    self.assertIn("roads", caught.exception.message)
            self.assertFalse(os.path.exists(os.path.join(out, "x", "density.tif")))


class GiStar(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.result = hotspot.gistar(POLICE, group="burglary", months="2021", cell=250)

    @unittest.skipIf(gdal is None, "python3-gdal not installed")
    def test_equals_the_cli_rasters(self):
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([CLI, "gistar", "-q", POLICE, "--group", "burglary", "--months", "2021", "--cell", "250", "-o", out], check=True)
            z, gt = read_raster(os.path.join(out, "gistar_z.tif"))
            bins, _ = read_raster(os.path.join(out, "gistar_bin.tif"))
        self.assertEqual(tuple(gt), tuple(self.result["geotransform"]))
        np.testing.assert_allclose(self.result["z"], z, rtol=1e-5, atol=1e-6, equal_nan=True)
        np.testing.assert_array_equal(self.result["bin"], np.nan_to_num(bins).astype(np.int8))

    def test_z_equals_the_published_formula_over_queen_neighbours(self):
        x = self.result["counts"]
        n = x.size
        mean = x.sum() / n
        s = math.sqrt((x ** 2).sum() / n - mean ** 2)
        padded = np.pad(x, 1)
        ones = np.pad(np.ones_like(x), 1)
        rows, cols = x.shape
        block = lambda a: sum(a[1 + dr:1 + dr + rows, 1 + dc:1 + dc + cols] for dr in (-1, 0, 1) for dc in (-1, 0, 1))
        sums, w = block(padded), block(ones)
        z = (sums - mean * w) / (s * np.sqrt((n * w - w * w) / (n - 1)))
        np.testing.assert_allclose(self.result["z"], z, rtol=1e-10, atol=1e-12)


class Behaviour(unittest.TestCase):
    def test_errors_carry_kind_file_line_and_field(self):
        with self.assertRaises(hotspot.Error) as raised:
            hotspot.density(POLICE, group="burglarly")
        self.assertEqual(raised.exception.kind, "usage")
        self.assertEqual(raised.exception.field, "group")  # the option's key, not a CLI flag
        self.assertIn("burglary", raised.exception.message)  # lists the groups it knows
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "bad.csv")
            with open(bad, "w") as f:
                f.write("id,x,y,date\na,1,2,2021-01-01\n")
            with self.assertRaises(hotspot.Error) as raised:
                hotspot.density(bad, columns="id=id,x=x,y=y,date=date,category=nosuchcolumn", srs="EPSG:27700")
            self.assertEqual(raised.exception.kind, "input")
            self.assertEqual(raised.exception.file, bad)
            self.assertTrue(raised.exception.field)

    def test_progress_reaches_a_callable_and_ends_each_stage_at_one(self):
        seen = []
        hotspot.gistar(POLICE, group="burglary", months="2021", cell=250, progress=lambda stage, fraction: seen.append((stage, fraction)))
        stages = {}
        for stage, fraction in seen:
            self.assertGreaterEqual(fraction, stages.get(stage, 0.0) if fraction > 0 else 0.0)
            stages[stage] = fraction
        self.assertIn("Gi*", stages)
        self.assertEqual(stages["Gi*"], 1.0)

    def test_a_progress_callable_returning_false_cancels_and_the_previous_outputs_stay(self):
        with tempfile.TemporaryDirectory() as out:
            hotspot.run_gistar(POLICE, out=out, group="burglary", months="2021", cell=250)
            before = {name: os.path.getmtime(os.path.join(out, name)) for name in os.listdir(out) if name != ".hotspot.lock"}
            seen = []

            def stop_at_gi(stage, fraction):
                seen.append(stage)
                return stage != "Gi*"

            with self.assertRaises(hotspot.Error) as raised:
                hotspot.run_gistar(POLICE, out=out, group="asb", months="2021", cell=250, progress=stop_at_gi)
            self.assertEqual(raised.exception.kind, "cancelled")
            self.assertIn("Gi*", seen)
            after = {name: os.path.getmtime(os.path.join(out, name)) for name in os.listdir(out) if name != ".hotspot.lock"}
            self.assertEqual(before, after)  # nothing replaced, nothing half-written, no staging left behind

    def test_jobs_write_their_outputs_with_keyword_options(self):
        with tempfile.TemporaryDirectory() as out:
            report = hotspot.run_gistar(POLICE, out=out, group="burglary", months="2021", cell=250)
            self.assertTrue(os.path.exists(os.path.join(out, "hotspots.gpkg")))
            self.assertTrue(any("balanced" in ledger for ledger in report["ledgers"]))
            self.assertIn(os.path.join(out, "gistar_z.tif"), report["outputs"])
            with self.assertRaises(hotspot.Error) as raised:
                hotspot.run_gistar(POLICE, out=out, cell=-5)
            self.assertEqual(raised.exception.kind, "usage")
            self.assertEqual(raised.exception.field, "cell")


if __name__ == "__main__":
    unittest.main()
