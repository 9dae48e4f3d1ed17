#pragma once
// Per-format readers behind hotspot::ingest(). Each returns one file's rows with source
// coordinates only (x/y NaN); ingest() transforms, merges and de-duplicates.

#include <string>
#include <vector>

#include "hotspot/ingest.hpp"

namespace hotspot {

struct FileReadResult {
    IncidentTable table;          // table.files == {path}
    std::vector<Reject> rejects;  // Reject::file == 0
    FileStats stats;
    std::string sourceCrs;        // CRS of srcX/srcY
    std::vector<uint32_t> dedupeOccurrence;  // police.uk ASB rows: nth identical row in the file
};

struct CsvJob;  // one chunk of one file

// All CSV inputs are parsed together so that chunks of all files share the worker threads.
std::vector<FileReadResult> readCsvFiles(const std::vector<std::string>& paths,
                                         const std::vector<InputFormat>& formats,
                                         const IngestOptions& options);

FileReadResult readOgrFile(const std::string& path, const IngestOptions& options);

std::string truncateRecord(std::string_view raw);

}  // namespace hotspot
