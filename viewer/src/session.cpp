#include "session.hpp"

#include "basemap.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>

#include "hotspot/crs.hpp"
#include "hotspot/error.hpp"
#include "hotspot/strings.hpp"
#include "hotspot/near_repeat.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/roads_run.hpp"

namespace hotspot::viewer {

namespace fs = std::filesystem;

namespace {

bool isRaster(const std::string& path) {
    const std::string ext = fs::path(path).extension().string();
    return ext == ".tif" || ext == ".tiff" || ext == ".TIF";
}

// What the legend calls a layer of a results GeoPackage: the engine's tables in words, under the
// project's name for the file ("Coverage 2021: coverage per priority area", not "coverage_priority").
std::string layerTitle(const std::string& projectName, const std::string& table) {
    static const std::map<std::string, std::string> known = {
        {"hotspot_cells", "Gi* hot spot cells"}, {"hotspot_zones", "hot spot zones"}, {"gistar_areas", "Gi* hot spot areas"}, {"emerging_cells", "emerging hot spots"}, {"moran_cells", "clusters and outliers"}, {"moran_areas", "clusters and outliers by area"}, {"camera_coverage", "camera view areas"}, {"lit_areas", "lit areas"}, {"coverage_hotspots", "dark and lit hot spot cells"}, {"recommended_sites", "recommended sites"}, {"recommended_coverage", "coverage of the recommended sites"}, {"treated_areas", "treated areas"}, {"buffer_rings", "buffer rings"}, {"road_lixels", "road network density"}, {"road_localities", "road problem localities"}, {"road_locality_extents", "road problem locality extents"}, {"road_incidents", "road collisions by severity"}, {"road_casualties", "road casualties by road user"}, {"incidents", "incidents"}};
    std::string words;
    if (const auto it = known.find(table); it != known.end()) words = it->second;
    else if (table.rfind("coverage_", 0) == 0) words = "coverage per " + table.substr(9) + " area";
    else if (table.rfind("areas_", 0) == 0) words = table.substr(6) + " areas";
    else {
        words = table;
        std::replace(words.begin(), words.end(), '_', ' ');
    }
    return projectName.empty() || projectName == table ? words : projectName + ": " + words;
}

// The style of a layer by its role, or by the name and fields of the engine's own result layers.
VectorStyle styleFor(const std::string& role, const std::string& layerName, const std::string& label, const VectorData* data = nullptr) {
    VectorStyle s;
    s.labelField = QString::fromStdString(label);
    auto has = [&](const char* field) { return data && data->fieldIndex(field) >= 0; };
    if (role.empty() || role == "generic") {
        if (has("gi_bin")) {  // Gi* cells and zones
            s.categoryField = "gi_bin";
            const char* labels[] = {"-3", "-2", "-1", "1", "2", "3"};
            for (const char* b : labels) s.categories[b] = giStarBinColour(std::atoi(b));
            s.categoryLabels = {{"-3", "cold spot 99 %"}, {"-2", "cold spot 95 %"}, {"-1", "cold spot 90 %"}, {"1", "hot spot 90 %"}, {"2", "hot spot 95 %"}, {"3", "hot spot 99 %"}};
            s.stroke = QColor(0, 0, 0, 0);
            return s;
        }
        if (has("class_code") && (layerName == "moran_cells" || layerName == "moran_areas")) {  // local Moran's I, ArcGIS colours
            s.categoryField = "class";
            s.categories = {{"HH", QColor(215, 48, 39, 220)}, {"HL", QColor(252, 141, 89, 220)}, {"LH", QColor(145, 191, 219, 220)}, {"LL", QColor(69, 117, 181, 220)}};
            s.categoryLabels = {{"HH", "high-high cluster"}, {"HL", "high-low outlier"}, {"LH", "low-high outlier"}, {"LL", "low-low cluster"}};
            s.stroke = QColor(0, 0, 0, 0);
            if (layerName == "moran_areas") s.stroke = QColor(90, 90, 90), s.labelField = "name";
            return s;
        }
        if (layerName == "hotspot_cells" && has("dark")) {  // coverage: dark hot spots stand out
            s.categoryField = "dark";
            s.categories["1"] = QColor(70, 20, 110, 200);
            s.categories["0"] = QColor(240, 120, 40, 170);
            s.categoryLabels = {{"1", "dark hot spot (no light near)"}, {"0", "lit hot spot"}};
            s.stroke = QColor(0, 0, 0, 0);
            return s;
        }
        if (layerName == "camera_coverage" || layerName == "treated_areas") {
            s.fill = QColor(60, 110, 230, 60);
            s.stroke = QColor(20, 60, 200);
            return s;
        }
        if (layerName == "light_coverage") {
            s.fill = QColor(255, 220, 60, 70);
            s.stroke = QColor(0, 0, 0, 0);
            return s;
        }
        if (layerName == "buffer_rings") {
            s.fill = QColor(240, 150, 40, 45);
            s.stroke = QColor(200, 110, 20);
            return s;
        }
        if (layerName == "recommended_coverage" || layerName == "recommended_sites") {
            s.fill = QColor(0, 170, 90, layerName == "recommended_sites" ? 255 : 70);
            s.stroke = QColor(0, 120, 60);
            s.strokeWidth = 2;
            if (layerName == "recommended_sites") s.labelField = "rank", s.pointRadius = 5;
            return s;
        }
        if (layerName.rfind("coverage_", 0) == 0 || layerName == "areas") {
            s.stroke = QColor(110, 40, 150);
            s.strokeWidth = 1.5;
            if (has("name")) s.labelField = "name";
            return s;
        }
    }
    if (role == "priority") {
        s.fill = QColor(120, 60, 160, 25);
        s.stroke = QColor(110, 40, 150);
        s.strokeWidth = 1.8;
    } else if (role == "areas") {
        s.fill = QColor(0, 0, 0, 0);
        s.stroke = QColor(90, 90, 90);
        s.strokeWidth = 1.2;
    } else if (role == "roads") {
        s.stroke = QColor(150, 150, 150);
        s.widthField = "highway";
        // Road numbers and names: OSM (ref, name) or OS Open Roads (road_number, name_1).
        if (s.labelField.isEmpty()) s.labelField = "ref+road_number+name+name_1";
    } else if (layerName == "road_lixels" || role == "lixels") {
        s.rampField = "weighted_density_per_km";
    } else if (layerName == "road_localities" || role == "localities") {
        s.fill = QColor(200, 0, 0);
        s.stroke = Qt::white;
        s.pointRadius = 6;
        if (s.labelField.isEmpty()) s.labelField = "locality_id";
    } else if (layerName == "road_incidents") {  // collisions by severity, as the QGIS style
        s.categoryField = "severity";
        s.categories = {{"fatal", QColor(0, 0, 0)}, {"serious", QColor(215, 25, 28)}, {"slight", QColor(253, 174, 97)}, {"unknown", QColor(171, 171, 171)}};
        s.categoryLabels = {{"fatal", "fatal collision"}, {"serious", "serious collision"}, {"slight", "slight collision"}, {"unknown", "collision, severity unknown"}};
        s.stroke = QColor(0, 0, 0, 0);
        s.pointRadius = 3;
    } else if (layerName == "road_casualties") {  // casualties by road-user group
        s.categoryField = "road_user_group";
        s.categories = {{"pedestrian", QColor(228, 26, 28)}, {"pedal_cycle", QColor(77, 175, 74)}, {"motorcycle", QColor(152, 78, 163)}, {"car_occupant", QColor(55, 126, 184)}, {"goods_vehicle", QColor(255, 127, 0)}, {"bus", QColor(166, 86, 40)}, {"other", QColor(153, 153, 153)}};
        s.categoryLabels = {{"pedestrian", "pedestrian"}, {"pedal_cycle", "cyclist"}, {"motorcycle", "motorcyclist"}, {"car_occupant", "car occupant"}, {"goods_vehicle", "goods vehicle occupant"}, {"bus", "bus occupant"}, {"other", "other road user"}};
        s.stroke = QColor(0, 0, 0, 0);
        s.pointRadius = 3;
    } else if (layerName == "road_locality_extents") {
        s.fill = QColor(200, 0, 0, 40);
        s.stroke = QColor(200, 0, 0);
    }
    return s;
}

// The last whole number in a band label: "101-200 m" -> 200, "0 months" -> 0; -1 when none.
int lastNumber(const std::string& label) {
    int value = -1;
    for (size_t k = 0; k < label.size();) {
        if (!std::isdigit(static_cast<unsigned char>(label[k]))) {
            ++k;
            continue;
        }
        value = 0;
        for (; k < label.size() && std::isdigit(static_cast<unsigned char>(label[k])) && value < 1'000'000; ++k) value = value * 10 + (label[k] - '0');
    }
    return value;
}

}  // namespace

std::string NearRepeatView::describe() const {
    if (distance < 0) return "no near-repeat zone for this selection (" + source + "): no significant excess of close pairs";
    const std::string where = distance == 0 ? std::string("at the same location") : "within " + std::to_string(static_cast<int>(distance)) + " m";
    return "near-repeat zone of the incident of " + formatMonth(month) + ": " + where + ", in the same month or up to " + std::to_string(months) +
           " month(s) after (" + source + "); " + std::to_string(followers.size()) + " incident(s) of the selection fell inside it";
}

Session::~Session() {
    if (m_cacheDir.empty()) return;
    std::error_code ec;
    fs::remove_all(m_cacheDir, ec);
}

std::unique_ptr<Session> Session::open(const ProjectFile& pf) {
    Progress quiet;
    return open(pf, quiet);
}

std::unique_ptr<Session> Session::open(const ProjectFile& pf, Progress& progress) {
    auto s = std::make_unique<Session>();
    s->project = pf;
    const std::string& crs = pf.crs;
    requireMetricCrs(crs, "crs", OptionNaming::keys());  // the map and every distance are in metres
    for (const auto& e : pf.layers) {
        std::shared_ptr<MapLayer> layer;
        if (e.role == "cctv") {
            LayerRejects rejects;
            layer = std::make_shared<CameraLayer>(readCameras(InterventionSource::parse(e.path), crs, 100, rejects));
            if (!rejects.rows.empty()) s->notes.push_back(std::to_string(rejects.rows.size()) + " cameras rejected in " + e.path);
        } else if (e.role == "lights") {
            LayerRejects rejects;
            layer = std::make_shared<LightLayer>(readLights(InterventionSource::parse(e.path), crs, 25, rejects));
        } else if (e.role == "interventions") {
            LayerRejects rejects;
            layer = std::make_shared<ProjectLayer>(readProjects(InterventionSource::parse(e.path), crs, rejects));
        } else if (e.role == "basemap") {
            layer = std::make_shared<TileLayer>(TileSource::open(e.path, e.cache), crs);
        } else if (isRaster(e.path)) {
            const RasterData r = readRasterData(e.path, crs);
            std::vector<double> breaks;
            QImage image = densityImage(r.values, r.cols, r.rows, breaks);
            const auto ramp = densityRamp();
            std::vector<LegendEntry> legend;
            for (size_t k = 0; k < breaks.size(); ++k) legend.push_back({QString("up to %1").arg(breaks[k], 0, 'g', 4), ramp[k], ramp[k], LegendEntry::Box});
            layer = std::make_shared<RasterLayer>(std::move(image), r.extent(), std::move(legend), r.values, r.cols, r.rows, "value");
        } else {
            // A vector dataset: the named layer, or every layer of it (a results GeoPackage).
            // An OSM extract's roads are its "lines" layer (with name, ref and highway).
            const std::string ext = toLowerAscii(fs::path(e.path).extension().string());
            std::vector<std::string> names = !e.layer.empty()                 ? std::vector<std::string>{e.layer}
                                             : ext == ".pbf" || ext == ".osm" ? std::vector<std::string>{"lines"}
                                                                              : vectorLayerNames(e.path);
            for (const auto& name : names) {
                if (name == "run_info" || name == "layer_styles") continue;
                VectorData data = readVectorData(e.path, name, crs);
                if (data.kind == ShapeKind::None) continue;
                VectorStyle style = styleFor(e.role, name, e.label, &data);
                auto v = std::make_shared<VectorLayer>(std::move(data), std::move(style));
                v->name = QString::fromStdString(names.size() > 1 ? layerTitle(e.name, name) : e.name);
                v->role = QString::fromStdString(e.role);
                v->visible = e.visible;
                v->opacity = e.opacity;
                s->layers.push_back(v);
            }
            continue;
        }
        layer->name = QString::fromStdString(e.name);
        layer->role = QString::fromStdString(e.role);
        layer->visible = e.visible;
        layer->opacity = e.opacity;
        s->layers.push_back(layer);
    }
    if (!pf.roads.network.empty()) {
        // Road problem localities through the engine, into a cache folder.
        RoadsOptions ro;
        ro.network.path = pf.roads.network;
        ro.collisions = pf.roads.collisions;
        ro.complaints = pf.roads.complaints;
        if (!pf.roads.complaintColumns.empty()) ro.complaintMapping = ColumnMapping::parse(pf.roads.complaintColumns);
        ro.categories = &s->categories;
        ro.analysisCrs = crs;
        // One cache per session: sessions never read each other's half-replaced files.
        s->m_cacheDir = QDir(QStandardPaths::writableLocation(QStandardPaths::TempLocation))
                            .filePath(QString("hotspot-viewer-roads-%1-%2").arg(QCoreApplication::applicationPid()).arg(reinterpret_cast<quintptr>(s.get()), 0, 16))
                            .toStdString();
        ro.outDir = s->m_cacheDir;
        runRoads(ro, progress);
        const std::string gpkg = s->m_cacheDir + "/roads.gpkg";
        struct RoadLayer {
            const char *layer, *title, *role;
            bool visible;
        };
        const RoadLayer roadLayers[] = {{"road_lixels", "Road network density", "lixels", false},
                                        {"road_incidents", "Road collisions by severity", "road_collisions", false},
                                        {"road_casualties", "Road casualties by road user", "road_casualties", false},
                                        {"road_localities", "Road problem localities", "localities", true}};
        for (const auto& r : roadLayers) {
            VectorData data;
            try {
                data = readVectorData(gpkg, r.layer, crs);
            } catch (const Error&) {
                if (std::string(r.layer) == "road_casualties") continue;  // written only when a casualty table was found
                throw;
            }
            auto v = std::make_shared<VectorLayer>(std::move(data), styleFor("", r.layer, ""));
            v->name = r.title;
            v->role = r.role;
            v->visible = r.visible;
            s->layers.push_back(v);
        }
        s->notes.push_back("road problem localities computed with `hotspot roads` into " + s->m_cacheDir);
    }
    if (!pf.incidents.empty()) {
        s->incidents = loadIncidentSet(pf.incidents, pf.incidentColumns, crs, s->categories, progress);
        s->setSurface(computeSurface(s->incidents, s->initialRequest()));
        if (const std::string why = s->surface ? s->surface->emptyReason() : ""; !why.empty()) s->notes.push_back("warning: " + why);
        if (s->surface) s->notes.push_back(s->surface->ledger.format());
    }
    return s;
}

AnalysisRequest Session::initialRequest() const {
    AnalysisRequest r;
    for (size_t g = 0; g < incidents.groups.size(); ++g)
        if (incidents.groups[g] == project.group) r.group = static_cast<int>(g);
    // A typo must not quietly map all crime: the same rule as the engine's --group.
    if (r.group < 0 && !project.group.empty() && project.group != "all") {
        std::string known;
        for (const auto& g : incidents.groups) known += (known.empty() ? "" : ", ") + g;
        throwUsage("unknown group '" + project.group + "' (known: all, " + known + ")", {"", 0, "analysis.group"});
    }
    r.from = incidents.firstMonth;
    r.to = incidents.lastMonth;
    if (!project.from.empty()) r.from = MonthRange::parse(project.from, "from").from;
    if (!project.to.empty()) r.to = MonthRange::parse(project.to, "to").from;
    r.method = parseSurfaceMethod(project.method);
    r.cell = project.cell;
    r.bandwidth = project.bandwidth;
    r.validate(OptionNaming::prefixed("analysis."));
    return r;
}

void Session::insertAtSurfacePosition(std::shared_ptr<MapLayer> layer) {
    // Above the base layers (areas, roads, rasters of the project) and below every overlay.
    size_t at = 0;
    for (size_t i = 0; i < layers.size(); ++i)
        if (layers[i]->role == "areas" || layers[i]->role == "roads" || layers[i]->role == "surface" || layers[i]->role == "selection") at = i + 1;
    layers.insert(layers.begin() + static_cast<long>(at), std::move(layer));
}

void Session::setSurface(Surface s) {
    bool surfaceVisible = true, pointsVisible = false;
    for (auto it = layers.begin(); it != layers.end();) {
        if ((*it)->role == "surface") surfaceVisible = (*it)->visible;
        if ((*it)->role == "selection") pointsVisible = (*it)->visible;
        it = ((*it)->role == "surface" || (*it)->role == "selection") ? layers.erase(it) : it + 1;
    }
    auto raster = surfaceLayer(s, incidents.groups);
    raster->visible = surfaceVisible;
    insertAtSurfacePosition(raster);
    auto points = std::make_shared<PointLayer>(s.selectedX, s.selectedY, QColor(60, 30, 30));
    points->name = "Selected incidents";
    points->role = "selection";
    points->visible = pointsVisible;
    insertAtSurfacePosition(points);
    surface = std::move(s);
}

void Session::setSites(const SiteRecommendation& rec, double radius) {
    for (auto it = layers.begin(); it != layers.end();) it = (*it)->role == "sites" ? layers.erase(it) : it + 1;
    VectorData data;
    data.layer = "recommended_sites";
    data.fields = {"rank", "gain", "cumulative", "share_pct"};
    data.kind = ShapeKind::Polygon;
    for (size_t r = 0; r < rec.picks.size(); ++r) {
        const SiteCandidate& c = rec.candidates[rec.picks[r].candidate];
        VectorFeature f;
        f.fid = static_cast<int64_t>(r + 1);
        f.kind = ShapeKind::Polygon;
        f.parts.push_back(CoverageShape{c.x, c.y, radius}.ring(10));
        f.values = {std::to_string(r + 1), QString::number(rec.picks[r].gain, 'f', 2).toStdString(),
                    QString::number(rec.picks[r].cumulative, 'f', 2).toStdString(),
                    QString::number(rec.totalDemand > 0 ? 100 * rec.picks[r].cumulative / rec.totalDemand : 0, 'f', 1).toStdString()};
        data.extent = data.extent.united({c.x - radius, c.y - radius, c.x + radius, c.y + radius});
        data.features.push_back(std::move(f));
    }
    VectorStyle style;
    style.fill = QColor(0, 170, 90, 70);
    style.stroke = QColor(0, 120, 60);
    style.strokeWidth = 2;
    style.labelField = "rank";
    auto layer = std::make_shared<VectorLayer>(std::move(data), style);
    layer->name = "Recommended CCTV sites";
    layer->role = "sites";
    layers.push_back(layer);
}

std::vector<Camera> Session::cameras() const {
    std::vector<Camera> out;
    for (const auto& l : layers)
        if (auto c = std::dynamic_pointer_cast<CameraLayer>(l)) out.insert(out.end(), c->cameras().begin(), c->cameras().end());
    return out;
}

std::shared_ptr<MapLayer> Session::layerByName(const QString& name) const {
    for (const auto& l : layers)
        if (l->name == name) return l;
    return nullptr;
}

std::shared_ptr<MapLayer> Session::layerByRole(const QString& role) const {
    for (const auto& l : layers)
        if (l->role == role) return l;
    return nullptr;
}

Extent Session::fullExtent() const {
    // police.uk files hold a few incidents recorded far away (a Northamptonshire download has rows
    // in Wales): the incidents' extent leaves out the strays as the engine's grids do
    // (robustExtent), so they do not shrink the map to 1:900,000. Area layers count in full.
    Extent e = incidents.x.empty() ? Extent{0, 0, -1, -1} : robustExtent(incidents.x, incidents.y).extent;
    for (const auto& l : layers)
        if (l->role == "areas" || l->role == "priority") e = e.united(l->extent());
    if (e.empty())
        for (const auto& l : layers) e = e.united(l->extent());
    return e;
}

MapView Session::initialView(int width, int height) const {
    MapView v;
    v.width = width;
    v.height = height;
    // The project's extent, or the layer it fits; else the priority areas (that is where the
    // decisions are); else everything but the strays.
    Extent e = project.extent;
    if (!project.fit.empty()) {
        for (const auto& l : layers)
            if (l->name.toStdString() == project.fit) e = l->extent();
        if (e.empty()) throwUsage("no layer named '" + project.fit + "' to fit the map to", {project.path, 0, "fit"});
    }
    if (e.empty())
        for (const auto& l : layers)
            if (l->role == "priority") e = e.united(l->extent());
    v.zoomTo(e.empty() ? fullExtent() : e, 0.04);
    return v;
}

bool Session::selected(size_t i) const {
    if (!surface) return false;
    const AnalysisRequest& r = surface->request;
    return (r.group < 0 || incidents.group[i] == r.group) && incidents.month[i] >= r.from && incidents.month[i] <= r.to;
}

Session::Zone Session::nearRepeatZoneOfSelection() {
    Zone zone;
    if (!project.nearRepeat.empty()) {
        // The zone `hotspot near-repeat` found: the rows marked in_zone.
        std::ifstream in(project.nearRepeat);
        if (!in) throwInput("cannot read the near-repeat table", {project.nearRepeat, 0, "near_repeat"});
        std::string line;
        std::getline(in, line);
        auto split = [](const std::string& text) {
            std::vector<std::string> parts;
            std::stringstream ss(text);
            for (std::string part; std::getline(ss, part, ',');) parts.push_back(part);
            return parts;
        };
        const auto header = split(line);
        const auto column = [&](const char* name) {
            const auto it = std::find(header.begin(), header.end(), name);
            if (it == header.end()) throwInput(std::string("no column '") + name + "': not a near_repeat.csv of `hotspot near-repeat`", {project.nearRepeat, 1, name});
            return static_cast<size_t>(it - header.begin());
        };
        const size_t distanceColumn = column("distance_band"), timeColumn = column("time_band"), zoneColumn = column("in_zone");
        bool days = false;
        int lineNo = 1;
        while (std::getline(in, line)) {
            ++lineNo;
            const auto f = split(line);
            if (f.size() != header.size()) throwInput("wrong number of fields", {project.nearRepeat, lineNo, "in_zone"});
            if (f[zoneColumn] != "yes") continue;
            const double d = f[distanceColumn] == "same location" ? 0 : lastNumber(f[distanceColumn]);
            const int t = lastNumber(f[timeColumn]);
            if (d < 0 || t < 0) throwInput("cannot read the band '" + f[distanceColumn] + "' / '" + f[timeColumn] + "'", {project.nearRepeat, lineNo, "distance_band"});
            days = f[timeColumn].find("day") != std::string::npos;
            zone.distance = std::max(zone.distance, d);
            zone.months = std::max(zone.months, t);
        }
        zone.source = "from " + fs::path(project.nearRepeat).filename().string();
        // The viewer's incidents carry months: a zone in days covers the months it reaches into.
        if (days && zone.months >= 0) {
            zone.source += " (" + std::to_string(zone.months) + " days, as whole months)";
            zone.months = (zone.months + 29) / 30;
        }
        return zone;
    }
    // The Knox test of the current selection: same location, 100 m bands to 400 m, month bands 0-3,
    // 99 permutations; computed once per selection.
    const AnalysisRequest& r = surface->request;
    const std::string key = std::to_string(r.group) + ":" + std::to_string(r.from) + ":" + std::to_string(r.to);
    if (m_selectionZone && m_selectionZoneKey == key) return *m_selectionZone;
    std::vector<double> x, y;
    std::vector<int32_t> t;
    for (size_t i = 0; i < incidents.x.size(); ++i)
        if (selected(i)) x.push_back(incidents.x[i]), y.push_back(incidents.y[i]), t.push_back(incidents.month[i]);
    KnoxBands bands;
    bands.distanceEdges = {100, 200, 300, 400};
    bands.timeEdges = {0, 1, 2, 3};
    if (x.size() >= 3) {
        const NearRepeatZone z = nearRepeatZone(knoxTest(x, y, t, bands, 99, 12345), bands);
        zone.distance = z.distance;
        zone.months = z.time;
    }
    zone.source = "Knox test of the " + std::to_string(x.size()) + " selected incidents, 99 permutations";
    m_selectionZone = zone;
    m_selectionZoneKey = key;
    return zone;
}

std::optional<NearRepeatView> Session::showNearRepeatZone(double px, double py, double tolerance) {
    if (!surface) return std::nullopt;
    size_t nearest = incidents.x.size();
    double best = tolerance * tolerance;
    for (size_t i = 0; i < incidents.x.size(); ++i) {
        if (!selected(i)) continue;
        const double d2 = (incidents.x[i] - px) * (incidents.x[i] - px) + (incidents.y[i] - py) * (incidents.y[i] - py);
        if (d2 <= best) best = d2, nearest = i;
    }
    if (nearest == incidents.x.size()) return std::nullopt;
    const Zone zone = nearRepeatZoneOfSelection();
    NearRepeatView v;
    v.x = incidents.x[nearest];
    v.y = incidents.y[nearest];
    v.month = incidents.month[nearest];
    v.distance = zone.distance;
    v.months = zone.months;
    v.source = zone.source;
    for (auto it = layers.begin(); it != layers.end();) it = (*it)->role == "near_repeat" ? layers.erase(it) : it + 1;
    if (zone.distance < 0) return v;
    for (size_t i = 0; i < incidents.x.size(); ++i) {
        if (i == nearest || !selected(i) || incidents.month[i] < v.month || incidents.month[i] > v.month + zone.months) continue;
        const double dx = incidents.x[i] - v.x, dy = incidents.y[i] - v.y;
        if (zone.distance == 0 ? (dx == 0 && dy == 0) : dx * dx + dy * dy <= zone.distance * zone.distance) v.followers.push_back(i);
    }
    // The zone (a same-location zone is drawn as a 10 m circle so it can be seen), then the incidents in it.
    const double radius = std::max(zone.distance, 10.0);
    VectorData data;
    data.layer = "near_repeat_zone";
    data.fields = {"distance_m", "months", "incident_month", "later_incidents", "source"};
    data.kind = ShapeKind::Polygon;
    VectorFeature f;
    f.fid = 1;
    f.kind = ShapeKind::Polygon;
    f.parts.push_back(CoverageShape{v.x, v.y, radius}.ring(5));
    f.values = {std::to_string(static_cast<int>(zone.distance)), std::to_string(zone.months), formatMonth(v.month), std::to_string(v.followers.size()),
                zone.source};
    data.features.push_back(std::move(f));
    data.extent = {v.x - radius, v.y - radius, v.x + radius, v.y + radius};
    VectorStyle style;
    style.fill = QColor(230, 85, 13, 50);
    style.stroke = QColor(230, 85, 13);
    style.strokeWidth = 2;
    auto zoneLayer = std::make_shared<VectorLayer>(std::move(data), style);
    zoneLayer->name = "Near-repeat zone";
    zoneLayer->role = "near_repeat";
    layers.push_back(zoneLayer);
    std::vector<double> fx{v.x}, fy{v.y};
    for (size_t i : v.followers) fx.push_back(incidents.x[i]), fy.push_back(incidents.y[i]);
    auto points = std::make_shared<PointLayer>(std::move(fx), std::move(fy), QColor(166, 54, 3));
    points->name = "The incident and the later ones in its zone";
    points->role = "near_repeat";
    layers.push_back(points);
    return v;
}

std::optional<Identified> Session::identify(double x, double y, double tolerance) const {
    for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
        const MapLayer& layer = **it;
        if (!layer.visible) continue;
        auto attributes = layer.identify(x, y, tolerance);
        if (!attributes) continue;
        if ((layer.role == "priority" || layer.role == "areas") && surface) {
            // Counts of the current selection inside the polygon, a year before, and the interventions inside.
            const auto* vector = dynamic_cast<const VectorLayer*>(&layer);
            const int feature = vector ? vector->featureAt(x, y, tolerance) : -1;
            if (feature >= 0) {
                VectorLayer single(VectorData{vector->data().path, vector->data().layer, {}, ShapeKind::Polygon, {vector->data().features[static_cast<size_t>(feature)]}, {}},
                                   {});
                const AnalysisRequest& r = surface->request;
                int64_t now = 0, before = 0;
                for (size_t i = 0; i < incidents.x.size(); ++i) {
                    if (r.group >= 0 && incidents.group[i] != r.group) continue;
                    const bool inNow = incidents.month[i] >= r.from && incidents.month[i] <= r.to;
                    const bool inBefore = incidents.month[i] >= r.from - 12 && incidents.month[i] <= r.to - 12;
                    if ((inNow || inBefore) && single.featureAt(incidents.x[i], incidents.y[i], 0) >= 0) (inNow ? now : before) += 1;
                }
                const QString group = r.group >= 0 ? QString::fromStdString(incidents.groups[static_cast<size_t>(r.group)]) : "all groups";
                attributes->emplace_back("incidents (" + group + ", " + QString::fromStdString(formatMonth(r.from)) + " to " +
                                             QString::fromStdString(formatMonth(r.to)) + ")",
                                         QString::number(now));
                attributes->emplace_back("same months a year before", QString::number(before));
                attributes->emplace_back("change %", before > 0 ? QString::number(100.0 * (now - before) / before, 'f', 1) : QString("n/a"));
                QStringList inside;
                for (const auto& l : layers)
                    if (auto projects = std::dynamic_pointer_cast<ProjectLayer>(l))
                        for (size_t p = 0; p < projects->projects().size(); ++p) {
                            const VectorFeature& shape = projects->shapes()[p];
                            if (!shape.parts.empty() && single.featureAt(shape.parts[0][0].first, shape.parts[0][0].second, 0) >= 0)
                                inside << QString::fromStdString(projects->projects()[p].name);
                        }
                attributes->emplace_back("interventions inside", inside.isEmpty() ? QString("none") : inside.join("; "));
            }
        }
        return Identified{layer.name, std::move(*attributes)};
    }
    return std::nullopt;
}

}  // namespace hotspot::viewer
