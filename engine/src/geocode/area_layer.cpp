#include "hotspot/area_layer.hpp"
#include "hotspot/ons_geography.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <fmt/format.h>

#include "core/geos_context.hpp"
#include "core/point_hash.hpp"
#include "core/thread_pool.hpp"
#include "hotspot/error.hpp"
#include "hotspot/strings.hpp"
#include "io/gdal_util.hpp"

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace hotspot {

AreaLayerSpec AreaLayerSpec::parse(const std::string& spec) {
    AreaLayerSpec s;
    std::string rest = spec;
    size_t eq = spec.find('=');
    if (eq != std::string::npos && spec.find('/') > eq && spec.find('|') > eq) {
        s.label = spec.substr(0, eq);
        rest = spec.substr(eq + 1);
    }
    // Options after '|' (the QGIS/GDAL form): "|layername=NAME" (needed for PG: connection strings)
    // and "|srs=CRS" for a layer without a CRS (a Shapefile without .prj, a GeoJSON in BNG).
    for (size_t bar = rest.rfind('|'); bar != std::string::npos; bar = rest.rfind('|')) {
        const std::string option = rest.substr(bar + 1);
        if (option.rfind("layername=", 0) == 0) s.layer = option.substr(10);
        else if (option.rfind("srs=", 0) == 0) s.srs = option.substr(4);
        else throwUsage("unknown layer option '" + option + "' in '" + spec + "' (layername=, srs=)");
        rest = rest.substr(0, bar);
    }
    // "path:layer", unless the whole text is an existing file (a path may hold a colon), a Windows
    // drive or a PG: connection string.
    size_t colon = rest.rfind(':');
    std::error_code ec;
    if (s.layer.empty() && colon != std::string::npos && colon > 1 && rest.rfind("PG:", 0) != 0 && !std::filesystem::exists(rest, ec)) {
        s.path = rest.substr(0, colon);
        s.layer = rest.substr(colon + 1);
    } else {
        s.path = rest;
    }
    if (s.label.empty()) s.label = !s.layer.empty() ? s.layer : std::filesystem::path(s.path).stem().string();
    for (char& c : s.label)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return s;
}

std::vector<std::vector<AreaLayerSpec>> groupByLabel(const std::vector<AreaLayerSpec>& specs) {
    std::vector<std::vector<AreaLayerSpec>> grouped;
    for (const auto& spec : specs) {
        auto it = std::find_if(grouped.begin(), grouped.end(), [&](const auto& g) { return g[0].label == spec.label; });
        if (it == grouped.end()) grouped.push_back({spec});
        else it->push_back(spec);
    }
    return grouped;
}

namespace {

using Box = bg::model::box<bg::model::point<double, 2, bg::cs::cartesian>>;
using BoxPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using TreeValue = std::pair<Box, uint32_t>;

// Prepared geometries belong to one thread: GEOS builds their indexes lazily, which is not thread-safe.
struct WorkerState {
    std::unique_ptr<GeosContext> ctx;
    std::vector<const GEOSPreparedGeometry*> prepared;
};

}  // namespace

struct AreaLayer::Impl {
    std::string label, codeField, nameField;
    OnsGeography geography;
    std::vector<std::string> codes, names;
    std::vector<double> areas;
    std::vector<double> values;
    std::vector<std::string> notes;
    GeosContext ctx;  // owns the geometries
    std::vector<GEOSGeometry*> geoms;
    bgi::rtree<TreeValue, bgi::quadratic<16>> tree;
    std::vector<TreeValue> boxes;  // while loading: each polygon's box, for the tree
    mutable std::mutex mutex;
    mutable std::vector<std::unique_ptr<WorkerState>> workers;

    // One polygon into the layer (takes `geom`); see the definition.
    void addPolygon(GEOSGeometry* geom, std::string code, std::string name, double value, const std::string& where, int64_t fid);
    // The R-tree, the ONS geography, and the notes on duplicate codes and overlaps.
    void finish(const std::string& where);

    ~Impl() {
        for (auto& w : workers)
            if (w)
                for (auto* p : w->prepared) GEOSPreparedGeom_destroy_r(w->ctx->handle(), p);
        for (auto* g : geoms) GEOSGeom_destroy_r(ctx.handle(), g);
    }

    WorkerState& worker(unsigned index) const {
        std::lock_guard lock(mutex);
        while (workers.size() <= index) workers.emplace_back();
        auto& w = workers[index];
        if (!w) {
            w = std::make_unique<WorkerState>();
            w->ctx = std::make_unique<GeosContext>();
            w->prepared.reserve(geoms.size());
            for (auto* g : geoms) w->prepared.push_back(w->ctx->check(GEOSPrepare_r(w->ctx->handle(), g), "prepare"));
        }
        return *w;
    }

    // Polygons of `layer` (this one or another) whose boxes meet the box of polygon i of this one.
    std::vector<TreeValue> candidates(uint32_t i, const Impl& layer) const {
        double xmin, ymin, xmax, ymax;
        GEOSGeom_getXMin_r(ctx.handle(), geoms[i], &xmin);
        GEOSGeom_getYMin_r(ctx.handle(), geoms[i], &ymin);
        GEOSGeom_getXMax_r(ctx.handle(), geoms[i], &xmax);
        GEOSGeom_getYMax_r(ctx.handle(), geoms[i], &ymax);
        std::vector<TreeValue> hits;
        layer.tree.query(bgi::intersects(Box(BoxPoint(xmin, ymin), BoxPoint(xmax, ymax))), std::back_inserter(hits));
        return hits;
    }

    int32_t locate(WorkerState& w, double x, double y, std::vector<TreeValue>& hits) const {
        if (!std::isfinite(x) || !std::isfinite(y)) return -1;
        hits.clear();
        tree.query(bgi::intersects(BoxPoint(x, y)), std::back_inserter(hits));
        if (hits.empty()) return -1;
        std::sort(hits.begin(), hits.end(), [](const TreeValue& a, const TreeValue& b) { return a.second < b.second; });
        const GeosGeometryPtr point = w.ctx->own(GEOSGeom_createPointFromXY_r(w.ctx->handle(), x, y), "point");
        for (const auto& hit : hits)
            if (GEOSPreparedCovers_r(w.ctx->handle(), w.prepared[hit.second], point.get()) == 1) return static_cast<int32_t>(hit.second);
        return -1;
    }
};

AreaLayer::AreaLayer() : m_impl(std::make_unique<Impl>()) {}
AreaLayer::AreaLayer(AreaLayer&&) noexcept = default;
AreaLayer& AreaLayer::operator=(AreaLayer&&) noexcept = default;
AreaLayer::~AreaLayer() = default;

const std::string& AreaLayer::label() const { return m_impl->label; }
const std::string& AreaLayer::codeField() const { return m_impl->codeField; }
const std::string& AreaLayer::nameField() const { return m_impl->nameField; }
size_t AreaLayer::size() const { return m_impl->geoms.size(); }
const std::string& AreaLayer::code(size_t i) const { return m_impl->codes[i]; }
const std::string& AreaLayer::name(size_t i) const { return m_impl->names[i]; }
double AreaLayer::areaSquareMetres(size_t i) const { return m_impl->areas[i]; }
double AreaLayer::value(size_t i) const { return m_impl->values[i]; }

void AreaLayer::bounds(double& minX, double& minY, double& maxX, double& maxY) const {
    auto box = m_impl->tree.bounds();
    minX = box.min_corner().get<0>();
    minY = box.min_corner().get<1>();
    maxX = box.max_corner().get<0>();
    maxY = box.max_corner().get<1>();
}
const std::vector<std::string>& AreaLayer::notes() const { return m_impl->notes; }

std::vector<unsigned char> AreaLayer::wkb(size_t i) const {
    return m_impl->ctx.toWkb(m_impl->geoms[i]);
}

namespace {

int pickField(OGRFeatureDefn* defn, const std::string& forced, bool wantCode, const std::string& path) {
    if (!forced.empty()) {
        int i = defn->GetFieldIndex(forced.c_str());
        if (i < 0) throwInput("field '" + forced + "' is not in the area layer", {path, 0, forced});
        return i;
    }
    // Preferred names first, then suffix conventions of ONS/OS layers (LSOA11CD, WD13NM ...).
    const char* exact[] = {wantCode ? "code" : "name", wantCode ? "area_code" : "area_name", wantCode ? "id" : "label"};
    for (const char* e : exact)
        for (int i = 0; i < defn->GetFieldCount(); ++i)
            if (iequals(defn->GetFieldDefn(i)->GetNameRef(), e)) return i;
    // ONS field names next (LSOA21CD, WD22NM). Files that also carry their parents' codes
    // (LSOA21CD, WD22CD, LAD22CD, in any order) are about the finest of them.
    int best = -1, bestRank = 1 << 20;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        const OnsGeography g = onsGeographyOfField(defn->GetFieldDefn(i)->GetNameRef(), wantCode);
        if (!g.known()) continue;
        const int rank = onsGeographyRank(g.entity);
        if (rank < bestRank) best = i, bestRank = rank;
    }
    if (best >= 0) return best;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        std::string n = toLowerAscii(defn->GetFieldDefn(i)->GetNameRef());
        if (wantCode && (n.ends_with("cd") || n.ends_with("_code") || n.ends_with("code"))) return i;
        if (!wantCode && (n.ends_with("nm") || n.ends_with("_name") || n.ends_with("name"))) return i;
    }
    return -1;
}

}  // namespace

namespace {

bool isPolygonal(OGRwkbGeometryType type) {
    const auto flat = wkbFlatten(type);
    return flat == wkbPolygon || flat == wkbMultiPolygon || flat == wkbCurvePolygon || flat == wkbMultiSurface;
}

// The layer an area spec names; with none named, the dataset's only polygon layer. A GeoPackage
// holding several polygon layers is refused with their names: picking the first would be a guess.
OGRLayer* pickAreaLayer(GDALDataset& ds, const AreaLayerSpec& spec) {
    if (!spec.layer.empty() || ds.GetLayerCount() <= 1) return pickLayer(ds, spec.path, spec.layer);
    std::vector<OGRLayer*> polygonal;
    for (int i = 0; i < ds.GetLayerCount(); ++i)
        if (isPolygonal(ds.GetLayer(i)->GetGeomType())) polygonal.push_back(ds.GetLayer(i));
    if (polygonal.size() == 1) return polygonal.front();
    if (polygonal.empty()) return pickLayer(ds, spec.path, spec.layer);  // the first: its features say what is wrong
    std::string names;
    for (OGRLayer* l : polygonal) names += (names.empty() ? "" : ", ") + std::string(l->GetName());
    throwInput(fmt::format("the dataset holds {} polygon layers ({}); name one as PATH:LAYER", polygonal.size(), names), {spec.path, 0, "layer"});
}

std::string firstFew(const std::vector<std::string>& items, size_t n = 5) {
    std::string out;
    for (size_t k = 0; k < items.size() && k < n; ++k) out += (k ? ", " : "") + items[k];
    if (items.size() > n) out += ", ...";
    return out;
}

}  // namespace

// Codes used by more than one polygon, and polygons whose interiors overlap: both make counts per
// area ambiguous (an incident in an overlap is counted in one of them only), so both are reported.
void AreaLayer::reportDuplicatesAndOverlaps(Impl& impl, const std::string& path) {
    std::map<std::string, int> uses;
    for (const auto& code : impl.codes) ++uses[code];
    std::vector<std::string> duplicated;
    for (const auto& [code, n] : uses)
        if (n > 1) duplicated.push_back(fmt::format("{} ({}x)", code, n));
    if (!duplicated.empty())
        impl.notes.push_back(fmt::format("{}: {} area codes are used by more than one polygon: {}", path, duplicated.size(), firstFew(duplicated)));
    constexpr size_t kMaxForOverlapCheck = 20000;
    if (impl.geoms.size() > kMaxForOverlapCheck) {
        impl.notes.push_back(fmt::format("{}: overlap check skipped ({} polygons, more than {})", path, impl.geoms.size(), kMaxForOverlapCheck));
        return;
    }
    GEOSContextHandle_t h = impl.ctx.handle();
    std::vector<std::string> overlapping;
    for (uint32_t i = 0; i < impl.geoms.size(); ++i) {
        double xmin, ymin, xmax, ymax;
        GEOSGeom_getXMin_r(h, impl.geoms[i], &xmin);
        GEOSGeom_getYMin_r(h, impl.geoms[i], &ymin);
        GEOSGeom_getXMax_r(h, impl.geoms[i], &xmax);
        GEOSGeom_getYMax_r(h, impl.geoms[i], &ymax);
        std::vector<TreeValue> hits;
        impl.tree.query(bgi::intersects(Box(BoxPoint(xmin, ymin), BoxPoint(xmax, ymax))), std::back_inserter(hits));
        const GEOSPreparedGeometry* prepared = nullptr;
        for (const auto& hit : hits) {
            const uint32_t j = hit.second;
            if (j <= i) continue;
            if (!prepared) prepared = impl.ctx.check(GEOSPrepare_r(h, impl.geoms[i]), "prepare");
            // Neighbours touch along their boundary; only a shared interior (an area) is an overlap.
            if (GEOSPreparedIntersects_r(h, prepared, impl.geoms[j]) == 1 && GEOSRelatePattern_r(h, impl.geoms[i], impl.geoms[j], "2********") == 1)
                overlapping.push_back(impl.codes[i] + " / " + impl.codes[j]);
        }
        if (prepared) GEOSPreparedGeom_destroy_r(h, prepared);
    }
    if (!overlapping.empty())
        impl.notes.push_back(fmt::format("{}: {} pairs of polygons overlap (an incident in an overlap is counted in one of them only): {}", path,
                                         overlapping.size(), firstFew(overlapping)));
}

// One polygon into the layer (takes `geom`): repaired with GEOS MakeValid when invalid (its
// polygonal part kept), skipped with a note when empty after repair, indexed by its box.
void AreaLayer::Impl::addPolygon(GEOSGeometry* geom, std::string code, std::string name, double value, const std::string& where, int64_t fid) {
    Impl& impl = *this;
    GEOSContextHandle_t h = impl.ctx.handle();
    if (GEOSisValid_r(h, geom) != 1) {
        char* reason = GEOSisValidReason_r(h, geom);
        GEOSGeometry* fixed = GEOSMakeValid_r(h, geom);
        // MakeValid may return a collection with lines or points: keep the polygonal part.
        GEOSGeometry* polygonal = nullptr;
        if (fixed && GEOSGeomTypeId_r(h, fixed) == GEOS_GEOMETRYCOLLECTION) {
            std::vector<GEOSGeometry*> parts;
            for (int k = 0; k < GEOSGetNumGeometries_r(h, fixed); ++k) {
                const GEOSGeometry* part = GEOSGetGeometryN_r(h, fixed, k);
                int t = GEOSGeomTypeId_r(h, part);
                if (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON) parts.push_back(GEOSGeom_clone_r(h, part));
            }
            GEOSGeometry* collection = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts.data(), static_cast<unsigned>(parts.size()));
            polygonal = GEOSUnaryUnion_r(h, collection);
            GEOSGeom_destroy_r(h, collection);
            GEOSGeom_destroy_r(h, fixed);
        } else {
            polygonal = fixed;
        }
        impl.notes.push_back(fmt::format("{}: feature {} ({}) was invalid ({}): repaired with GEOS MakeValid", where, fid, code,
                                         reason ? reason : "unknown reason"));
        if (reason) GEOSFree_r(h, reason);
        GEOSGeom_destroy_r(h, geom);
        geom = polygonal;
        if (!geom || GEOSisEmpty_r(h, geom) == 1) {
            impl.notes.push_back(fmt::format("{}: feature {} ({}) is empty after repair: skipped", where, fid, code));
            if (geom) GEOSGeom_destroy_r(h, geom);
            return;
        }
    }
    double xmin, ymin, xmax, ymax, area = 0;
    GEOSGeom_getXMin_r(h, geom, &xmin);
    GEOSGeom_getYMin_r(h, geom, &ymin);
    GEOSGeom_getXMax_r(h, geom, &xmax);
    GEOSGeom_getYMax_r(h, geom, &ymax);
    GEOSArea_r(h, geom, &area);
    auto index = static_cast<uint32_t>(impl.geoms.size());
    boxes.emplace_back(Box(BoxPoint(xmin, ymin), BoxPoint(xmax, ymax)), index);
    impl.geoms.push_back(geom);
    impl.codes.push_back(std::move(code));
    impl.names.push_back(std::move(name));
    impl.areas.push_back(area);
    impl.values.push_back(value);
}

void AreaLayer::Impl::finish(const std::string& where) {
    geography = onsGeographyOfField(codeField);
    if (!geography.known()) geography = onsGeographyOfCodes(codes);
    tree = bgi::rtree<TreeValue, bgi::quadratic<16>>(boxes.begin(), boxes.end());
    boxes = {};
    AreaLayer::reportDuplicatesAndOverlaps(*this, where);
}

AreaLayer AreaLayer::load(const AreaLayerSpec& spec, const std::string& analysisCrs) {
    return load(std::vector<AreaLayerSpec>{spec}, analysisCrs);
}

std::vector<AreaLayer> AreaLayer::loadEach(const std::vector<AreaLayerSpec>& specs, const std::string& analysisCrs) {
    std::vector<AreaLayer> layers;
    for (const auto& parts : groupByLabel(specs)) layers.push_back(load(parts, analysisCrs));
    return layers;
}

std::vector<AreaLayerSpec> AreaLayer::asOneLayer(std::vector<AreaLayerSpec> specs, const std::string& label) {
    for (auto& s : specs) s.label = label;
    return specs;
}

AreaLayer AreaLayer::load(const std::vector<AreaLayerSpec>& parts, const std::string& analysisCrs) {
    for (const auto& p : parts)
        if (p.label != parts.at(0).label)
            throwUsage("area layers '" + parts[0].label + "' and '" + p.label + "' were given where one layer is read; give one, or the same " +
                       "label to parts of one layer (LABEL=PATH)");
    AreaLayer out;
    Impl& impl = *out.m_impl;
    impl.label = parts.at(0).label;
    GEOSContextHandle_t h = impl.ctx.handle();
    // Owned by a unique_ptr: the loop below throws for unusable layers.
    auto readerDeleter = [h](GEOSWKBReader* r) { GEOSWKBReader_destroy_r(h, r); };
    std::unique_ptr<GEOSWKBReader, decltype(readerDeleter)> readerOwner(impl.ctx.check(GEOSWKBReader_create_r(h), "WKB reader"), readerDeleter);
    GEOSWKBReader* reader = readerOwner.get();
    for (const AreaLayerSpec& spec : parts) {
        DatasetPtr ds = openVector(spec.path);
        OGRLayer* layer = pickAreaLayer(*ds, spec);
        OGRFeatureDefn* defn = layer->GetLayerDefn();
        const int codeIdx = pickField(defn, spec.codeField, true, spec.path);
        int valueIdx = -1;
        if (!spec.valueField.empty()) {
            valueIdx = defn->GetFieldIndex(spec.valueField.c_str());
            if (valueIdx < 0) throwInput("field '" + spec.valueField + "' is not in the area layer", {spec.path, 0, spec.valueField});
        }
        int nameIdx = -1;
        // The name that goes with an ONS code field: LSOA21CD -> LSOA21NM (not the Welsh LSOA21NMW).
        if (spec.nameField.empty() && codeIdx >= 0 && onsGeographyOfField(defn->GetFieldDefn(codeIdx)->GetNameRef()).known()) {
            std::string code = defn->GetFieldDefn(codeIdx)->GetNameRef();
            nameIdx = defn->GetFieldIndex((code.substr(0, code.size() - 2) + (code.back() == 'd' ? "nm" : "NM")).c_str());
        }
        if (nameIdx < 0) nameIdx = pickField(defn, spec.nameField, false, spec.path);
        impl.codeField = codeIdx >= 0 ? defn->GetFieldDefn(codeIdx)->GetNameRef() : "fid";
        impl.nameField = nameIdx >= 0 ? defn->GetFieldDefn(nameIdx)->GetNameRef() : impl.codeField;

        const auto transform = layerToAnalysisTransform(*layer, spec.srs, analysisCrs, spec.path, "area layer");

        for (FeaturePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
            const GIntBig fid = f->GetFID();
            std::string code = codeIdx >= 0 ? f->GetFieldAsString(codeIdx) : std::to_string(fid);
            std::string name = nameIdx >= 0 ? f->GetFieldAsString(nameIdx) : code;
            OGRGeometry* g = f->GetGeometryRef();
            if (!g || g->IsEmpty()) {
                impl.notes.push_back(fmt::format("{}: feature {} ({}) has no geometry or an empty one: skipped", spec.path, fid, code));
                continue;
            }
            auto type = wkbFlatten(g->getGeometryType());
            if (type != wkbPolygon && type != wkbMultiPolygon && type != wkbCurvePolygon && type != wkbMultiSurface)
                throwInput(fmt::format("layer '{}' is not a polygon layer: feature {} is a {}", layer->GetName(), fid, OGRGeometryTypeToName(type)),
                           {spec.path, fid, "geometry"});
            std::unique_ptr<OGRGeometry> copy(g->clone());
            if (type == wkbCurvePolygon || type == wkbMultiSurface) copy.reset(copy->getLinearGeometry());
            if (transform && copy->transform(transform.get()) != OGRERR_NONE)
                throwInput(fmt::format("feature {} cannot be transformed to {}", fid, analysisCrs), {spec.path, fid, "geometry"});
            std::vector<unsigned char> bytes(copy->WkbSize());
            copy->exportToWkb(wkbNDR, bytes.data(), wkbVariantIso);
            GEOSGeometry* geom = GEOSWKBReader_read_r(h, reader, bytes.data(), bytes.size());
            if (!geom) throwInput(fmt::format("feature {} geometry cannot be read by GEOS: {}", fid, impl.ctx.lastError()), {spec.path, fid, "geometry"});
            impl.addPolygon(geom, std::move(code), std::move(name), valueIdx >= 0 && f->IsFieldSetAndNotNull(valueIdx) ? f->GetFieldAsDouble(valueIdx) : NAN,
                            spec.path, fid);
        }
    }
    if (impl.geoms.empty()) throwInput("area layer has no usable polygons", {parts[0].path});
    impl.finish(parts[0].path);
    return out;
}

AreaLayer AreaLayer::fromFeatures(const std::string& label, const std::vector<AreaFeature>& features) {
    AreaLayer out;
    Impl& impl = *out.m_impl;
    impl.label = label;
    impl.codeField = "code";
    impl.nameField = "name";
    GEOSContextHandle_t h = impl.ctx.handle();
    const std::string where = "(in memory) " + label;
    auto readerDeleter = [h](GEOSWKBReader* r) { GEOSWKBReader_destroy_r(h, r); };
    std::unique_ptr<GEOSWKBReader, decltype(readerDeleter)> wkb(impl.ctx.check(GEOSWKBReader_create_r(h), "WKB reader"), readerDeleter);
    auto wktDeleter = [h](GEOSWKTReader* r) { GEOSWKTReader_destroy_r(h, r); };
    std::unique_ptr<GEOSWKTReader, decltype(wktDeleter)> wkt(impl.ctx.check(GEOSWKTReader_create_r(h), "WKT reader"), wktDeleter);
    for (size_t i = 0; i < features.size(); ++i) {
        const AreaFeature& f = features[i];
        const auto fid = static_cast<int64_t>(i + 1);
        if (f.wkb.empty() == f.wkt.empty()) throwInput("give each area either WKB or WKT", {where, fid, "geometry"});
        GEOSGeometry* geom = f.wkb.empty() ? GEOSWKTReader_read_r(h, wkt.get(), f.wkt.c_str()) : GEOSWKBReader_read_r(h, wkb.get(), f.wkb.data(), f.wkb.size());
        if (!geom) throwInput(fmt::format("area {} ({}) is not a geometry GEOS can read: {}", fid, f.code, impl.ctx.lastError()), {where, fid, "geometry"});
        const int type = GEOSGeomTypeId_r(h, geom);
        if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON) {
            GEOSGeom_destroy_r(h, geom);
            throwInput(fmt::format("area {} ({}) is not a polygon or multipolygon", fid, f.code), {where, fid, "geometry"});
        }
        if (GEOSisEmpty_r(h, geom) == 1) {
            impl.notes.push_back(fmt::format("{}: area {} ({}) is empty: skipped", where, fid, f.code));
            GEOSGeom_destroy_r(h, geom);
            continue;
        }
        impl.addPolygon(geom, f.code.empty() ? std::to_string(fid) : f.code, f.name.empty() ? f.code : f.name, f.value, where, fid);
    }
    if (impl.geoms.empty()) throwInput("no usable polygons among the areas given", {where});
    impl.finish(where);
    return out;
}

std::vector<std::vector<uint32_t>> AreaLayer::contiguity(bool rook) const {
    GEOSContextHandle_t h = m_impl->ctx.handle();
    std::vector<std::vector<uint32_t>> out(size());
    for (uint32_t i = 0; i < size(); ++i) {
        const std::vector<TreeValue> hits = m_impl->candidates(i, *m_impl);
        const GEOSPreparedGeometry* prepared = m_impl->ctx.check(GEOSPrepare_r(h, m_impl->geoms[i]), "prepare");
        for (const auto& hit : hits) {
            const uint32_t j = hit.second;
            if (j == i || GEOSPreparedIntersects_r(h, prepared, m_impl->geoms[j]) != 1) continue;
            // Rook: the shared boundary must contain a line, not only points.
            if (rook && GEOSRelatePattern_r(h, m_impl->geoms[i], m_impl->geoms[j], "****1****") != 1 &&
                GEOSRelatePattern_r(h, m_impl->geoms[i], m_impl->geoms[j], "T********") != 1)
                continue;
            out[i].push_back(j);
        }
        GEOSPreparedGeom_destroy_r(h, prepared);
        std::sort(out[i].begin(), out[i].end());
    }
    return out;
}

const OnsGeography& AreaLayer::geography() const { return m_impl->geography; }

double AreaLayer::distanceTo(size_t i, double x, double y) const { return distanceTo(i, x, y, 0); }

double AreaLayer::distanceTo(size_t i, double x, double y, unsigned worker) const {
    WorkerState& w = m_impl->worker(worker);
    GEOSContextHandle_t h = w.ctx->handle();
    const GeosGeometryPtr point = w.ctx->own(GEOSGeom_createPointFromXY_r(h, x, y), "point");
    double d = NAN;
    if (GEOSPreparedDistance_r(h, w.prepared[i], point.get(), &d) != 1) d = NAN;
    return d;
}

std::vector<AreaLayer::Overlap> AreaLayer::overlaps(const AreaLayer& other) const {
    GEOSContextHandle_t h = m_impl->ctx.handle();
    std::vector<Overlap> out;
    for (uint32_t i = 0; i < size(); ++i) {
        std::vector<TreeValue> hits = m_impl->candidates(i, *other.m_impl);
        std::sort(hits.begin(), hits.end(), [](const TreeValue& a, const TreeValue& b) { return a.second < b.second; });
        for (const auto& hit : hits) {
            // A failed intersection is an error, not an overlap of 0: it would lose area silently.
            const GeosGeometryPtr piece = m_impl->ctx.own(GEOSIntersection_r(h, m_impl->geoms[i], other.m_impl->geoms[hit.second]), "intersection");
            double area = 0;
            if (GEOSArea_r(h, piece.get(), &area) == 1 && area > 0) out.push_back({i, hit.second, area});
        }
    }
    return out;
}

std::pair<double, double> AreaLayer::centroid(size_t i) const {
    GEOSContextHandle_t h = m_impl->ctx.handle();
    const GeosGeometryPtr c = m_impl->ctx.own(GEOSGetCentroid_r(h, m_impl->geoms[i]), "centroid");
    double x = NAN, y = NAN;
    GEOSGeomGetX_r(h, c.get(), &x);
    GEOSGeomGetY_r(h, c.get(), &y);
    return {x, y};
}

int32_t AreaLayer::assignPoint(double x, double y) const {
    std::vector<TreeValue> hits;
    return m_impl->locate(m_impl->worker(0), x, y, hits);
}

bool AreaLayer::intersectsRing(const std::vector<std::pair<double, double>>& ring) const {
    if (ring.size() < 4) return false;
    double x0 = ring[0].first, y0 = ring[0].second, x1 = x0, y1 = y0;
    for (const auto& [x, y] : ring) x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
    std::vector<TreeValue> hits;
    m_impl->tree.query(bgi::intersects(Box(BoxPoint(x0, y0), BoxPoint(x1, y1))), std::back_inserter(hits));
    if (hits.empty()) return false;
    WorkerState& w = m_impl->worker(0);
    GEOSContextHandle_t h = w.ctx->handle();
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, static_cast<unsigned>(ring.size()), 2);
    for (size_t k = 0; k < ring.size(); ++k) GEOSCoordSeq_setXY_r(h, seq, static_cast<unsigned>(k), ring[k].first, ring[k].second);
    GEOSGeometry* shell = GEOSGeom_createLinearRing_r(h, seq);
    GEOSGeometry* cell = shell ? GEOSGeom_createPolygon_r(h, shell, nullptr, 0) : nullptr;
    bool any = false;
    for (const auto& hit : hits)
        if (cell && GEOSPreparedIntersects_r(h, w.prepared[hit.second], cell) == 1) {
            any = true;
            break;
        }
    if (cell) GEOSGeom_destroy_r(h, cell);
    return any;
}

void AreaLayer::assign(const double* x, const double* y, size_t n, int32_t* out) const {
    constexpr size_t kBlock = 16384;
    const size_t blocks = (n + kBlock - 1) / kBlock;
    parallelFor(blocks, [&](size_t b, unsigned worker) {
        WorkerState& w = m_impl->worker(worker);
        std::vector<TreeValue> hits;
        // Points repeated within the block (police.uk snap points) are located once.
        constexpr size_t kSlots = 2 * kBlock;
        std::vector<uint32_t> slots(kSlots, UINT32_MAX);
        const size_t begin = b * kBlock, end = std::min(n, (b + 1) * kBlock);
        for (size_t i = begin; i < end; ++i) {
            size_t slot = pointBitsHash(x[i], y[i]) & (kSlots - 1);
            bool found = false;
            while (slots[slot] != UINT32_MAX) {
                const size_t j = slots[slot];
                if (std::memcmp(&x[j], &x[i], sizeof(double)) == 0 && std::memcmp(&y[j], &y[i], sizeof(double)) == 0) {
                    out[i] = out[j];
                    found = true;
                    break;
                }
                slot = (slot + 1) & (kSlots - 1);
            }
            if (found) continue;
            slots[slot] = static_cast<uint32_t>(i);
            out[i] = m_impl->locate(w, x[i], y[i], hits);
        }
    });
}

}  // namespace hotspot
