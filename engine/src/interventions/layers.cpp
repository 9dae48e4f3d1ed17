// Reading CCTV cameras, street lights and intervention projects from CSV or any OGR layer.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "hotspot/area_layer.hpp"
#include "hotspot/crs.hpp"
#include "hotspot/error.hpp"
#include "hotspot/ingest.hpp"
#include "hotspot/interventions.hpp"
#include "hotspot/strings.hpp"
#include "io/gdal_util.hpp"

namespace hotspot {

InterventionSource InterventionSource::parse(const std::string& spec) {
    const AreaLayerSpec s = AreaLayerSpec::parse(spec);
    return {s.path, s.layer, ""};
}

namespace {

// One feature of a layer: its fields by (lower-case) name, and its position or geometry in the
// analysis CRS. A CSV's position comes from x/y (easting/northing) or lon/lat columns.
struct Row {
    int64_t line = 0;
    double x = std::numeric_limits<double>::quiet_NaN(), y = std::numeric_limits<double>::quiet_NaN();
    std::vector<unsigned char> wkb;
    std::string geometryType;
};

class FeatureSource {
public:
    FeatureSource(const InterventionSource& source, const std::string& analysisCrs, const char* what)
        : m_source(source), m_what(what), m_ds(openVector(source.path)) {
        m_layer = pickLayer(*m_ds, source.path, source.layer);
        m_defn = m_layer->GetLayerDefn();
        m_isCsv = iequals(m_ds->GetDriverName(), "CSV");
        m_hasGeometry = m_defn->GetGeomType() != wkbNone && !(m_isCsv && m_defn->GetGeomFieldCount() == 0);
        if (m_hasGeometry) {
            m_transform = layerToAnalysisTransform(*m_layer, source.srs, analysisCrs, source.path, what);
        } else {
            m_fx = field({"x", "easting"});
            m_fy = field({"y", "northing"});
            m_flon = field({"lon", "longitude", "long"});
            m_flat = field({"lat", "latitude"});
            if (m_fx >= 0 && m_fy >= 0) {
                m_fromTable = std::make_unique<CoordinateTransformer>(source.srs.empty() ? analysisCrs : source.srs, analysisCrs);
                m_xName = m_defn->GetFieldDefn(m_fx)->GetNameRef();
            } else if (m_flon >= 0 && m_flat >= 0) {
                m_fx = m_flon, m_fy = m_flat;
                m_fromTable = std::make_unique<CoordinateTransformer>("EPSG:4326", analysisCrs);
                m_xName = m_defn->GetFieldDefn(m_fx)->GetNameRef();
            } else {
                throwInput(fmt::format("the {} layer has no geometry and no x/y (easting/northing) or lon/lat columns", what),
                           {source.path, 1, "x"});
            }
        }
    }

    // Index of the first field with one of these names (case-insensitive), -1 if none.
    int field(std::initializer_list<const char*> names) const {
        for (const char* n : names)
            for (int i = 0; i < m_defn->GetFieldCount(); ++i)
                if (iequals(m_defn->GetFieldDefn(i)->GetNameRef(), n)) return i;
        return -1;
    }
    int requiredField(std::initializer_list<const char*> names) const {
        const int i = field(names);
        if (i >= 0) return i;
        std::string wanted, have;
        for (const char* n : names) wanted += (wanted.empty() ? "" : ", ") + std::string(n);
        for (int k = 0; k < m_defn->GetFieldCount(); ++k) have += (have.empty() ? "" : ", ") + std::string(m_defn->GetFieldDefn(k)->GetNameRef());
        throwInput(fmt::format("the {} layer needs a field named one of: {} (it has: {})", m_what, wanted, have), {m_source.path, 1, *names.begin()});
    }

    // Calls visit(feature, row) for every feature; rows with an unusable position are rejected.
    template <typename Visit>
    void forEach(bool pointsOnly, LayerRejects& rejects, Visit visit) {
        m_layer->ResetReading();
        for (FeaturePtr f(m_layer->GetNextFeature()); f; f.reset(m_layer->GetNextFeature())) {
            Row row;
            row.line = m_isCsv ? f->GetFID() + 1 : f->GetFID();
            if (m_hasGeometry) {
                OGRGeometry* g = f->GetGeometryRef();
                if (!g || g->IsEmpty()) {
                    rejects.rows.emplace_back(row.line, "geometry: empty");
                    continue;
                }
                std::unique_ptr<OGRGeometry> copy(g->clone());
                if (m_transform && copy->transform(m_transform.get()) != OGRERR_NONE) {
                    rejects.rows.emplace_back(row.line, "geometry: cannot be transformed");
                    continue;
                }
                const auto type = wkbFlatten(copy->getGeometryType());
                row.geometryType = OGRGeometryTypeToName(type);
                if (type == wkbPoint) {
                    row.x = copy->toPoint()->getX();
                    row.y = copy->toPoint()->getY();
                } else if (pointsOnly) {
                    rejects.rows.emplace_back(row.line, "geometry: expected a point, found a " + row.geometryType);
                    continue;
                }
                row.wkb.resize(copy->WkbSize());
                copy->exportToWkb(wkbNDR, row.wkb.data(), wkbVariantIso);
            } else {
                const std::string sx = f->GetFieldAsString(m_fx), sy = f->GetFieldAsString(m_fy);
                char* endX = nullptr;
                char* endY = nullptr;
                row.x = std::strtod(sx.c_str(), &endX);
                row.y = std::strtod(sy.c_str(), &endY);
                if (sx.empty() || sy.empty() || *endX || *endY || !std::isfinite(row.x) || !std::isfinite(row.y)) {
                    rejects.rows.emplace_back(row.line, fmt::format("{}: '{}', '{}' is not a position", m_xName, sx, sy));
                    continue;
                }
                if (!m_fromTable->transformPoint(row.x, row.y)) {
                    rejects.rows.emplace_back(row.line, fmt::format("{}: '{}', '{}' cannot be transformed", m_xName, sx, sy));
                    continue;
                }
                row.geometryType = "Point";
            }
            visit(*f, row);
        }
    }

    const std::string& path() const { return m_source.path; }

private:
    InterventionSource m_source;
    const char* m_what;
    DatasetPtr m_ds;
    OGRLayer* m_layer = nullptr;
    OGRFeatureDefn* m_defn = nullptr;
    bool m_isCsv = false, m_hasGeometry = false;
    int m_fx = -1, m_fy = -1, m_flon = -1, m_flat = -1;
    std::string m_xName;
    std::unique_ptr<OGRCoordinateTransformation> m_transform;
    std::unique_ptr<CoordinateTransformer> m_fromTable;
};

std::string text(OGRFeature& f, int field) {
    if (field < 0) return {};
    // OGR date fields (GeoPackage, GeoJSON) print as YYYY/MM/DD: give them as ISO dates.
    const OGRFieldType type = f.GetFieldDefnRef(field)->GetType();
    if ((type == OFTDate || type == OFTDateTime) && f.IsFieldSetAndNotNull(field)) {
        int y = 0, m = 0, d = 0, hh = 0, mm = 0, tz = 0;
        float ss = 0;
        f.GetFieldAsDateTime(field, &y, &m, &d, &hh, &mm, &ss, &tz);
        return fmt::format("{:04}-{:02}-{:02}", y, m, d);
    }
    return std::string(trim(f.GetFieldAsString(field)));
}

// A number field: NaN when absent or empty; false when present but not a number ("£12,000" is 12000).
bool number(OGRFeature& f, int field, double& value) {
    value = std::numeric_limits<double>::quiet_NaN();
    if (field < 0) return true;
    std::string s = text(f, field);
    s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == ',' || c == ' '; }), s.end());
    if (s.rfind("\xC2\xA3", 0) == 0) s = s.substr(2);  // a pound sign (UTF-8)
    if (s.empty()) return true;
    char* end = nullptr;
    value = std::strtod(s.c_str(), &end);
    return *end == 0 && std::isfinite(value);
}

}  // namespace

std::vector<Camera> readCameras(const InterventionSource& source, const std::string& analysisCrs, double defaultRange, LayerRejects& rejects) {
    FeatureSource layer(source, analysisCrs, "CCTV");
    const int id = layer.requiredField({"camera_id", "id", "ref", "asset_id"});
    const int name = layer.field({"name", "location", "description"});
    const int bearing = layer.field({"bearing", "direction", "azimuth"});
    const int fov = layer.field({"fov", "field_of_view", "view_angle"});
    const int range = layer.field({"range", "range_m", "radius", "view_range"});
    const int installed = layer.field({"installed", "install_date", "start_date", "date"});
    std::vector<Camera> out;
    layer.forEach(true, rejects, [&](OGRFeature& f, const Row& row) {
        Camera c;
        c.id = text(f, id);
        c.name = text(f, name);
        c.line = row.line;
        c.view.x = row.x;
        c.view.y = row.y;
        double b = 0, v = 0, r = 0;
        if (!number(f, bearing, b) || (std::isfinite(b) && (b < 0 || b > 360))) {
            rejects.rows.emplace_back(row.line, "bearing: '" + text(f, bearing) + "' is not 0-360 degrees");
            return;
        }
        if (!number(f, fov, v) || (std::isfinite(v) && (v <= 0 || v > 360))) {
            rejects.rows.emplace_back(row.line, "fov: '" + text(f, fov) + "' is not in (0, 360] degrees");
            return;
        }
        if (!number(f, range, r) || (std::isfinite(r) && r <= 0)) {
            rejects.rows.emplace_back(row.line, "range: '" + text(f, range) + "' is not a positive number of metres");
            return;
        }
        c.view.range = std::isfinite(r) ? r : defaultRange;
        c.view.bearing = b;
        c.view.fieldOfView = std::isfinite(v) ? v : 360;
        if (installed >= 0 && !text(f, installed).empty()) {
            auto d = parseDate(text(f, installed));
            if (!d) {
                rejects.rows.emplace_back(row.line, "installed: '" + text(f, installed) + "' is not a date");
                return;
            }
            c.installedMonth = d->first;
        }
        if (c.id.empty()) c.id = std::to_string(row.line);
        out.push_back(std::move(c));
    });
    return out;
}

double litRadiusOfLampType(const std::string& lampType) {
    // Typical lit radius of a residential column (6-8 m mounting height) by lamp family; see docs/cli/coverage.md.
    const std::string t = toLowerAscii(lampType);
    if (t.find("led") != std::string::npos) return 25;
    if (t.find("son") != std::string::npos || t.find("sodium") != std::string::npos || t.find("hps") != std::string::npos) return 20;
    if (t.find("sox") != std::string::npos || t.find("low pressure") != std::string::npos) return 15;
    if (t.find("cosmo") != std::string::npos || t.find("metal halide") != std::string::npos || t.find("cdm") != std::string::npos) return 25;
    return std::numeric_limits<double>::quiet_NaN();
}

std::vector<Light> readLights(const InterventionSource& source, const std::string& analysisCrs, double defaultRadius, LayerRejects& rejects) {
    FeatureSource layer(source, analysisCrs, "street light");
    const int id = layer.requiredField({"light_id", "id", "unit_id", "asset_id", "ref"});
    const int lamp = layer.field({"lamp_type", "lamp", "type"});
    const int radius = layer.field({"radius", "lit_radius", "lit_radius_m"});
    std::vector<Light> out;
    layer.forEach(true, rejects, [&](OGRFeature& f, const Row& row) {
        Light l;
        l.id = text(f, id);
        l.lampType = text(f, lamp);
        l.line = row.line;
        double r = 0;
        if (!number(f, radius, r) || (std::isfinite(r) && r <= 0)) {
            rejects.rows.emplace_back(row.line, "radius: '" + text(f, radius) + "' is not a positive number of metres");
            return;
        }
        if (!std::isfinite(r)) r = litRadiusOfLampType(l.lampType);
        if (!std::isfinite(r)) r = defaultRadius;
        l.lit.x = row.x;
        l.lit.y = row.y;
        l.lit.range = r;
        if (l.id.empty()) l.id = std::to_string(row.line);
        out.push_back(std::move(l));
    });
    return out;
}

std::vector<Project> readProjects(const InterventionSource& source, const std::string& analysisCrs, LayerRejects& rejects) {
    FeatureSource layer(source, analysisCrs, "intervention");
    const int id = layer.field({"id", "project_id", "ref"});
    const int name = layer.requiredField({"name", "project", "project_name"});
    const int category = layer.field({"category", "type"});
    const int round = layer.field({"round", "funding_round", "fund"});
    const int budget = layer.field({"budget", "budget_gbp", "cost"});
    const int start = layer.requiredField({"start", "start_date", "date", "installed"});
    std::vector<Project> out;
    layer.forEach(false, rejects, [&](OGRFeature& f, const Row& row) {
        Project p;
        p.name = text(f, name);
        p.id = id >= 0 ? text(f, id) : std::to_string(row.line);
        p.category = text(f, category);
        p.round = text(f, round);
        p.line = row.line;
        if (!number(f, budget, p.budget) || (std::isfinite(p.budget) && p.budget < 0)) {
            rejects.rows.emplace_back(row.line, "budget: '" + text(f, budget) + "' is not an amount in GBP");
            return;
        }
        auto d = parseDate(text(f, start));
        if (!d) {
            rejects.rows.emplace_back(row.line, "start: '" + text(f, start) + "' is not a date (YYYY-MM-DD, YYYY-MM or DD/MM/YYYY)");
            return;
        }
        p.startMonth = d->first;
        p.startDay = d->second;
        p.geometryType = row.geometryType;
        if (row.wkb.empty()) {
            OGRPoint pt(row.x, row.y);
            p.wkb.resize(pt.WkbSize());
            pt.exportToWkb(wkbNDR, p.wkb.data(), wkbVariantIso);
        } else {
            p.wkb = row.wkb;
        }
        out.push_back(std::move(p));
    });
    return out;
}

std::vector<SiteCandidate> readSiteCandidates(const InterventionSource& source, const std::string& analysisCrs, const std::string& costField,
                                              double defaultCost, LayerRejects& rejects) {
    FeatureSource layer(source, analysisCrs, "candidate site");
    const int id = layer.field({"id", "site_id", "ref", "camera_id", "name"});
    const int cost = costField.empty() ? -1 : layer.field({costField.c_str()});
    std::vector<SiteCandidate> out;
    layer.forEach(true, rejects, [&](OGRFeature& f, const Row& row) {
        SiteCandidate c;
        c.x = row.x;
        c.y = row.y;
        c.id = id >= 0 ? text(f, id) : std::to_string(row.line);
        double value = 0;
        if (!number(f, cost, value) || (std::isfinite(value) && value < 0)) {
            rejects.rows.emplace_back(row.line, costField + ": '" + text(f, cost) + "' is not a non-negative cost");
            return;
        }
        c.cost = std::isfinite(value) ? value : defaultCost;
        out.push_back(std::move(c));
    });
    return out;
}

}  // namespace hotspot
