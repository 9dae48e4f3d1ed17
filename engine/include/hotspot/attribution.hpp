#pragma once
// Who to credit for a data source, in the wording each publisher asks for. Maps and reports put
// these on their source line; the project (or --attribution) can add its own.

#include <string>
#include <vector>

namespace hotspot {

struct SourceCredit {
    std::string publisher;  // "police.uk", "ONS", "Ordnance Survey", "OpenStreetMap", "DfT"; empty when unknown
    std::string text;       // the credit line the publisher asks for
};

// A folder's own ATTRIBUTION file (first line; in the file's folder or up to three above) wins,
// publisher "folder". Otherwise recognises a source by its file name and folder: police.uk street, outcomes and stop-and-search
// files and download zips, ONS boundaries and census tables, OS Open Roads, OpenStreetMap extracts
// (.pbf/.osm), DfT STATS19 files. Unknown sources give an empty publisher.
SourceCredit creditFor(const std::string& path);

// One source line for a map or report: the project's own text first, then each recognised
// publisher's credit once, in a stable order.
std::string attributionLine(const std::vector<std::string>& paths, const std::string& projectAttribution = "");

}  // namespace hotspot
