#pragma once

namespace hotspot {
// The engine version, from the top-level CMake project().
const char* versionString();
// GDAL, GEOS and PROJ versions the engine runs with, for --version and run metadata.
const char* libraryVersions();
}  // namespace hotspot
