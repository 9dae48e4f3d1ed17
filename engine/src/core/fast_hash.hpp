#pragma once
// A 64-bit hash of bytes for in-memory tables: xxHash's XXH3 (Debian's libxxhash-dev), inlined.
// On a police.uk row of ~220 bytes it costs a fraction of std::hash (murmur, byte-serial
// multiplies), and every CSV row is hashed once to count repeated rows. Hashes never leave the
// process: codes, counts and output order do not depend on them.

#include <cstdint>
#include <string_view>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace hotspot {

inline uint64_t fastHash(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

}  // namespace hotspot
