#pragma once
// GDAL/OGR helpers private to the engine (GDAL types never appear in public headers).

#include <memory>
#include <string>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

namespace hotspot {

// GDALAllRegister once, GDAL's own error printing silenced (the engine reports errors itself).
void ensureGdalRegistered();

struct DatasetCloser {
    void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

struct FeatureDeleter {
    void operator()(OGRFeature* f) const { OGRFeature::DestroyFeature(f); }
};
using FeaturePtr = std::unique_ptr<OGRFeature, FeatureDeleter>;

// Opens a vector dataset read-only; throws Error(Input) with GDAL's message.
DatasetPtr openVector(const std::string& path, const char* const* openOptions = nullptr);
// Picks a layer by name, or the first one; throws Error(Input) listing the layers.
OGRLayer* pickLayer(GDALDataset& ds, const std::string& path, const std::string& name);
// "EPSG:27700" when the SRS has an EPSG code, else its WKT2; empty if no SRS.
std::string crsString(const OGRSpatialReference* srs);
std::string lastGdalError();

// Notices every GDAL failure (CE_Failure or worse) reported on this thread while it lives. GDAL
// 3.6's GDALClose and FlushCache return nothing, and drivers write deferred blocks at close, so
// a write that fails there is only visible through the error handler.
class GdalFailureWatch {
public:
    // `writing`: the file being written, when there is one. At the moment a failure is reported
    // the handler notes whether the disk it is on is full: after it, GDAL deletes the partial file
    // of a failed CreateCopy, and the space is free again by the time anyone asks.
    explicit GdalFailureWatch(const std::string& writing = {});
    ~GdalFailureWatch();
    GdalFailureWatch(const GdalFailureWatch&) = delete;
    GdalFailureWatch& operator=(const GdalFailureWatch&) = delete;
    bool failed() const;
    std::string message() const { return lastGdalError(); }
    // The errno of a full disk (ENOSPC, EDQUOT or EFBIG) when a failure was reported while the
    // watched file's disk was full; 0 otherwise. For throwWriteFailure.
    int diskErrno() const;

private:
    uint64_t m_start;
    std::string m_previousPath;
    int m_previousErrno;
};

// Sets a GDAL configuration option for this thread while in scope (a null value leaves it alone),
// then puts back what was there.
class ScopedThreadConfig {
public:
    ScopedThreadConfig(const char* key, const char* value) : m_key(key) {
        if (!value) return;
        const char* before = CPLGetThreadLocalConfigOption(key, nullptr);
        m_had = before != nullptr;
        if (m_had) m_before = before;
        m_set = true;
        CPLSetThreadLocalConfigOption(key, value);
    }
    ~ScopedThreadConfig() {
        if (m_set) CPLSetThreadLocalConfigOption(m_key, m_had ? m_before.c_str() : nullptr);
    }
    ScopedThreadConfig(const ScopedThreadConfig&) = delete;
    ScopedThreadConfig& operator=(const ScopedThreadConfig&) = delete;

private:
    const char* m_key;
    std::string m_before;
    bool m_had = false, m_set = false;
};

// The transformation from a layer's CRS (or `fallbackSrs` when the layer has none) to the analysis
// CRS, in traditional GIS axis order; null when they are the same. Throws Error(Input/Usage)
// naming the file when the layer has no CRS and no fallback, or PROJ cannot transform.
std::unique_ptr<OGRCoordinateTransformation> layerToAnalysisTransform(const OGRLayer& layer, const std::string& fallbackSrs,
                                                                      const std::string& analysisCrs, const std::string& path,
                                                                      const std::string& what);

}  // namespace hotspot
