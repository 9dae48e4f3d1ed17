#include <mutex>

#include <geos_c.h>
#include <proj.h>

#include <cpl_error.h>
#include <fmt/format.h>

#include <cerrno>
#include <cmath>

#include "hotspot/error.hpp"
#include "hotspot/version.hpp"
#include "io/gdal_util.hpp"
#include "io/output_files.hpp"

namespace hotspot {

namespace {
thread_local std::string t_lastError;
thread_local uint64_t t_failures = 0;
thread_local std::string t_writingPath;  // the file the innermost GdalFailureWatch watches
thread_local int t_diskErrno = 0;        // set by the handler while that file's disk is full

void CPL_STDCALL rememberError(CPLErr level, CPLErrorNum, const char* message) {
    const int savedErrno = errno;
    if (level < CE_Failure) return;
    ++t_failures;
    if (message) t_lastError = message;
    if (t_diskErrno == 0 && !t_writingPath.empty()) t_diskErrno = diskFullErrno(t_writingPath, savedErrno);
}
}  // namespace

void ensureGdalRegistered() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(rememberError);
    });
}

std::string lastGdalError() { return t_lastError; }

GdalFailureWatch::GdalFailureWatch(const std::string& writing)
    : m_start(t_failures), m_previousPath(std::move(t_writingPath)), m_previousErrno(t_diskErrno) {
    ensureGdalRegistered();
    t_writingPath = writing;
    t_diskErrno = 0;
}
GdalFailureWatch::~GdalFailureWatch() {
    t_writingPath = std::move(m_previousPath);
    t_diskErrno = m_previousErrno;
}
bool GdalFailureWatch::failed() const { return t_failures != m_start; }
int GdalFailureWatch::diskErrno() const { return t_diskErrno; }

DatasetPtr openVector(const std::string& path, const char* const* openOptions) {
    ensureGdalRegistered();
    checkInputPath(path, true);  // GDAL would say "not a vector dataset" for a missing file, and wait on a FIFO
    registerInputFile(path);
    t_lastError.clear();
    DatasetPtr ds(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, openOptions, nullptr)));
    if (!ds) {
        std::string why = t_lastError.empty() ? "not a vector dataset GDAL can read" : t_lastError;
        throwInput("cannot open as a vector layer: " + why, {path});
    }
    return ds;
}

OGRLayer* pickLayer(GDALDataset& ds, const std::string& path, const std::string& name) {
    if (ds.GetLayerCount() == 0) throwInput("dataset has no layers", {path});
    if (name.empty()) return ds.GetLayer(0);
    if (OGRLayer* layer = ds.GetLayerByName(name.c_str())) return layer;
    std::string list;
    for (int i = 0; i < ds.GetLayerCount(); ++i) list += (i ? ", " : "") + std::string(ds.GetLayer(i)->GetName());
    throwInput("no layer named '" + name + "'; layers: " + list, {path, 0, "layer"});
}

std::string crsString(const OGRSpatialReference* srs) {
    if (!srs) return {};
    const char* auth = srs->GetAuthorityName(nullptr);
    const char* code = srs->GetAuthorityCode(nullptr);
    if (auth && code && std::string(auth) == "EPSG") return std::string("EPSG:") + code;
    char* wkt = nullptr;
    const char* options[] = {"FORMAT=WKT2_2019", nullptr};
    srs->exportToWkt(&wkt, options);
    std::string out = wkt ? wkt : "";
    CPLFree(wkt);
    return out;
}

const char* libraryVersions() {
    static const std::string text = std::string("GDAL ") + GDALVersionInfo("RELEASE_NAME") + ", GEOS " + GEOSversion() +
                                    ", PROJ " + proj_info().version;
    return text.c_str();
}

}  // namespace hotspot

namespace hotspot {

std::unique_ptr<OGRCoordinateTransformation> layerToAnalysisTransform(const OGRLayer& layer, const std::string& fallbackSrs,
                                                                      const std::string& analysisCrs, const std::string& path,
                                                                      const std::string& what) {
    OGRLayer& mutableLayer = const_cast<OGRLayer&>(layer);
    const OGRSpatialReference* layerSrs = mutableLayer.GetSpatialRef();
    // A layer that says longitude/latitude but holds coordinates beyond +-180/+-90 does not know
    // its CRS: a GeoJSON without a "crs" member is WGS84 by RFC 7946, yet councils write BNG
    // metres into such files. Then the CRS given for it is used, or the file is refused by name.
    OGREnvelope extent;
    if (layerSrs && layerSrs->IsGeographic() && mutableLayer.GetExtent(&extent, TRUE) == OGRERR_NONE &&
        (std::abs(extent.MinX) > 180 || std::abs(extent.MaxX) > 180 || std::abs(extent.MinY) > 90 || std::abs(extent.MaxY) > 90)) {
        if (fallbackSrs.empty())
            throwInput(fmt::format("{} '{}' says longitude/latitude but its coordinates reach ({:.0f}, {:.0f}), which are not degrees; "
                                   "give its CRS (e.g. `srs` EPSG:27700, or PATH|srs=EPSG:27700)",
                                   what, mutableLayer.GetName(), extent.MaxX, extent.MaxY),
                       {path, 0, "crs"});
        layerSrs = nullptr;
    }
    OGRSpatialReference source, target;
    if (layerSrs) {
        source = *layerSrs;
    } else if (!fallbackSrs.empty()) {
        if (source.SetFromUserInput(fallbackSrs.c_str()) != OGRERR_NONE) throwUsage("unknown CRS '" + fallbackSrs + "'", {path, 0, "srs"});
    } else {
        throwInput(what + " '" + std::string(const_cast<OGRLayer&>(layer).GetName()) + "' has no coordinate reference system", {path, 0, "crs"});
    }
    if (target.SetFromUserInput(analysisCrs.c_str()) != OGRERR_NONE) throwUsage("unknown analysis CRS '" + analysisCrs + "'", {"", 0, "crs"});
    source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> transform;
    if (!source.IsSame(&target)) {
        transform.reset(OGRCreateCoordinateTransformation(&source, &target));
        if (!transform) throwInput("cannot transform the " + what + " to " + analysisCrs + ": " + lastGdalError(), {path, 0, "crs"});
    }
    return transform;
}

}  // namespace hotspot
