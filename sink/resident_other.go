//go:build !linux

package sink

// dropMapped does nothing outside Linux: the resident pages of the store
// file's mapping are left to the system.
func dropMapped(addr uintptr, size int64) error { return nil }
