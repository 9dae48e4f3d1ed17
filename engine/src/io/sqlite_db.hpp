#pragma once
// A thin RAII layer over SQLite for the few places that write into a GeoPackage beside GDAL
// (layer_styles, packed R-trees). Every failure becomes Error(Output) naming the file.

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include <cerrno>

#include "hotspot/error.hpp"
#include "io/output_files.hpp"

namespace hotspot {

class SqliteDatabase {
public:
    // One connection per thread that uses it: no SQLite mutexes.
    explicit SqliteDatabase(const std::string& path) : m_path(path) {
        if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
            // SQLite allocates a handle even when the open fails; the destructor will not run, so
            // the message is taken and the handle closed here.
            const std::string message = m_db ? sqlite3_errmsg(m_db) : "out of memory";
            const int code = m_db ? sqlite3_errcode(m_db) : SQLITE_NOMEM;
            sqlite3_close(m_db);
            m_db = nullptr;
            throwWriteFailure(m_path, "cannot open the GeoPackage: " + message, (code & 0xff) == SQLITE_FULL ? ENOSPC : 0);
        }
    }
    ~SqliteDatabase() { sqlite3_close(m_db); }
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    // Runs one or more statements; `what` says what failed in the message.
    void exec(const std::string& sql, const std::string& what) {
        char* message = nullptr;
        if (const int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message); rc != SQLITE_OK) {
            const std::string text = message ? message : "unknown error";
            sqlite3_free(message);
            throwWriteFailure(m_path, what + ": " + text, (rc & 0xff) == SQLITE_FULL ? ENOSPC : 0);
        }
    }
    // Best effort, for error paths (a ROLLBACK after a failure).
    void execQuietly(const char* sql) { sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr); }
    [[noreturn]] void fail(const std::string& what) const {
        throwWriteFailure(m_path, what + ": " + sqlite3_errmsg(m_db), (sqlite3_errcode(m_db) & 0xff) == SQLITE_FULL ? ENOSPC : 0);
    }
    [[noreturn]] void refuse(const std::string& what) const { throwOutput(what, {m_path}); }
    sqlite3* handle() const { return m_db; }

private:
    std::string m_path;
    sqlite3* m_db = nullptr;
};

class SqliteStatement {
public:
    SqliteStatement(SqliteDatabase& db, const std::string& sql) : m_db(db) {
        if (sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &m_stmt, nullptr) != SQLITE_OK) db.fail("cannot prepare " + sql.substr(0, 80));
    }
    ~SqliteStatement() { sqlite3_finalize(m_stmt); }
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    // Parameters are numbered from 1. Text and blobs must outlive the next step().
    SqliteStatement& bind(int index, int64_t value) {
        sqlite3_bind_int64(m_stmt, index, value);
        return *this;
    }
    SqliteStatement& bind(int index, const std::string& text) {
        sqlite3_bind_text(m_stmt, index, text.c_str(), static_cast<int>(text.size()), SQLITE_STATIC);
        return *this;
    }
    SqliteStatement& bind(int index, const std::vector<unsigned char>& blob) {
        sqlite3_bind_blob(m_stmt, index, blob.data(), static_cast<int>(blob.size()), SQLITE_STATIC);
        return *this;
    }
    // True while there is a row; throws on an error.
    bool step() {
        const int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW) return true;
        if (rc != SQLITE_DONE) m_db.fail("statement failed");
        return false;
    }
    // Runs a statement that returns no rows and makes it ready for the next set of parameters.
    void run() {
        step();
        sqlite3_reset(m_stmt);
    }
    int64_t int64At(int column) const { return sqlite3_column_int64(m_stmt, column); }
    std::string textAt(int column) const {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
        return text ? text : "";
    }
    sqlite3_stmt* handle() const { return m_stmt; }

private:
    SqliteDatabase& m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

}  // namespace hotspot
