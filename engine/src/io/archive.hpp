#pragma once
// Inputs inside archives (a police.uk download zip as delivered): members are read through GDAL's
// virtual file system (/vsizip/), never unpacked to disk. CSV members are decompressed once into
// memory and served from there, because the CSV reader reads each file by ranges, several times.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hotspot {

// "x.zip" (any case), or a path already inside an archive ("/vsizip/...").
bool isZipFile(std::string_view path);
bool isArchiveMember(std::string_view path);

// The files of a zip as "/vsizip/<absolute zip path>/<member>", sorted by member name.
// Throws Error(Input) naming the zip when it cannot be opened (corrupt, not a zip, empty).
std::vector<std::string> listZipMembers(const std::string& zipPath);

// The archive holding a member path ("/vsizip//data/a.zip/2022-01/x.csv" -> "/data/a.zip").
std::string archiveOf(std::string_view memberPath);

// The bytes of an archive member, decompressed once and cached (least recently used members are
// dropped beyond 1 GiB). Throws Error(Input) naming the member when it cannot be read.
std::shared_ptr<const std::string> archiveMemberBytes(const std::string& memberPath);

}  // namespace hotspot
