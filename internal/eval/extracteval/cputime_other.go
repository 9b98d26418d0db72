//go:build !unix

package extracteval

import "time"

// cpuTime is the CPU time the process has used so far; 0 on systems
// where this package does not read it (CPU speed figures are then 0).
func cpuTime() time.Duration { return 0 }
