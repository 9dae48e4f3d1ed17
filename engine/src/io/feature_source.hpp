#pragma once
// Point (or any geometry) layers the engine reads as tables: CCTV cameras, street lights,
// interventions, candidate sites, a previous road register. From a CSV the position comes from x/y
// (easting/northing, in `srs` or the analysis CRS) or lon/lat columns; from any other OGR layer from
// its geometry, transformed to the analysis CRS. Rows without a usable position are rejected.

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "hotspot/crs.hpp"
#include "hotspot/error.hpp"
#include "hotspot/layer_source.hpp"
#include "hotspot/strings.hpp"
#include "io/gdal_util.hpp"

namespace hotspot {

// One feature of a layer: its fields by (lower-case) name, and its position or geometry in the
// analysis CRS. A CSV's position comes from x/y (easting/northing) or lon/lat columns.
struct FeatureRow {
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
            FeatureRow row;
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

inline std::string fieldText(OGRFeature& f, int field) {
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
inline bool fieldNumber(OGRFeature& f, int field, double& value) {
    value = std::numeric_limits<double>::quiet_NaN();
    if (field < 0) return true;
    std::string s = fieldText(f, field);
    s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == ',' || c == ' '; }), s.end());
    if (s.rfind("\xC2\xA3", 0) == 0) s = s.substr(2);  // a pound sign (UTF-8)
    if (s.empty()) return true;
    char* end = nullptr;
    value = std::strtod(s.c_str(), &end);
    return *end == 0 && std::isfinite(value);
}

}  // namespace hotspot
