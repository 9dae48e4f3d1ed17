// Configuration files: the viewer's JSON project and the intervention layers (CSV) a project points
// at. Any input gives a project, an Error naming the file, or rejected rows; never a crash.
#include <cstdint>

#include "fuzz_support.hpp"
#include "hotspot/error.hpp"
#include "hotspot/interventions.hpp"
#include "project.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        hotspot::viewer::ProjectFile::load(hotspot::fuzz::writeTemp(data, size, ".json"));
    } catch (const hotspot::Error&) {
    }
    const std::string csv = hotspot::fuzz::writeTemp(data, size, ".csv");
    try {
        hotspot::LayerRejects rejects;
        hotspot::readCameras({csv, "", ""}, "EPSG:27700", 100, rejects);
    } catch (const hotspot::Error&) {
    }
    try {
        hotspot::LayerRejects rejects;
        hotspot::readProjects({csv, "", ""}, "EPSG:27700", rejects);
    } catch (const hotspot::Error&) {
    }
    return 0;
}
