// The STATS19 reader (both schemas) on an arbitrary file: every row is accepted or rejected.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "hotspot/category_map.hpp"
#include "hotspot/error.hpp"
#include "hotspot/ingest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const hotspot::CategoryMap categories = hotspot::CategoryMap::builtinDefault();
    // The header decides the schema; a fuzzed body follows one of the two real headers, or the
    // input as it is (its own header).
    static const char* headers[] = {
        "Accident_Index,Location_Easting_OSGR,Location_Northing_OSGR,Longitude,Latitude,Accident_Severity,Date,Time\n",
        "collision_index,location_easting_osgr,location_northing_osgr,longitude,latitude,collision_severity,date,time\n", ""};
    for (const char* header : headers) {
        std::string text = header;
        text.append(reinterpret_cast<const char*>(data), size);
        const std::string path = hotspot::fuzz::writeTemp(reinterpret_cast<const uint8_t*>(text.data()), text.size(), ".csv");
        hotspot::IngestOptions options;
        options.categories = &categories;
        options.format = hotspot::InputFormat::Stats19;
        try {
            hotspot::IngestResult r = hotspot::ingest({path}, options);
            for (const auto& f : r.files)
                if (f.rows != f.accepted + f.rejected + f.superseded) __builtin_trap();
        } catch (const hotspot::Error&) {
        }
    }
    return 0;
}
