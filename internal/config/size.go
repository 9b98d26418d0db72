package config

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// ByteSize is a number of bytes, written in the file as a string with a
// unit ("8GiB", "512MiB", "1.5GB") or as a bare integer of bytes. -1
// means no limit.
type ByteSize int64

// Size units: KiB, MiB, GiB and TiB are powers of 1024; KB, MB, GB and TB
// powers of 1000; B is bytes. Case does not matter.
const (
	KiB ByteSize = 1 << (10 * (iota + 1))
	MiB
	GiB
	TiB
)

var sizeUnits = map[string]float64{
	"b":  1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

var errSize = errors.New("not a size")

// ParseByteSize reads a size as the file writes it: a number, optionally
// a space, and a unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB); a number
// alone is bytes. "-1" is no limit.
func ParseByteSize(s string) (ByteSize, error) {
	t := strings.TrimSpace(s)
	if t == "-1" {
		return -1, nil
	}
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	if num == "" {
		return 0, errSize
	}
	mult := 1.0
	if unit != "" {
		var ok bool
		if mult, ok = sizeUnits[unit]; !ok {
			return 0, errSize
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, errSize
	}
	v := math.Round(f * mult)
	if v >= math.MaxInt64 {
		return 0, errSize
	}
	return ByteSize(v), nil
}

// String writes the size the way the file would: in the largest binary
// unit that divides it ("8GiB"), in bytes otherwise ("1500B"); "-1" for
// no limit.
func (b ByteSize) String() string {
	if b <= 0 {
		return strconv.FormatInt(int64(b), 10)
	}
	for _, u := range []struct {
		size ByteSize
		name string
	}{{TiB, "TiB"}, {GiB, "GiB"}, {MiB, "MiB"}, {KiB, "KiB"}} {
		if b%u.size == 0 {
			return strconv.FormatInt(int64(b/u.size), 10) + u.name
		}
	}
	return strconv.FormatInt(int64(b), 10) + "B"
}
