// The whole police.uk / mapped-CSV reader on an arbitrary file: every row is accepted or rejected.
#include <cstdint>

#include "fuzz_support.hpp"
#include "hotspot/category_map.hpp"
#include "hotspot/error.hpp"
#include "hotspot/ingest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const hotspot::CategoryMap categories = hotspot::CategoryMap::builtinDefault();
    const std::string path = hotspot::fuzz::writeTemp(data, size, ".csv");
    for (int mode = 0; mode < 2; ++mode) {
        hotspot::IngestOptions options;
        options.categories = &categories;
        if (mode == 1) {
            options.format = hotspot::InputFormat::GenericCsv;
            options.mapping = hotspot::ColumnMapping::parse("id=a,x=b,y=c,date=d,category=e,weight=f,address=g");
            options.mapping.srs = "EPSG:27700";
        }
        try {
            hotspot::IngestResult r = hotspot::ingest({path}, options);
            for (const auto& f : r.files)
                if (f.rows != f.accepted + f.rejected + f.superseded) __builtin_trap();  // every row accounted for
        } catch (const hotspot::Error&) {
            // a refused file is a correct outcome
        }
    }
    return 0;
}
