#pragma once
// Per-format readers behind hotspot::ingest(). They append rows with source coordinates only
// (x/y NaN); ingest() transforms and de-duplicates.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hotspot/crs.hpp"
#include "hotspot/ingest.hpp"
#include "hotspot/outcomes.hpp"

namespace hotspot {

// What the readers append to, in input order. Rows of one file are contiguous in the table.
struct ReadBatch {
    IncidentTable table;               // table.files: one entry per input file read so far
    std::vector<Reject> rejects;       // Reject::file indexes table.files
    std::vector<FileStats> files;      // parallel to table.files
    std::vector<std::string> crs;      // CRS of srcX/srcY, per file
    std::vector<size_t> firstRow;      // first row of each file in table
    std::vector<size_t> rowCount;      // rows of each file in table
    std::vector<uint8_t> transformed;  // x/y already in the analysis CRS (done by the CSV workers)
    std::string analysisCrs;
    std::map<std::string, std::unique_ptr<CoordinateTransformer>> transformers;  // by source CRS

    // The transformer from a source CRS (created on first use; call before going parallel).
    const CoordinateTransformer& transformerFor(const std::string& sourceCrs);

    // Registers a new input file; returns its index.
    uint32_t addFile(const std::string& path, InputFormat format, const std::string& sourceCrs);
};

// All CSV inputs of a run are parsed together, so chunks of all files share the worker threads.
// Chunks are appended in order as soon as their predecessors are, which bounds memory.
void readCsvFiles(const std::vector<std::string>& paths, const std::vector<InputFormat>& formats, const IngestOptions& options,
                  ReadBatch& into);

void readOgrFile(const std::string& path, const IngestOptions& options, ReadBatch& into);

std::string truncateRecord(std::string_view raw);

// Joins police.uk outcomes files to the table's crimes by Crime ID (the latest outcome per crime,
// else the street file's "Last outcome category"): adds the attributes outcome, outcome_group,
// outcome_month and outcome_source. Rows that cannot be used go to `rejects`.
void joinOutcomes(const std::vector<std::string>& files, const OutcomeMap& map, IncidentTable& t, const std::vector<Reject>& streetRejects,
                  OutcomeStats& stats, std::vector<OutcomeReject>& rejects);

}  // namespace hotspot
