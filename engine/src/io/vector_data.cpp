// Vector layers and rasters into plain data for drawing (the viewer).

#include "hotspot/vector_data.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <gdal_priv.h>

#include "hotspot/error.hpp"
#include "hotspot/strings.hpp"
#include "io/gdal_util.hpp"

namespace hotspot {

int VectorData::fieldIndex(const std::string& name) const {
    for (size_t i = 0; i < fields.size(); ++i)
        if (iequals(fields[i], name)) return static_cast<int>(i);
    return -1;
}

namespace {

void addGeometry(const OGRGeometry& g, VectorFeature& f) {
    const auto type = wkbFlatten(g.getGeometryType());
    auto ring = [&](const OGRSimpleCurve& c) {
        std::vector<std::pair<double, double>> pts(static_cast<size_t>(c.getNumPoints()));
        for (int i = 0; i < c.getNumPoints(); ++i) pts[static_cast<size_t>(i)] = {c.getX(i), c.getY(i)};
        f.parts.push_back(std::move(pts));
    };
    switch (type) {
        case wkbPoint:
            f.kind = ShapeKind::Point;
            f.parts.push_back({{g.toPoint()->getX(), g.toPoint()->getY()}});
            break;
        case wkbLineString:
            f.kind = ShapeKind::Line;
            ring(*g.toLineString());
            break;
        case wkbPolygon:
            f.kind = ShapeKind::Polygon;
            for (const OGRLinearRing* r : *g.toPolygon()) ring(*r);
            break;
        case wkbMultiPoint:
        case wkbMultiLineString:
        case wkbMultiPolygon:
        case wkbGeometryCollection:
            for (const OGRGeometry* part : *g.toGeometryCollection()) addGeometry(*part, f);
            break;
        default:
            if (g.hasCurveGeometry()) {
                std::unique_ptr<OGRGeometry> linear(g.getLinearGeometry());
                addGeometry(*linear, f);
            }
    }
}

void grow(Extent& e, const VectorFeature& f) {
    for (const auto& part : f.parts)
        for (auto [x, y] : part) {
            if (e.empty()) e = {x, y, x, y};
            e.minX = std::min(e.minX, x), e.minY = std::min(e.minY, y), e.maxX = std::max(e.maxX, x), e.maxY = std::max(e.maxY, y);
        }
}

}  // namespace

std::vector<std::string> vectorLayerNames(const std::string& path) {
    DatasetPtr ds = openVector(path);
    std::vector<std::string> out;
    for (int i = 0; i < ds->GetLayerCount(); ++i) out.emplace_back(ds->GetLayer(i)->GetName());
    return out;
}

VectorData readVectorData(const std::string& path, const std::string& layerName, const std::string& analysisCrs) {
    DatasetPtr ds = openVector(path);
    OGRLayer* layer = pickLayer(*ds, path, layerName);
    VectorData out;
    out.path = path;
    out.layer = layer->GetName();
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) out.fields.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
    const auto transform = layer->GetSpatialRef() ? layerToAnalysisTransform(*layer, "", analysisCrs, path, "layer")
                                                  : layerToAnalysisTransform(*layer, analysisCrs, analysisCrs, path, "layer");
    size_t counts[4] = {0, 0, 0, 0};
    for (FeaturePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
        VectorFeature vf;
        vf.fid = f->GetFID();
        for (int i = 0; i < defn->GetFieldCount(); ++i) vf.values.emplace_back(f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "");
        if (OGRGeometry* g = f->GetGeometryRef(); g && !g->IsEmpty()) {
            if (transform && g->transform(transform.get()) != OGRERR_NONE)
                throwInput(fmt::format("feature {} cannot be transformed to {}", vf.fid, analysisCrs), {path, vf.fid, "geometry"});
            addGeometry(*g, vf);
        }
        ++counts[static_cast<size_t>(vf.kind)];
        grow(out.extent, vf);
        out.features.push_back(std::move(vf));
    }
    size_t best = 1;
    for (size_t k = 2; k < 4; ++k)
        if (counts[k] > counts[best]) best = k;
    out.kind = counts[best] ? static_cast<ShapeKind>(best) : ShapeKind::None;
    return out;
}

VectorFeature featureFromWkb(const std::vector<unsigned char>& wkb) {
    VectorFeature f;
    OGRGeometry* g = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()) != OGRERR_NONE || !g)
        throw Error(ErrorKind::Internal, "unreadable WKB geometry");
    addGeometry(*g, f);
    OGRGeometryFactory::destroyGeometry(g);
    return f;
}

RasterData readRasterData(const std::string& path, const std::string& analysisCrs) {
    ensureGdalRegistered();
    std::unique_ptr<GDALDataset, DatasetCloser> ds(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!ds) throwInput("cannot open as a raster: " + lastGdalError(), {path});
    double gt[6];
    if (ds->GetGeoTransform(gt) != CE_None || gt[2] != 0 || gt[4] != 0) throwInput("the raster is not a north-up grid", {path});
    RasterData r;
    r.originX = gt[0], r.originY = gt[3], r.cellWidth = gt[1], r.cellHeight = -gt[5];
    r.cols = ds->GetRasterXSize(), r.rows = ds->GetRasterYSize();
    r.crs = crsString(ds->GetSpatialRef());
    if (!r.crs.empty()) {
        OGRSpatialReference a, b;
        a.SetFromUserInput(r.crs.c_str());
        b.SetFromUserInput(analysisCrs.c_str());
        if (!a.IsSame(&b)) throwInput("the raster's CRS is not the analysis CRS " + analysisCrs, {path, 0, "crs"});
    }
    GDALRasterBand* band = ds->GetRasterBand(1);
    r.values.resize(static_cast<size_t>(r.cols * r.rows));
    if (band->RasterIO(GF_Read, 0, 0, static_cast<int>(r.cols), static_cast<int>(r.rows), r.values.data(), static_cast<int>(r.cols),
                       static_cast<int>(r.rows), GDT_Float64, 0, 0) != CE_None)
        throwInput("cannot read the raster: " + lastGdalError(), {path});
    int hasNodata = 0;
    const double nodata = band->GetNoDataValue(&hasNodata);
    if (hasNodata)
        for (double& v : r.values)
            if (v == nodata || (std::isnan(nodata) && std::isnan(v))) v = std::numeric_limits<double>::quiet_NaN();
    return r;
}

}  // namespace hotspot
