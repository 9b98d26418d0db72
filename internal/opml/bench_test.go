package opml_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/feedsift/feedsift/internal/opml"
)

func BenchmarkParse(b *testing.B) {
	var doc bytes.Buffer
	doc.WriteString(`<?xml version="1.0"?><opml version="2.0"><head><title>b</title></head><body>`)
	for i := range 50 {
		fmt.Fprintf(&doc, `<outline text="Folder %d">`, i)
		for j := range 20 {
			fmt.Fprintf(&doc, `<outline text="Feed %d" type="rss" xmlUrl="https://f%d.example.com/%d/feed" htmlUrl="https://f%d.example.com/"/>`, j, i, j, i)
		}
		doc.WriteString(`</outline>`)
	}
	doc.WriteString(`</body></opml>`)
	data := doc.Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := opml.Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWrite(b *testing.B) {
	feeds := make([]opml.Outline, 1000)
	for i := range feeds {
		feeds[i] = opml.Outline{Text: fmt.Sprint("Feed ", i), XMLURL: fmt.Sprintf("https://f%d.example.com/feed", i), Topic: fmt.Sprint("t", i%50)}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := opml.Write(io.Discard, "b", feeds); err != nil {
			b.Fatal(err)
		}
	}
}
