#pragma once
// The one way the engine talks to GEOS: a reentrant context that owns its handle, keeps GEOS's
// last error message (so failures say what GEOS said), silences notices, and turns a NULL result
// into an Error. Geometries are owned by GeosGeometryPtr, freed through the context that made
// them. A context belongs to one thread at a time.

#include <geos_c.h>

#include <memory>
#include <string>
#include <vector>

#include "hotspot/error.hpp"

namespace hotspot {

class GeosContext {
public:
    GeosContext() : m_handle(GEOS_init_r()) {
        if (!m_handle) throw Error(ErrorKind::Internal, "GEOS could not start a context");
        GEOSContext_setNoticeMessageHandler_r(
            m_handle, [](const char*, void*) {}, nullptr);
        GEOSContext_setErrorMessageHandler_r(m_handle, &GeosContext::keepError, this);
    }
    ~GeosContext() { GEOS_finish_r(m_handle); }
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;

    GEOSContextHandle_t handle() const { return m_handle; }
    // GEOS's message for the last failure in this context ("" if none yet).
    const std::string& lastError() const { return m_lastError; }

    // `result` itself, or an Error(Internal) naming `operation` and GEOS's message when it is NULL.
    template <typename T>
    T* check(T* result, const char* operation) const {
        if (!result) throw Error(ErrorKind::Internal, std::string("GEOS ") + operation + " failed" + (m_lastError.empty() ? "" : ": " + m_lastError));
        return result;
    }

    struct GeometryDeleter {
        GEOSContextHandle_t handle;
        void operator()(GEOSGeometry* g) const { GEOSGeom_destroy_r(handle, g); }
    };
    using GeometryPtr = std::unique_ptr<GEOSGeometry, GeometryDeleter>;
    // Takes ownership of a geometry made in this context (checked for NULL first).
    GeometryPtr own(GEOSGeometry* g, const char* operation) const { return GeometryPtr(check(g, operation), GeometryDeleter{m_handle}); }

    // The geometry as little-endian ISO WKB (what the output writers take).
    std::vector<unsigned char> toWkb(const GEOSGeometry* g) const {
        GEOSWKBWriter* writer = check(GEOSWKBWriter_create_r(m_handle), "WKB writer");
        GEOSWKBWriter_setByteOrder_r(m_handle, writer, GEOS_WKB_NDR);
        size_t size = 0;
        unsigned char* bytes = GEOSWKBWriter_write_r(m_handle, writer, g, &size);
        GEOSWKBWriter_destroy_r(m_handle, writer);
        check(bytes, "WKB write");
        std::vector<unsigned char> out(bytes, bytes + size);
        GEOSFree_r(m_handle, bytes);
        return out;
    }

private:
    static void keepError(const char* message, void* self) {
        if (message) static_cast<GeosContext*>(self)->m_lastError = message;
    }
    GEOSContextHandle_t m_handle;
    std::string m_lastError;
};

using GeosGeometryPtr = GeosContext::GeometryPtr;

}  // namespace hotspot
