"""Processing algorithms that run the hotspot command line, one per engine command.

Each algorithm is described by a Spec: its parameters (each mapped to the CLI flag it sets) and the
layers it writes into its output folder. The algorithm runs `hotspot COMMAND ... -q -o FOLDER`,
stops the process when the user cancels, passes the engine's error (file, line, field) on as a
QgsProcessingException, and returns the output layers, which QGIS opens with the styles the engine
stored in each GeoPackage (layer_styles).
"""
import os
import shutil
import subprocess
import urllib.parse

from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputRasterLayer,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)


def hotspot_cli():
    """The engine's command line: $HOTSPOT_CLI, else `hotspot` on PATH."""
    path = os.environ.get("HOTSPOT_CLI") or shutil.which("hotspot")
    if not path:
        raise QgsProcessingException("the hotspot command was not found: set HOTSPOT_CLI or put hotspot on PATH")
    return path


def layer_file(layer):
    """The file behind a file-based layer (OGR, GDAL or delimited text)."""
    source = layer.source()
    if layer.providerType() == "delimitedtext":
        return urllib.parse.unquote(urllib.parse.urlparse(source).path)
    return source.split("|")[0]


class P:
    """One parameter: kind, Processing name, label, the CLI flag it sets, default, optional."""

    def __init__(self, kind, name, label, flag=None, default=None, optional=True, minimum=None, area_label=None):
        self.kind, self.name, self.label, self.flag = kind, name, label, flag
        self.default, self.optional, self.minimum, self.area_label = default, optional, minimum, area_label

    def definition(self):
        if self.kind == "layers":
            return QgsProcessingParameterMultipleLayers(self.name, self.label, QgsProcessing.TypeVectorAnyGeometry, optional=self.optional)
        if self.kind == "polygons":
            return QgsProcessingParameterVectorLayer(self.name, self.label, [QgsProcessing.TypeVectorPolygon], optional=self.optional)
        if self.kind == "lines":
            return QgsProcessingParameterVectorLayer(self.name, self.label, [QgsProcessing.TypeVectorLine], optional=self.optional)
        if self.kind == "folder":
            return QgsProcessingParameterFile(self.name, self.label, behavior=QgsProcessingParameterFile.Folder, optional=self.optional)
        if self.kind == "file":
            return QgsProcessingParameterFile(self.name, self.label, optional=self.optional)
        if self.kind == "string":
            return QgsProcessingParameterString(self.name, self.label, defaultValue=self.default, optional=self.optional)
        if self.kind == "bool":
            return QgsProcessingParameterBoolean(self.name, self.label, defaultValue=bool(self.default))
        number = QgsProcessingParameterNumber.Integer if self.kind == "int" else QgsProcessingParameterNumber.Double
        p = QgsProcessingParameterNumber(self.name, self.label, number, defaultValue=self.default, optional=self.optional)
        if self.minimum is not None:
            p.setMinimum(self.minimum)
        return p

    def arguments(self, algorithm, parameters, context):
        """The CLI arguments for this parameter's value ([] when not given)."""
        if self.kind == "layers":
            return [layer_file(layer) for layer in algorithm.parameterAsLayerList(parameters, self.name, context)]
        if self.kind in ("polygons", "lines"):
            layer = algorithm.parameterAsVectorLayer(parameters, self.name, context)
            if layer is None:
                return []
            path = layer_file(layer)
            return [self.flag, f"{self.area_label}={path}" if self.area_label else path]
        if self.kind in ("folder", "file"):
            value = algorithm.parameterAsFile(parameters, self.name, context)
            if not value:
                return []
            return [value] if self.flag is None else [self.flag, value]
        if self.kind == "string":
            value = algorithm.parameterAsString(parameters, self.name, context)
            return [self.flag, value] if value else []
        if self.kind == "bool":
            return [self.flag] if algorithm.parameterAsBool(parameters, self.name, context) else []
        if parameters.get(self.name) is None and self.default is None:
            return []
        value = (algorithm.parameterAsInt if self.kind == "int" else algorithm.parameterAsDouble)(parameters, self.name, context)
        return [self.flag, f"{value:g}" if self.kind != "int" else str(value)]


class Spec:
    """One engine command as an algorithm: its parameters and the layers it writes."""

    def __init__(self, name, label, group, command, help_text, params, outputs):
        self.name, self.label, self.group, self.command, self.help = name, label, group, command, help_text
        self.params, self.outputs = params, outputs  # outputs: (name, "vector"|"raster", file, layer or None, label)

    def create(self):
        return HotspotAlgorithm(self)


INCIDENTS = [
    P("layers", "INPUT", "Incident layers (police.uk CSVs, incidents.gpkg from geocode, any point layer)"),
    P("folder", "INPUT_FOLDER", "Or a police.uk download folder"),
]
SELECTION = [
    P("string", "GROUP", "Group (e.g. burglary, asb, violence; comma-separated for several)", "--group"),
    P("string", "MONTHS", "Months (2021, 2020-04:2021-03)", "--months"),
]


class HotspotAlgorithm(QgsProcessingAlgorithm):
    OUTPUT_FOLDER = "OUTPUT_FOLDER"

    def __init__(self, spec):
        super().__init__()
        self.spec = spec

    def createInstance(self):  # noqa: N802
        return HotspotAlgorithm(self.spec)

    def name(self):
        return self.spec.name

    def displayName(self):  # noqa: N802
        return self.spec.label

    def group(self):
        return self.spec.group

    def groupId(self):  # noqa: N802
        return self.spec.group.lower().replace(" ", "_")

    def shortHelpString(self):  # noqa: N802
        return self.spec.help + "\n\nRuns `hotspot " + self.spec.command + "`; see docs/cli/" + self.spec.command + ".md."

    def initAlgorithm(self, config=None):  # noqa: N802
        for p in self.spec.params:
            self.addParameter(p.definition())
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, "Output folder"))
        for name, kind, _, _, label in self.spec.outputs:
            self.addOutput(QgsProcessingOutputVectorLayer(name, label) if kind == "vector" else QgsProcessingOutputRasterLayer(name, label))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        out = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context)
        args = [hotspot_cli(), self.spec.command, "-q"]
        for p in self.spec.params:
            args += p.arguments(self, parameters, context)
        args += ["-o", out]
        feedback.pushCommandInfo(" ".join(args))
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while True:
            try:
                _, err = process.communicate(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if feedback.isCanceled():
                    process.kill()
                    process.communicate()
                    raise QgsProcessingException("cancelled: the engine leaves no partial outputs in " + out)
        if process.returncode != 0:
            raise QgsProcessingException(err.strip() or f"hotspot {self.spec.command} failed with exit code {process.returncode}")
        results = {self.OUTPUT_FOLDER: out}
        for name, kind, file_name, layer, label in self.spec.outputs:
            path = os.path.join(out, file_name)
            if not os.path.exists(path):
                continue  # written only for some inputs (e.g. casualties without a casualty table)
            uri = f"{path}|layername={layer}" if layer else path
            results[name] = uri
            details = QgsProcessingContext.LayerDetails(label, context.project(), name)
            context.addLayerToLoadOnCompletion(uri, details)
        feedback.setProgress(100)
        return results


ALGORITHMS = [
    Spec("geocode", "Geocode incidents into areas", "Preparation", "geocode",
         "Assigns every incident to the polygons of the area layers (priority areas, wards, LSOAs) and writes incidents.gpkg "
         "with per-area counts; rows that cannot be used go to rejects.csv with the reason.",
         INCIDENTS + [P("polygons", "AREAS", "Areas (polygons)", "--areas", optional=False, area_label="areas")],
         [("INCIDENTS", "vector", "incidents.gpkg", "incidents", "Geocoded incidents"),
          ("AREA_COUNTS", "vector", "incidents.gpkg", "areas_areas", "Incidents per area")]),
    Spec("density", "Kernel density", "Hot spots", "density",
         "Quartic kernel density (incidents per km2) on an aligned grid, with the counts per cell.",
         INCIDENTS + SELECTION + [P("double", "CELL", "Cell size (m)", "--cell", 50.0, minimum=0.01),
                                  P("double", "BANDWIDTH", "Bandwidth (m; empty: the ArcGIS rule)", "--bandwidth", None, minimum=0.01)],
         [("DENSITY", "raster", "density.tif", None, "Kernel density"), ("COUNTS", "raster", "counts.tif", None, "Incidents per cell")]),
    Spec("gistar", "Getis-Ord Gi* hot spots", "Hot spots", "gistar",
         "Gi* on incident counts per grid cell (queen contiguity with the cell itself), Benjamini-Hochberg FDR bins as ArcGIS's "
         "Gi_Bin, and the hot spot zones.",
         INCIDENTS + SELECTION + [P("double", "CELL", "Cell size (m)", "--cell", 250.0, minimum=0.01),
                                  P("int", "RINGS", "Neighbourhood rings", "--rings", 1, minimum=1)],
         [("HOTSPOT_CELLS", "vector", "hotspots.gpkg", "hotspot_cells", "Gi* hot and cold cells"),
          ("HOTSPOT_ZONES", "vector", "hotspots.gpkg", "hotspot_zones", "Hot spot zones"),
          ("Z", "raster", "gistar_z.tif", None, "Gi* z")]),
    Spec("emerging", "Emerging hot spots", "Hot spots", "emerging",
         "Emerging hot spot classes (new, intensifying, persistent, diminishing, ...) from Gi* per month or quarter and the Mann-Kendall trend.",
         INCIDENTS + SELECTION + [P("double", "CELL", "Cell size (m)", "--cell", 500.0, minimum=0.01)],
         [("EMERGING", "vector", "emerging.gpkg", "emerging_hotspots", "Emerging hot spot classes")]),
    Spec("roads", "Road problem localities", "Roads", "roads",
         "STATS19 collisions (and road complaints) on a road network: network kernel density, cluster sites and the ranked register "
         "for the Road Joint Action Group.",
         [P("lines", "NETWORK", "Road network (lines)", "--network", optional=False),
          P("file", "COLLISIONS", "STATS19 collisions (CSV)", "--collisions"),
          P("file", "COMPLAINTS", "Road complaints (CSV)", "--complaints"),
          P("string", "COMPLAINT_COLUMNS", "Complaint column mapping (id=,date=,category=,lon=,lat=)", "--complaint-columns")],
         [("LOCALITIES", "vector", "roads.gpkg", "road_localities", "Road problem localities"),
          ("LIXELS", "vector", "roads.gpkg", "road_lixels", "Road network density"),
          ("COLLISIONS", "vector", "roads.gpkg", "road_incidents", "Road collisions")]),
    Spec("coverage", "CCTV and lighting coverage", "Interventions", "coverage",
         "How much of the incidents and hot spots the cameras see and the lights reach; dark hot spots; per-area tables.",
         INCIDENTS + SELECTION + [P("file", "CAMERAS", "CCTV cameras (CSV or layer file)", "--cameras"),
                                  P("file", "LIGHTS", "Street lights (CSV or layer file)", "--lights"),
                                  P("polygons", "AREAS", "Areas for the per-area table", "-a", area_label="priority")],
         [("COVERAGE", "vector", "coverage.gpkg", "camera_coverage", "Camera coverage"),
          ("HOTSPOTS", "vector", "coverage.gpkg", "hotspot_cells", "Hot spots, dark and lit")]),
    Spec("sites", "New CCTV sites", "Interventions", "sites",
         "N new camera (or light) sites that cover the most hot spot demand, existing coverage left out (greedy with lazy gains).",
         INCIDENTS + SELECTION + [P("file", "CANDIDATES", "Candidate sites (CSV)", "--candidates"),
                                  P("file", "EXISTING", "Existing cameras (CSV)", "--existing"),
                                  P("int", "SITES", "Number of sites", "-n", 10, minimum=1),
                                  P("double", "BUDGET", "Budget (GBP; empty: none)", "--budget", None, minimum=0)],
         [("SITES", "vector", "sites.gpkg", "recommended_sites", "Recommended sites"),
          ("SITE_COVERAGE", "vector", "sites.gpkg", "recommended_coverage", "Coverage of the recommended sites")]),
]
