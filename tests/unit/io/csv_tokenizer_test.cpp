#include <algorithm>

#include <gtest/gtest.h>

#include "hotspot/error.hpp"
#include "io/csv_tokenizer.hpp"
#include "test_support.hpp"

using namespace hotspot;

TEST(CsvTokenizer, SplitsLfAndCrlfRecordsAndKeepsEmptyFields) {
    CsvCursor c("a,b,,d\r\n1,2,3,\n", 1);
    CsvRecord r;
    ASSERT_TRUE(c.next(r));
    ASSERT_EQ(r.fields.size(), 4u);
    EXPECT_EQ(r.fields[2], "");
    EXPECT_EQ(r.fields[3], "d");  // no trailing \r
    ASSERT_TRUE(c.next(r));
    ASSERT_EQ(r.fields.size(), 4u);
    EXPECT_EQ(r.fields[3], "");
    EXPECT_EQ(r.line, 2);
    EXPECT_FALSE(c.next(r));
}

TEST(CsvTokenizer, QuotedFieldsWithCommasEscapedQuotesAndNewlines) {
    CsvCursor c("x,\"On or near \"\"The\"\" Drapery, Northampton\",\"two\nlines\"\nnext,1,2\n", 1);
    CsvRecord r;
    ASSERT_TRUE(c.next(r));
    ASSERT_EQ(r.fields.size(), 3u);
    EXPECT_EQ(r.fields[1], "On or near \"The\" Drapery, Northampton");
    EXPECT_EQ(r.fields[2], "two\nlines");
    ASSERT_TRUE(c.next(r));
    EXPECT_EQ(r.fields[0], "next");
    EXPECT_EQ(r.line, 3);  // the quoted newline advanced the physical line count
}

TEST(CsvTokenizer, UnterminatedQuoteIsFlagged) {
    CsvCursor c("a,\"never closed\n", 1);
    CsvRecord r;
    ASSERT_TRUE(c.next(r));
    EXPECT_TRUE(r.unterminatedQuote);
}

TEST(CsvTokenizer, BlankLinesAreSkippedButCounted) {
    CsvCursor c("a,b\n\n\r\nc,d\n", 1);
    CsvRecord r;
    ASSERT_TRUE(c.next(r));
    ASSERT_TRUE(c.next(r));
    EXPECT_EQ(r.fields[0], "c");
    EXPECT_EQ(r.line, 4);
}

// The readers reserve each chunk's rows from its line count: a count below the records would
// make vectors regrow (slow, not wrong), so the counts must be exact, blank lines, quoted line
// breaks and a last line without a newline included.
TEST(CsvLayout, EachChunkKnowsItsPhysicalLinesAndTheyAddUpToTheFile) {
    test::TempDir dir;
    std::string text = "id,note\n";
    for (int i = 0; i < 300; ++i) {
        text += std::to_string(i) + (i % 7 == 0 ? ",\"two\nlines\"\n" : ",one\n");
        if (i % 11 == 0) text += "\n";  // a blank line
    }
    text += "300,last line without a newline";
    test::writeFile(dir.file("l.csv"), text);
    const int64_t newlines = std::count(text.begin(), text.end(), '\n');
    CsvFileLayout layout = layoutCsvFile(dir.file("l.csv"), 97);
    ASSERT_GT(layout.chunks.size(), 5u);
    EXPECT_EQ(layout.physicalLines, newlines + 1);
    int64_t lines = 0;
    for (size_t k = 0; k < layout.chunks.size(); ++k) {
        const CsvChunk& chunk = layout.chunks[k];
        const std::string bytes = readFileRange(dir.file("l.csv"), chunk.offset, chunk.length);
        const int64_t own = std::count(bytes.begin(), bytes.end(), '\n') + (k + 1 == layout.chunks.size() && bytes.back() != '\n' ? 1 : 0);
        EXPECT_EQ(chunk.lines, own) << "chunk " << k;
        // Never fewer lines than records.
        CsvCursor c(bytes, chunk.firstLine);
        CsvRecord r;
        int64_t records = 0;
        while (c.next(r)) ++records;
        EXPECT_LE(records, chunk.lines) << "chunk " << k;
        lines += chunk.lines;
    }
    EXPECT_EQ(lines + layout.headerLines, layout.physicalLines);
}

TEST(CsvLayout, ChunksEndOnRecordBoundariesEvenInsideQuotes) {
    test::TempDir dir;
    std::string text = "\xEF\xBB\xBFh1,h2\n";
    // Records with quoted newlines, so naive newline splitting would cut a record in two.
    for (int i = 0; i < 200; ++i) text += std::to_string(i) + ",\"line one\nline two of " + std::to_string(i) + "\"\n";
    test::writeFile(dir.file("q.csv"), text);
    CsvFileLayout layout = layoutCsvFile(dir.file("q.csv"), 64);  // tiny chunks
    EXPECT_TRUE(layout.hadBom);
    ASSERT_EQ(layout.header.size(), 2u);
    EXPECT_EQ(layout.header[0], "h1");
    EXPECT_GT(layout.chunks.size(), 10u);
    int records = 0;
    uint64_t covered = 0;
    for (const auto& chunk : layout.chunks) {
        std::string bytes = readFileRange(dir.file("q.csv"), chunk.offset, chunk.length);
        CsvCursor c(bytes, chunk.firstLine);
        CsvRecord r;
        while (c.next(r)) {
            ASSERT_FALSE(r.unterminatedQuote);
            ASSERT_EQ(r.fields.size(), 2u);
            EXPECT_EQ(std::string(r.fields[1]), "line one\nline two of " + std::to_string(records));
            EXPECT_EQ(r.line, 2 + 2 * records);  // each record spans two physical lines
            ++records;
        }
        covered += chunk.length;
    }
    EXPECT_EQ(records, 200);
    EXPECT_EQ(covered + 3 + 6, layout.fileSize);  // BOM + header line
}

TEST(CsvLayout, EmptyAndBinaryFilesAreInputErrors) {
    test::TempDir dir;
    test::writeFile(dir.file("empty.csv"), "");
    test::writeFile(dir.file("junk.csv"), std::string("\x00\x01\x02\xff\xfe", 5) + std::string(2000, '\x03'));
    try {
        layoutCsvFile(dir.file("empty.csv"));
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Input);
        EXPECT_NE(std::string(e.what()).find("empty.csv:1"), std::string::npos) << e.what();
    }
    EXPECT_THROW(layoutCsvFile(dir.file("junk.csv")), Error);
    EXPECT_THROW(layoutCsvFile(dir.file("missing.csv")), Error);
}
