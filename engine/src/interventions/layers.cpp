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
#include "io/feature_source.hpp"
#include "io/gdal_util.hpp"

namespace hotspot {

InterventionSource InterventionSource::parse(const std::string& spec) {
    const AreaLayerSpec s = AreaLayerSpec::parse(spec);
    return {s.path, s.layer, ""};
}

std::vector<Camera> readCameras(const InterventionSource& source, const std::string& analysisCrs, double defaultRange, LayerRejects& rejects) {
    FeatureSource layer(source, analysisCrs, "CCTV");
    const int id = layer.requiredField({"camera_id", "id", "ref", "asset_id"});
    const int name = layer.field({"name", "location", "description"});
    const int bearing = layer.field({"bearing", "direction", "azimuth"});
    const int fov = layer.field({"fov", "field_of_view", "view_angle"});
    const int range = layer.field({"range", "range_m", "radius", "view_range"});
    const int installed = layer.field({"installed", "install_date", "start_date", "date"});
    std::vector<Camera> out;
    layer.forEach(true, rejects, [&](OGRFeature& f, const FeatureRow& row) {
        Camera c;
        c.id = fieldText(f, id);
        c.name = fieldText(f, name);
        c.line = row.line;
        c.view.x = row.x;
        c.view.y = row.y;
        double b = 0, v = 0, r = 0;
        if (!fieldNumber(f, bearing, b) || (std::isfinite(b) && (b < 0 || b > 360))) {
            rejects.rows.emplace_back(row.line, "bearing: '" + fieldText(f, bearing) + "' is not 0-360 degrees");
            return;
        }
        if (!fieldNumber(f, fov, v) || (std::isfinite(v) && (v <= 0 || v > 360))) {
            rejects.rows.emplace_back(row.line, "fov: '" + fieldText(f, fov) + "' is not in (0, 360] degrees");
            return;
        }
        if (!fieldNumber(f, range, r) || (std::isfinite(r) && r <= 0)) {
            rejects.rows.emplace_back(row.line, "range: '" + fieldText(f, range) + "' is not a positive number of metres");
            return;
        }
        c.view.range = std::isfinite(r) ? r : defaultRange;
        c.view.bearing = b;
        c.view.fieldOfView = std::isfinite(v) ? v : 360;
        if (installed >= 0 && !fieldText(f, installed).empty()) {
            auto d = parseDate(fieldText(f, installed));
            if (!d) {
                rejects.rows.emplace_back(row.line, "installed: '" + fieldText(f, installed) + "' is not a date");
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
    layer.forEach(true, rejects, [&](OGRFeature& f, const FeatureRow& row) {
        Light l;
        l.id = fieldText(f, id);
        l.lampType = fieldText(f, lamp);
        l.line = row.line;
        double r = 0;
        if (!fieldNumber(f, radius, r) || (std::isfinite(r) && r <= 0)) {
            rejects.rows.emplace_back(row.line, "radius: '" + fieldText(f, radius) + "' is not a positive number of metres");
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
    layer.forEach(false, rejects, [&](OGRFeature& f, const FeatureRow& row) {
        Project p;
        p.name = fieldText(f, name);
        p.id = id >= 0 ? fieldText(f, id) : std::to_string(row.line);
        p.category = fieldText(f, category);
        p.round = fieldText(f, round);
        p.line = row.line;
        if (!fieldNumber(f, budget, p.budget) || (std::isfinite(p.budget) && p.budget < 0)) {
            rejects.rows.emplace_back(row.line, "budget: '" + fieldText(f, budget) + "' is not an amount in GBP");
            return;
        }
        auto d = parseDate(fieldText(f, start));
        if (!d) {
            rejects.rows.emplace_back(row.line, "start: '" + fieldText(f, start) + "' is not a date (YYYY-MM-DD, YYYY-MM or DD/MM/YYYY)");
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
    layer.forEach(true, rejects, [&](OGRFeature& f, const FeatureRow& row) {
        SiteCandidate c;
        c.x = row.x;
        c.y = row.y;
        c.id = id >= 0 ? fieldText(f, id) : std::to_string(row.line);
        double value = 0;
        if (!fieldNumber(f, cost, value) || (std::isfinite(value) && value < 0)) {
            rejects.rows.emplace_back(row.line, costField + ": '" + fieldText(f, cost) + "' is not a non-negative cost");
            return;
        }
        c.cost = std::isfinite(value) ? value : defaultCost;
        out.push_back(std::move(c));
    });
    return out;
}

}  // namespace hotspot
