package sink

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Story and duplicate records (buckets stories and dupes) are their JSON
// compressed as one zstd frame at the fastest level. The stories and
// copies are most of the store file, and bbolt reads the file through its
// memory mapping and copies the pages each commit changes into freed
// pages all over it, so the file's size is about what the daemon keeps
// resident of it; zstd makes story records about 40% smaller (S2, 16%).
// Records written before are plain JSON (they begin with '{'), and are
// still read.

// zstdMagic begins every zstd frame.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// recordCodec compresses and decompresses records. Its encoder and
// decoder are safe for concurrent use (EncodeAll, DecodeAll), keep no
// state between calls that changes their output, and are made once per
// process, at the first store record, as regexp.MustCompile's results
// are: they are code's tables, not the program's state.
type recordCodec struct {
	enc *zstd.Encoder
	dec *zstd.Decoder
}

var records = sync.OnceValue(func() recordCodec {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(1<<16), zstd.WithLowerEncoderMem(true), zstd.WithZeroFrames(true))
	if err != nil {
		panic(fmt.Sprintf("sink: zstd encoder: %v", err)) // only for invalid options
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxMemory(64<<20))
	if err != nil {
		panic(fmt.Sprintf("sink: zstd decoder: %v", err))
	}
	return recordCodec{enc: enc, dec: dec}
})

// marshalRecord is v's record: its JSON, compressed.
func marshalRecord(v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return records().enc.EncodeAll(data, make([]byte, 0, len(data)/2)), nil
}

// unmarshalRecord decodes a record written by marshalRecord, or a plain
// JSON record of an earlier version, into v.
func unmarshalRecord(data []byte, v any) error {
	if bytes.HasPrefix(data, zstdMagic) {
		plain, err := records().dec.DecodeAll(data, nil)
		if err != nil {
			return fmt.Errorf("decompress record: %w", err)
		}
		data = plain
	}
	return json.Unmarshal(data, v)
}
