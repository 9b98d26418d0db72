package feedfarm

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"html/template"
	"strings"
	"time"
)

// pageData is what a page template is given.
type pageData struct {
	Site      string // site name (path prefix)
	SiteTitle string
	Section   string // breadcrumb section, from the topic
	Title     string
	Author    string
	Date      string // "7 March 2026", empty when unknown
	DateISO   string
	Canonical string
	Image     string // file name of the lead image
	Body      []string
	Related   []link
	Year      int
}

type link struct {
	URL, Title string
}

// indexData is what the index template is given.
type indexData struct {
	Sites []indexSite
}

type indexSite struct {
	Title, Format, Topic, FeedURL string
	SummaryOnly                   bool
	Template                      string
}

// parseTemplates parses the page templates; their names are Template.String
// values plus "index".
func parseTemplates() (*template.Template, error) {
	t := template.New("pages")
	for name, text := range map[string]string{
		TemplateNewsroom.String(): newsroomHTML,
		TemplateBlog.String():     blogHTML,
		TemplateWire.String():     wireHTML,
		"index":                   indexHTML,
	} {
		if _, err := t.New(name).Parse(text); err != nil {
			return nil, fmt.Errorf("feedfarm: parse %s template: %w", name, err)
		}
	}
	return t, nil
}

// renderPage writes the page of entry e on site s. related are the other
// entries the page links to.
func renderPage(t *template.Template, s Site, e Entry, related []Entry, base string) ([]byte, error) {
	d := pageData{
		Site:      s.Name,
		SiteTitle: siteTitle(s),
		Section:   section(s.Topic),
		Title:     e.title(),
		Author:    e.Article.Author,
		Canonical: base + pagePath(s, e),
		Image:     imageName(e.Article.Slug),
		Body:      body(e),
		Year:      epoch().Year(),
	}
	if p := e.published(); !p.IsZero() {
		d.Date, d.DateISO, d.Year = p.Format("2 January 2006"), p.Format(time.RFC3339), p.Year()
	}
	for _, r := range related {
		d.Related = append(d.Related, link{URL: base + entryURL(s, r), Title: r.title()})
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, s.Template.String(), d); err != nil {
		return nil, fmt.Errorf("feedfarm: render page %s: %w", pagePath(s, e), err)
	}
	return b.Bytes(), nil
}

// section is the breadcrumb's middle part: the last token of the topic,
// capitalised ("world.europe" → "Europe").
func section(topic string) string {
	if topic == "" {
		return "News"
	}
	last := topic[strings.LastIndexByte(topic, '.')+1:]
	return strings.ToUpper(last[:1]) + last[1:]
}

// imageName is a plausible file name for an article's lead image, the
// kind a caption often shows instead of a real caption.
func imageName(slug string) string {
	h := fnv.New32a()
	h.Write([]byte(slug))
	words := strings.Split(slug[strings.LastIndexByte(slug, '/')+1:], "-")
	if len(words) > 4 {
		words = words[:4]
	}
	return fmt.Sprintf("%s-%d-1280x720.jpg", strings.Join(words, "-"), h.Sum32()%900000+100000)
}

const newsroomHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}} | {{.SiteTitle}}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{{.Title}}">
<meta property="og:site_name" content="{{.SiteTitle}}">
{{with .DateISO}}<meta property="article:published_time" content="{{.}}">{{end}}
<link rel="canonical" href="{{.Canonical}}">
</head>
<body class="article-page">
<div class="cookie-banner" role="dialog" aria-label="Cookie consent">
<p>We use cookies to improve your experience, measure traffic and show relevant advertising. By continuing to browse you agree to our use of cookies.</p>
<button type="button">Accept all</button> <a href="/privacy">Manage preferences</a>
</div>
<header class="site-header">
<a class="logo" href="/{{.Site}}/">{{.SiteTitle}}</a>
<nav class="main-menu" aria-label="Main">
<ul><li><a href="/{{.Site}}/">Home</a></li><li><a href="/{{.Site}}/news/">News</a></li><li><a href="/{{.Site}}/world/">World</a></li><li><a href="/{{.Site}}/business/">Business</a></li><li><a href="/{{.Site}}/sport/">Sport</a></li><li><a href="/{{.Site}}/opinion/">Opinion</a></li><li><a href="/{{.Site}}/weather/">Weather</a></li></ul>
</nav>
<a class="subscribe" href="/{{.Site}}/subscribe">Subscribe from 1 euro a week</a>
</header>
<nav class="breadcrumb" aria-label="Breadcrumb"><a href="/{{.Site}}/">Home</a> » <a href="/{{.Site}}/{{.Section}}/">{{.Section}}</a> » <span>{{.Title}}</span></nav>
<main id="content">
<article class="story">
<header>
<h1 class="headline">{{.Title}}</h1>
<p class="byline">{{with .Author}}By <a rel="author" href="#">{{.}}</a> · {{end}}{{with .Date}}<time datetime="{{$.DateISO}}">{{.}}</time>{{end}}</p>
</header>
<figure class="lead-image">
<img src="/{{.Site}}/media/{{.Image}}" alt="" width="1280" height="720">
<figcaption>{{.Image}}</figcaption>
</figure>
<div class="story-body">
{{range .Body}}<p>{{.}}</p>
{{end}}</div>
<div class="share-bar" aria-label="Share">
<span>Share this article</span>
<a href="#">Facebook</a> <a href="#">X</a> <a href="#">WhatsApp</a> <a href="#">Email</a> <a href="#">Copy link</a>
</div>
</article>
<aside class="sidebar">
<section class="related">
<h2>Related</h2>
<ul>{{range .Related}}<li><a href="{{.URL}}">{{.Title}}</a></li>{{end}}</ul>
</section>
<section class="most-read">
<h2>Most read</h2>
<ol><li><a href="#">Council publishes plans for new riverside park</a></li><li><a href="#">Weekend weather: sunshine and showers</a></li><li><a href="#">Five places to eat outdoors this spring</a></li></ol>
</section>
<div class="newsletter"><p>Get the morning briefing in your inbox. Sign up for our free newsletter.</p><form><input type="email" placeholder="Your email"><button>Sign up</button></form></div>
</aside>
</main>
<footer class="site-footer">
<nav aria-label="Footer"><a href="#">About us</a> · <a href="#">Contact</a> · <a href="#">Advertise</a> · <a href="#">Privacy policy</a> · <a href="#">Terms of use</a></nav>
<p>© {{.Year}} {{.SiteTitle}}. All rights reserved.</p>
</footer>
</body>
</html>
`

const blogHTML = `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8">
<title>{{.Title}} – {{.SiteTitle}}</title>
<link rel="canonical" href="{{.Canonical}}">
<meta name="generator" content="WordPress 6.5">
</head>
<body class="post-template-default single single-post">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<div id="page" class="site">
<header id="masthead" class="site-header">
<p class="site-title"><a href="/{{.Site}}/" rel="home">{{.SiteTitle}}</a></p>
<p class="site-description">Independent news from the northern valleys</p>
<nav id="site-navigation" class="main-navigation">
<button class="menu-toggle">Menu</button>
<ul id="primary-menu" class="menu"><li><a href="/{{.Site}}/">Home</a></li><li><a href="#">News</a></li><li><a href="#">Politics</a></li><li><a href="#">Environment</a></li><li><a href="#">Letters</a></li><li><a href="#">Contact</a></li></ul>
</nav>
</header>
<div id="content" class="site-content">
<div id="primary" class="content-area">
<main id="main" class="site-main">
<div class="breadcrumbs"><a href="/{{.Site}}/">Home</a> » <a href="#">{{.Section}}</a> » {{.Title}}</div>
<article class="post type-post status-publish format-standard hentry">
<header class="entry-header">
<h1 class="entry-title">{{.Title}}</h1>
<div class="entry-meta"><span class="posted-on">Posted on {{with .Date}}<time class="entry-date published" datetime="{{$.DateISO}}">{{.}}</time>{{end}}</span>{{with .Author}} <span class="byline">by <span class="author vcard">{{.}}</span></span>{{end}}</div>
</header>
<div class="entry-content">
<figure class="wp-block-image size-large"><img src="/{{.Site}}/wp-content/uploads/{{.Image}}" alt=""><figcaption class="wp-element-caption">{{.Image}}</figcaption></figure>
{{range .Body}}<p>{{.}}</p>
{{end}}<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul><li><a href="#">Share on X</a></li><li><a href="#">Share on Facebook</a></li><li><a href="#">Print</a></li></ul></div>
</div>
<footer class="entry-footer"><span class="cat-links">Posted in <a href="#">{{.Section}}</a></span> <span class="tags-links">Tagged <a href="#">local news</a></span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Posts"><div class="nav-previous"><a href="#">Previous post</a></div><div class="nav-next"><a href="#">Next post</a></div></nav>
<section class="similar-posts">
<h2>Similar Posts</h2>
<ul>{{range .Related}}<li><a href="{{.URL}}">{{.Title}}</a></li>{{end}}</ul>
</section>
<div id="comments" class="comments-area">
<h2 class="comments-title">One thought on “{{.Title}}”</h2>
<ol class="comment-list">
<li class="comment"><article class="comment-body"><footer class="comment-meta"><b class="fn">Marguerite</b> <span class="says">says:</span></footer><div class="comment-content"><p>Thank you for covering this. Nobody else seems to be asking the questions.</p></div><div class="reply"><a class="comment-reply-link" href="#">Reply</a></div></article></li>
</ol>
<div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
<form class="comment-form">
<p class="comment-notes">Your email address will not be published. Required fields are marked *</p>
<p class="comment-form-comment"><label>Comment *</label><textarea name="comment"></textarea></p>
<p class="comment-form-author"><label>Name *</label><input name="author"></p>
<p class="comment-form-email"><label>Email *</label><input name="email"></p>
<p class="comment-form-cookies-consent"><input type="checkbox"> <label>Save my name, email, and website in this browser for the next time I comment.</label></p>
<p class="form-submit"><input type="submit" value="Post Comment"></p>
</form>
</div>
</div>
</main>
</div>
<aside id="secondary" class="widget-area">
<section class="widget widget_search"><form><input type="search" placeholder="Search …"><button>Search</button></form></section>
<section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>{{range .Related}}<li><a href="{{.URL}}">{{.Title}}</a></li>{{end}}</ul></section>
<section class="widget widget_archive"><h2 class="widget-title">Archives</h2><ul><li><a href="#">March {{.Year}}</a></li><li><a href="#">February {{.Year}}</a></li></ul></section>
</aside>
</div>
<a href="#page" class="back-to-top">Back to top button</a>
<footer id="colophon" class="site-footer"><div class="site-info">© {{.Year}} {{.SiteTitle}} · Proudly powered by WordPress</div></footer>
</div>
</body>
</html>
`

const wireHTML = `<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{{.SiteTitle}} - {{.Title}}</title>
<link rel="canonical" href="{{.Canonical}}">
</head>
<body>
<div id="topbar"><div class="links"><a href="#">Subscribe</a> | <a href="#">Sign in</a> | <a href="#">Newsletters</a></div><div class="ticker">Markets · Weather · Traffic · Tides</div></div>
<div id="header"><div class="logo"><a href="/{{.Site}}/">{{.SiteTitle}}</a></div>
<div class="menu"><a href="#">Top stories</a> <a href="#">Regions</a> <a href="#">Business</a> <a href="#">Science</a> <a href="#">Photos</a> <a href="#">Contact</a></div></div>
<div id="page">
<div class="crumbs"><a href="/{{.Site}}/">Home</a> » <a href="#">{{.Section}}</a> » {{.Title}}</div>
<div class="col-main">
<div class="headline"><h1>{{.Title}}</h1></div>
<div class="meta">{{with .Author}}{{.}} | {{end}}{{.Date}} | <a href="#">Print</a> | <a href="#">Email</a></div>
<figure class="photo"><img src="/{{.Site}}/photos/{{.Image}}" alt=""><figcaption>{{.Image}}</figcaption></figure>
<div class="story-text">
{{range .Body}}<p>{{.}}</p>
{{end}}</div>
<div class="share">Share: <a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">LinkedIn</a> <a href="#">Email</a></div>
<div class="tags">Tags: <a href="#">{{.Section}}</a> <a href="#">wire</a></div>
</div>
<div class="col-side">
<div class="box"><div class="box-title">Related</div>{{range .Related}}<div class="item"><a href="{{.URL}}">{{.Title}}</a></div>{{end}}</div>
<div class="box"><div class="ad">Advertisement</div><div class="ad-slot">Your business here. Call our sales team today.</div></div>
</div>
</div>
<div id="cookie-notice"><p>This website uses cookies to ensure you get the best experience.</p><a href="#">Got it!</a></div>
<div id="footer"><p>© {{.Year}} {{.SiteTitle}}. All rights reserved. Reproduction without written permission is prohibited.</p><p><a href="#">Scroll to Top</a></p></div>
</body>
</html>
`

const indexHTML = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>feedfarm</title></head>
<body>
<h1>feedfarm</h1>
<p>Invented news sites served from memory for the feedsift demo and tests.</p>
<ul>
{{range .Sites}}<li><a href="{{.FeedURL}}">{{.Title}}</a>: {{.Format}} feed, {{.Template}} pages, topic {{.Topic}}{{if .SummaryOnly}}, summaries only{{end}}</li>
{{end}}</ul>
</body>
</html>
`
