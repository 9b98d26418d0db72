package sink

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// dropMapped tells the kernel that the size bytes mapped at addr are not
// needed (madvise MADV_DONTNEED). For a shared mapping of a file that
// only unmaps its pages from this process; the file and its page cache
// are untouched.
func dropMapped(addr uintptr, size int64) error {
	if size <= 0 {
		return nil
	}
	if _, _, errno := unix.Syscall(unix.SYS_MADVISE, addr, uintptr(size), unix.MADV_DONTNEED); errno != 0 {
		return fmt.Errorf("madvise: %w", errno)
	}
	return nil
}
