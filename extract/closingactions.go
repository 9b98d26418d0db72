package extract

import (
	"golang.org/x/net/html"
)

// closingActions returns the action boxes (actionBoxes) inside block
// that follow the last paragraph of a story spread over several
// containers (spreadStoryEnd), on a page that declares an article
// through og:type alone. Templates set og:type article on every page,
// service pages included, whose pitches and buttons between their
// paragraphs are their content, so storyActions does not read such a
// page; but a pitch with its button after the story's last paragraph
// closes the story rather than tells it: the row of the site's offers
// ("Get a free quote", "Learn about our plans") a template sets under
// an article.
func closingActions(boxes map[*html.Node]bool, block *html.Node) map[*html.Node]bool {
	if len(boxes) == 0 {
		return nil
	}
	end := spreadStoryEnd(block)
	if end == nil {
		return nil
	}
	return boxesAfter(block, end, boxes)
}
