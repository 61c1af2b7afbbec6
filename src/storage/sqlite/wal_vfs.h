#pragma once
// "ordo": a SQLite VFS that wraps the platform's default one and changes one thing —
// how the write-ahead log is written. SQLite appends a commit to the WAL as two write()
// calls per page (frame header, then page), then fsyncs. A group-commit batch of orders
// dirties a few hundred pages, so a commit was a thousand system calls before its one
// fsync. This VFS gathers consecutive WAL writes in memory and hands them to the kernel
// in 64 KiB writes just before anything that could observe them: the end of a commit
// (the page of a commit frame: other connections learn of new frames only through the
// WAL index, which SQLite updates after writing them, and after the fsync when
// synchronous=FULL), the fsync (xSync), a read, a size or truncate call, a
// shared-memory barrier, an unlock or close. Every byte reaches the file before the fsync that
// makes it durable, so durability is exactly SQLite's; only the number of system calls changes. The
// database file is treated the same way: in WAL mode only checkpoints write it, page by page in
// ascending order, and runs of neighbouring pages become one write issued before the sync that
// precedes the checkpoint's record of its progress. Every other file (the shared-memory index,
// temporary files) goes straight to the wrapped VFS.
//
// Thread-safety: registration is thread-safe and idempotent; each file is used by the
// one connection that opened it, as SQLite guarantees.

namespace ordo::storage::sqlite {

// The name to pass to sqlite3_open_v2; registers the VFS on first use (nullptr when
// registration failed, which leaves SQLite's default VFS in use).
const char* OrdoVfsName();

}  // namespace ordo::storage::sqlite
