package parser_test

import (
	"fmt"

	"github.com/feedsift/feedsift/parser"
)

func ExampleParse() {
	body := []byte(`<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>Example News</title>
    <link>https://news.example.com/</link>
    <item>
      <title>Rivers &amp;amp; lakes</title>
      <link>/2026/rivers</link>
      <guid isPermaLink="false">rivers-1</guid>
      <pubDate>Tue, 24 Nov 2026 09:30:00 +0100</pubDate>
    </item>
  </channel>
</rss>`)
	feed, err := parser.Parse(body, "application/rss+xml", "https://news.example.com/feed.xml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(feed.Format, feed.Title)
	for _, it := range feed.Items {
		fmt.Println(it.GUID, it.URL, it.Title, it.Published)
	}
	// Output:
	// rss Example News
	// rivers-1 https://news.example.com/2026/rivers Rivers & lakes 2026-11-24 08:30:00 +0000 UTC
}
