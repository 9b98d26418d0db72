package extract

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// spreadStory reports whether block holds a story written over several
// containers: storyMinParas or more <p> elements of actionStoryWords
// words or more (sentences, not labels) outside lists and tables,
// storyMinWords words in all. Editors built from blocks put each run of
// paragraphs in a box of its own, between which the template sets its
// pictures and banners, so that no one element holds the story's
// paragraphs (storyContainer finds a list or a short run instead).
func spreadStory(block *html.Node) bool { return spreadStoryEnd(block) != nil }

// spreadStoryEnd returns the last paragraph of the story spread over
// several containers in block (see spreadStory), nil when block holds
// no such story.
func spreadStoryEnd(block *html.Node) *html.Node {
	paras, words := 0, 0
	var last *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Li, atom.Ul, atom.Ol, atom.Table:
				continue
			case atom.P:
				if w := wordsIn(c); w >= actionStoryWords {
					paras++
					words += w
					last = c
				}
				continue
			}
			walk(c)
		}
	}
	walk(block)
	if paras < storyMinParas || words < storyMinWords {
		return nil
	}
	return last
}
