#pragma once
// Faulting in memory that is about to be written, in one system call instead of a page fault per
// page. On the virtual machines analysts and CI use, faults taken inside the CSV reader's serial
// append made density's read 0.142-0.152 s, against 0.128-0.142 s with the table's columns
// populated first (docs/benchmarks.md, "after populated tables"). Advice only: where the kernel
// has no MADV_POPULATE_WRITE (before Linux 5.14, not Linux) nothing happens.

#include <cstddef>
#include <vector>

namespace hotspot {

// Faults in the whole pages inside [begin, end) for writing.
void prefaultForWriting(void* begin, void* end);

// The reserved but unused capacity of v: the rows a reader is about to append.
template <typename T>
void prefaultCapacity(std::vector<T>& v) {
    prefaultForWriting(v.data() + v.size(), v.data() + v.capacity());
}

}  // namespace hotspot
