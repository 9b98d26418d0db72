package extract

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Documentation and books number their code listings as HTML numbers its
// figures: a <figure> holds the <pre> of the listing and a <figcaption>
// naming it ("Listing 3-2: Reading the whole file"), and a code block
// framed with a copy button or a file name is often set in a <figure> as
// well. Such a figure is the text the page teaches, not a picture with
// its caption: a figure holding a <pre> is kept as a text figure
// (textFigure), as one holding a table or a quote is, and its caption
// stays with it (listingCaption).

// codeListing reports whether n, an element inside a figure, is the
// <pre> of a code listing.
func codeListing(n *html.Node) bool {
	return n.DataAtom == atom.Pre
}

// listingCaption reports whether n, a <figcaption>, captions a code
// listing: its parent is a <figure> holding a <pre>. Its words name the
// listing the text refers to; a picture's caption still goes.
func listingCaption(n *html.Node) bool {
	p := n.Parent
	return p != nil && p.DataAtom == atom.Figure && findFirst(p, atom.Pre) != nil
}
