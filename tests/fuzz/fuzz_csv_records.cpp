// The CSV tokenizer on arbitrary bytes: no crash, no read past the buffer, fields inside the record.
#include <cstdint>
#include <string>

#include "io/csv_tokenizer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    hotspot::CsvCursor cursor(bytes, 1);
    hotspot::CsvRecord record;
    int64_t lastLine = 0;
    while (cursor.next(record)) {
        if (record.line < lastLine) __builtin_trap();  // line numbers never go back
        lastLine = record.line;
    }
    (void)hotspot::parseCsvText(bytes);
    (void)hotspot::looksBinary(bytes);
    return 0;
}
