package extract

import (
	"strings"
	"testing"
)

func TestDropAfterLDBody(t *testing.T) {
	story := []string{
		"The valley railway will run steam trains again from Easter, after volunteers spent six winters relaying the track between the two stations.",
		"The line closed to passengers in the sixties and its rails were lifted soon after, leaving only the embankments and a row of bridges over the river.",
		"A trust formed by former railway workers bought the trackbed and raised money from walkers, anglers and the families of people who once worked on the line.",
		"The first trains will run at weekends only, pulled by a tank engine restored in the old goods shed, with a diesel shunter on hand for the quieter days.",
		"Tickets will be sold at both stations and on the train, and children under five will travel free when they sit on an adult's knee.",
		"The trust hopes to reach the next village within three years, once it has rebuilt the bridge over the mill stream that was swept away by a flood.",
		"Volunteers are still needed for the buffet car, the booking office and the track gang, which meets on the first Saturday of every month.",
	}
	body := strings.Join(story[:6], "\n\n")
	closing := "The Valley Gazette is written by volunteers and printed in the village hall."
	paras := append(append([]string(nil), story[:6]...), closing)
	if got := dropAfterLDBody(paras, strings.Join(story, "\n\n")); len(got) != len(paras) {
		t.Errorf("a body that ends after the text cut it: %d paragraphs of %d", len(got), len(paras))
	}
	if got := dropAfterLDBody(paras, body); len(got) != 6 {
		t.Errorf("the closing line after the body's end stays: %q", got[len(got)-1])
	}
	// A body cut short: what follows its end is long and stays.
	long := append(append([]string(nil), paras...), strings.Repeat("The bridge fund has grown steadily since the spring. ", 20))
	if got := dropAfterLDBody(long, body); len(got) != len(long) {
		t.Errorf("a short body's end cut %d paragraphs of a long close", len(long)-len(got))
	}
}
