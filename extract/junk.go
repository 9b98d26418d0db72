package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// junkPhrases are whole lines (after junkKey) that are never story text:
// the phrases below and every heading in relatedHeads. Keys are lower-case,
// without surrounding punctuation, quotes, arrows, bullets or asterisks.
var junkPhrases = union(relatedHeads, makeSet(
	// comment forms and WordPress furniture
	"leave a comment", "leave a reply", "leave a reply cancel reply", "cancel reply", "reply",
	"post comment", "submit comment", "add comment", "add a comment", "comments", "comment", "no comments",
	"0 comments", "view comments", "show comments", "join the conversation", "join the discussion",
	"your email address will not be published", "required fields are marked",
	"your email address will not be published. required fields are marked",
	"save my name, email, and website in this browser for the next time i comment",
	"notify me of follow-up comments by email", "notify me of new posts by email",
	"this site uses akismet to reduce spam. learn how your comment data is processed",
	"name", "email", "e-mail", "website", "δ", "you must be logged in to post a comment",
	"post navigation", "previous post", "next post", "previous article", "next article",
	"source link", "source", "sources", "back to top", "back to top button", "scroll to top", "go to top",
	"top", "to top", "skip to content", "skip to main content", "toggle navigation", "menu", "main menu",
	// the home page's name alone: a breadcrumb's first crumb left when its
	// links went, or a menu's first entry (homeWords)
	"home", "homepage", "home page", "startseite", "accueil",
	"search", "close", "open", "loading", "like this", "like loading", "print", "print this page",
	// share bars
	"share", "share this", "share this article", "share this story", "share this post", "share this page",
	"share article", "share story", "share on", "shares", "share via", "tweet", "pin it", "copy link",
	"link copied", "email this", "click to share", "sharing is caring",
	// related / recommended headings: see relatedHeads, merged in below
	// reading links
	"read more", "continue reading", "read full article", "read the full article", "read the full story",
	"read more here", "click here", "learn more", "see more", "show more", "view more",
	// ads
	"advertisement", "advertisements", "advertising", "ad", "ads", "sponsored", "sponsored content",
	"paid content", "promoted", "story continues below advertisement", "article continues below advertisement",
	"article continues below", "continue reading below", "scroll to continue with content",
	"content continues below", "story continues below",
	// newsletters, follow
	"subscribe", "subscribe now", "sign up", "sign up now", "newsletter", "follow us", "follow us on",
	"subscribe to our newsletter", "sign up for our newsletter", "sign up to our newsletter",
	"get our newsletter", "join our newsletter", "join our mailing list", "join the mailing list",
	"pin this for later", "pin for later", "pin it for later", "share it", "table of contents",
	"what do you think", "be the first to comment", "search this site", "last updated on", "copyright",
	"contact us", "comment via", "sign up for newsletters", "sign up for our newsletters",
	// legal
	"all rights reserved", "privacy policy", "terms of use", "terms of service", "terms and conditions",
	"cookie policy", "cookie settings", "manage cookies", "accept cookies", "accept all cookies",
	"accept all", "reject all", "i agree", "got it",
	// photos
	"image", "photo", "video", "getty images", "image source", "image caption", "media caption",
	"enlarge this image", "toggle caption", "hide caption", "open image in gallery",
	// German
	"weiterlesen", "mehr lesen", "mehr", "mehr zum thema", "mehr dazu", "lesen sie auch", "lesen sie mehr",
	"teilen", "artikel teilen", "beitrag teilen", "jetzt teilen", "anzeige", "werbung", "kommentare",
	"kommentar", "kommentar schreiben", "kommentar verfassen", "schreibe einen kommentar",
	"ähnliche artikel", "ähnliche beiträge", "verwandte artikel", "das könnte sie auch interessieren",
	"auch interessant", "empfehlungen", "nach oben", "zum seitenanfang", "zurück nach oben", "drucken",
	"startseite", "alle rechte vorbehalten", "newsletter abonnieren", "jetzt abonnieren", "themen",
	"schlagworte", "quelle", "zum artikel", "artikel lesen", "mehr erfahren", "bild vergrößern",
	// French
	"lire la suite", "lire aussi", "à lire aussi", "a lire aussi", "lire plus", "en savoir plus", "partager",
	"partager cet article", "partager sur facebook", "partager sur twitter", "publicité", "commentaires",
	"commentaire", "laisser un commentaire", "laisser une réponse", "articles similaires",
	"articles liés", "sur le même sujet", "vous aimerez aussi", "vous aimerez aussi lire",
	"tous droits réservés", "retour en haut", "haut de page", "s'abonner", "abonnez-vous",
	"abonnez-vous à notre newsletter", "inscrivez-vous à notre newsletter", "suivez-nous", "imprimer",
	// Spanish
	"leer más", "leer mas", "seguir leyendo", "leer también", "lee también", "compartir", "compartir en facebook",
	"compartir en twitter", "publicidad", "comentarios", "comentario", "deja un comentario",
	"deja una respuesta", "dejar un comentario", "artículos relacionados", "noticias relacionadas",
	"te puede interesar", "también te puede interesar", "te podría interesar", "todos los derechos reservados",
	"volver arriba", "ir arriba", "suscríbete", "suscribirse", "síguenos", "imprimir",
	// Italian, Portuguese
	"leggi anche", "leggi di più", "condividi", "pubblicità", "commenti", "articoli correlati",
	"leia mais", "leia também", "compartilhe", "compartilhar", "publicidade", "comentários",
	"notícias relacionadas", "todos os direitos reservados",
	// more German furniture
	"weitere informationen", "weiterführende informationen", "weitere infos", "zusatzinformationen",
	"kommentare geschlossen", "kommentieren", "rezept drucken", "seite teilen", "diesen artikel teilen",
	"lust auf mehr", "quellen ausblenden", "quellenangaben", "externer inhalt", "beitragsbild", "titelbild",
	"war der artikel nützlich", "möchten sie den artikel teilen", "dieser artikel gefällt ihnen",
	"kontakt", "autoren", "veröffentlichung", "noch keine bewertungen", "das könnte dich",
	// misc
	"permalink", "permalien", "pdf", "like it? share it", "publikacja", "źródło",
))

// relatedHeads start a block of teaser titles: short lines after them are
// dropped until story text appears again.
var relatedHeads = makeSet(
	"similar posts", "related posts", "related post", "related articles", "related article", "related stories",
	"related", "related content", "related news", "related topics", "read next", "more stories", "more news",
	"you may also like", "you might also like", "you may like", "you might like", "recommended",
	"recommended for you", "recommended stories", "recommended articles", "most popular", "most read",
	"popular posts", "popular stories", "trending", "trending now", "trending stories", "latest news",
	"latest posts", "recent posts", "top stories", "don't miss", "must read", "see also", "also read",
	"read also", "more from this section", "editor's picks", "in case you missed it",
	"mehr zum thema", "lesen sie auch", "ähnliche artikel", "ähnliche beiträge", "verwandte artikel",
	"das könnte sie auch interessieren", "auch interessant", "empfehlungen", "lire aussi", "à lire aussi",
	"a lire aussi", "articles similaires", "articles liés", "sur le même sujet", "vous aimerez aussi",
	"vous aimerez aussi lire", "artículos relacionados", "noticias relacionadas", "te puede interesar",
	"también te puede interesar", "te podría interesar", "leer también", "lee también", "leggi anche",
	"articoli correlati", "leia também", "notícias relacionadas",
	"leave a comment", "leave a reply", "comments", "kommentare", "commentaires", "comentarios",
	"related blog posts", "related reading", "more posts", "more articles", "more like this", "keep reading",
	"recommended reading", "popular articles", "latest articles", "recent articles", "what others are reading",
	"you may also enjoy", "you might also enjoy", "other posts you may enjoy", "other posts you might enjoy",
	"you may be interested in", "you might be interested in", "you may also be interested in",
	"article tags", "good articles to read together", "explore further",
	"weiterführende links", "weitere artikel", "weitere artikel zum thema",
	"weitere beiträge", "weitere themen", "mehr themen", "mehr interessantes", "empfohlene beiträge",
	"empfohlene artikel", "das könnte dich auch interessieren", "das könnte dich interessieren",
	"das könnte sie interessieren", "schon gelesen", "zum weiterlesen", "kommentierte artikel",
	"aktuelle berichte", "themen im artikel", "keine kommentare", "à découvrir",
	"contenido relacionado", "temas relacionados", "notas relacionadas", "ezek is érdekelhetnek",
)

// moreFromHead matches the heading of a teaser block named after its
// source or topic (the heading goes; what follows it is judged on its
// own, as a documentation page may head a real section so): "More from the Tribune", "More on remote work",
// "More in Local News", "Mehr zum Thema Karriere", "Mehr von Anna".
var moreFromHead = regexp.MustCompile(`^(more (from|on|in|about)|mehr (zum thema|von|aus|über)|weitere (artikel|beiträge|themen|nachrichten) (zu|zum|aus|von|über)) [^.!?]+$`)

// isMoreFromHead reports whether line, whose junk key (see junkKey) is k,
// is a moreFromHead heading of eight words or fewer: not a sentence
// ("More on this later.").
func isMoreFromHead(line, k string) bool {
	if !strings.HasPrefix(k, "more ") && !strings.HasPrefix(k, "mehr ") && !strings.HasPrefix(k, "weitere ") {
		return false
	}
	end, _ := utf8.DecodeLastRuneInString(strings.TrimRight(line, "\"”»’')] "))
	return !strings.ContainsRune(".!?…", end) && wordCount(k) <= 8 && moreFromHead.MatchString(k)
}

// tailHeads head the furniture that closes an article page: author and
// reviewer bios. In the second half of the text, such a heading and
// everything after it are dropped; elsewhere only the line.
var tailHeads = makeSet("about the author", "about the authors", "about the reviewer", "about the writer",
	"about the editor", "meet the author", "author bio", "author biography", "über den autor",
	"über die autorin", "à propos de l'auteur", "sobre el autor", "sobre la autora")

// longTailMin is the fewest characters after a heading of tailHeads
// that may be more of the page's own text rather than a box about the
// writer (see shortTail): some 300 words.
const longTailMin = 2000

// shortTail reports whether rest characters of a text of total
// characters, after a heading of tailHeads, are few enough to be the
// box about the writer and what closes the page: under longTailMin, or
// a third of the text at most. A longer rest is more of the page's own
// text: a book's page prints "About the author", then an excerpt of
// several pages and the book's details.
func shortTail(rest, total int) bool { return rest < longTailMin || rest*3 <= total }

// socialWords are names a share bar is made of; a line made only of them is junk.
var socialWords = makeSet("facebook", "twitter", "x", "linkedin", "pinterest", "whatsapp", "reddit", "email",
	"e-mail", "mail", "telegram", "tumblr", "print", "share", "copy", "link", "messenger", "flipboard", "pocket",
	"sms", "threads", "bluesky", "mastodon", "xing", "vk", "instagram", "youtube", "tiktok", "google", "tweet",
	"teilen", "partager", "compartir", "drucken", "imprimer")

var junkPatterns = []*regexp.Regexp{
	regexp.MustCompile(`^(posted|written|reviewed|edited|fact[- ]checked|medically reviewed) by [^.!?]{1,60}$`),
	regexp.MustCompile(`^(recent|more|latest|other) (stories|posts|articles) (by|from) [^.!?]{1,60}$`),
	regexp.MustCompile(`^(subscribe|sign up)( now)? to (get|receive) [^.!?]{1,80}\.?$`),
	regexp.MustCompile(`^(receive|get) [^.!?]{1,60} (delivered )?(to|in) your inbox\.?$`),
	regexp.MustCompile(`^(last )?(updated|modified|posted|published)( on)?:? [^.!?]{0,40}(\d{4}(-\d\d-\d\d)?|ago)( by [^.!?]{1,40})?\.?( [-–—|·] [^.!?]{1,40})?$`),
	regexp.MustCompile(`^by [^.!?]{1,50} [·|•-]? ?\d+ min(ute)?s? read$`),
	regexp.MustCompile(`^comment (via|on|with)\b[^.!?]{0,60}$`),
	regexp.MustCompile(`^you (may|might) (also )?(be interested in|like|enjoy)\b[^.!?]{0,50}:?$`),
	regexp.MustCompile(`^join (our|my|the) (mailing list|newsletter|email list)\b.{0,120}$`),
	regexp.MustCompile(`^(disclosure|affiliate disclosure|advertiser disclosure|advertising disclosure)\s*:.{0,400}$`),
	regexp.MustCompile(`^(jump|skip) to (the )?(list|content|recipe|main content|comments|navigation)\b.{0,20}$`),
	regexp.MustCompile(`^did you (make|try) (this|one of (my|our|these)) recipes?\b.{0,140}$`),
	regexp.MustCompile(`^get (the|your|a|our) free [^.!?]{1,40}!?$`),
	regexp.MustCompile(`^page \d+ of \d+$`),
	regexp.MustCompile(`^share (this|on|via|to|with) [\p{L}\d ,.&/()-]{1,60}$`),
	regexp.MustCompile(`^click to (share|email|print|tweet|pin)\b.{0,60}$`),
	regexp.MustCompile(`^(follow|like|find) us( on [\p{L}\d ,&/.+-]{1,50})?$`),
	regexp.MustCompile(`^follow [\p{L}\d @.&'-]{1,40} on (twitter|x|facebook|instagram|linkedin|tiktok|youtube|threads|bluesky|mastodon|google news)\b.{0,30}$`),
	regexp.MustCompile(`^(subscribe|sign up|register) (to|for|with) (our|the|my) .{0,40}(newsletter|updates|channel|podcast).{0,60}$`),
	regexp.MustCompile(`^(get|join) (our|the) .{0,30}newsletter.{0,60}$`),
	regexp.MustCompile(`^(©|\(c\)|copyright ©|copyright \(c\)|copyright \d{4}).{0,200}$`),
	regexp.MustCompile(`^.{0,150}(all rights reserved|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados)\.?$`),
	regexp.MustCompile(`^(tags?|tagged|topics|themen|schlagw(ö|o)rter|schlagworte|stichworte|étiquettes|mots-clés|etiquetas|temas)\s*:.{0,300}$`),
	regexp.MustCompile(`^(posted|published|filed|categorized|category|categories|kategorie|rubrique|categoría) (in|under)\b[^.!?]{0,100}$`),
	regexp.MustCompile(`^(categories|category|kategorie|kategorien)\s*:.{0,200}$`),
	regexp.MustCompile(`^(read more|read the full (story|article)|continue reading|weiterlesen|lire la suite|leer más|leggi tutto|leia mais)\b[^.!?]{0,120}$`),
	regexp.MustCompile(`^(related|see also|also read|read also|read more|more|lesen sie auch|mehr zum thema|lire aussi|à lire aussi|à lire|leer también|lee también|te puede interesar|leggi anche|leia também)\s*:.{0,200}$`),
	regexp.MustCompile(`^(we|this (web)?site|our (web)?site|this page) uses? cookies\b.{0,600}$`),
	regexp.MustCompile(`^by (continuing|using|clicking).{0,200}cookies.{0,300}$`),
	regexp.MustCompile(`^(wir verwenden|wir nutzen|diese (web)?seite (verwendet|nutzt)|diese website (verwendet|nutzt)) cookies\b.{0,600}$`),
	regexp.MustCompile(`^(ce site|nous) (utilise|utilisons) des cookies\b.{0,600}$`),
	regexp.MustCompile(`^(este sitio( web)?|esta (web|página)|utilizamos|usamos) (utiliza |usa )?cookies\b.{0,600}$`),
	regexp.MustCompile(`^(photo|image|picture|pictured|foto|bild|credit|photo credit|image credit|crédit photo|crédit|fotos?|bildquelle)\s*:\s*[^.!?]{0,80}$`),
	regexp.MustCompile(`^\(?(photo|image|picture|foto) (by|courtesy of|credit)\b[^.!?]{0,80}\)?$`),
	regexp.MustCompile(`^(quelle|quellen|bildquelle|bildnachweis|fotonachweis|fotos?|crédits? photos?|fuente|źródło|source)\s*:\s*[^.!?]{0,60}$`),
	regexp.MustCompile(`^.{0,80}\b(subscribe|log in|sign in)\b.{0,60}\bfull (story|article)\b.{0,40}$`),
	regexp.MustCompile(`^[\p{L}\d _.-]{1,80}\.(jpe?g|png|gif|webp|avif|svg|bmp|tiff?)$`),
	regexp.MustCompile(`^\d+\s*(min|mins|minute|minutes|minuten)\.?\s*(read|lesezeit|de lecture|de lectura)?$`),
	regexp.MustCompile(`^(lesezeit|reading time|temps de lecture|tiempo de lectura)\s*:?\s*\d+.{0,20}$`),
	regexp.MustCompile(`^\d+\s*(comments?|kommentare?|commentaires?|comentarios?|responses?|replies|shares|thoughts on .{1,200})$`),
	regexp.MustCompile(`^(one|two|three) (thoughts?|responses?|comments?) (on|to) .{1,200}$`),
	regexp.MustCompile(`^(story|article|content|text) continues below.{0,40}$`),
	regexp.MustCompile(`^(advertisement|anzeige|publicité|publicidad)$`),
	regexp.MustCompile(`^(previous|next|prev)( (post|article|story|page))?\s*:.{0,200}$`),
	regexp.MustCompile(`^(this (article|story|post) (was )?(originally )?(appeared|published) (on|in|at)|originally published (on|at|in)) [^.!?]{1,100}$`),
}

// junkPatternIndex tries a line only on the junkPatterns that can begin
// with its first byte.
var junkPatternIndex = indexAnchored(junkPatterns)

// creditAgency matches the names of photo agencies and stock libraries
// that image credits cite; the short news agency acronyms match only in
// their own case ("AFP", "dpa"), so that "DPA" in a list of documents does
// not.
var creditAgency = regexp.MustCompile(`(?i:getty ?images|shutterstock|istock(photo)?|unsplash|pexels|pixabay|picture[- ]alliance|alamy|adobe ?stock|imago|keystone|ap photo|reuters)|\b(AFP|dpa|ANSA|EFE|EPA-EFE)\b`)

// creditWords show that a short line naming an agency is a credit.
var creditWords = regexp.MustCompile(`(?i)[/©|]|\bvia\b|\b(photo|photos|image|images|picture|credit|foto|fotos|bild|quelle|source)\b`)

// isCreditLine reports whether line is an image credit standing alone
// where a figure's caption was pruned: a short line that names a photo
// agency or stock library and either nothing else or a photographer with
// a separator or a credit word, in a few words ("Getty Images / Jane
// Roe", "Photo by Jo on Unsplash", "AFP / JOHN ROE"). A sentence or a
// headline that mentions an agency ("Reuters reported on Monday that
// ...") is not one.
func isCreditLine(line string) bool {
	if !mayNameAgency(strings.ToLower(line)) {
		return false // the regular expression is slow; most lines name none
	}
	loc := creditAgency.FindStringIndex(line)
	if loc == nil || endsSentence(strings.TrimSuffix(line, ".com")) && wordCount(line) > 4 {
		return false
	}
	rest := strings.Trim(line[:loc[0]]+line[loc[1]:], trimJunkChars)
	return rest == "" || wordCount(rest) <= 6 && creditWords.MatchString(line)
}

// newsletterCall matches the publisher's call to subscribe to its
// newsletter or follow it on a social network, in the words such calls
// use across the web ("sign up for our newsletter", "follow us on
// Instagram", "abonniere unseren Newsletter").
var newsletterCall = regexp.MustCompile(`\b(sign up|subscribe|register) (now )?(for|to) (our|my) ([\pL-]+ ){0,2}(newsletters?|mailing list|email list)\b|` +
	`\bfollow us on (facebook|instagram|twitter|x|tiktok|linkedin|youtube|threads|bluesky)\b|` +
	`\b(abonniere|abonnieren sie|abonnier) (unseren|unsere|den) [\pL-]*newsletter|` +
	`\binscrivez-vous à (notre|la) newsletter|\bsuscr[ií]bete a (nuestro|nuestra|la) (newsletter|bolet[ií]n)`)

// isNewsletterCall reports whether a lower-case line, short enough to be
// a box of its own (classify asks it of lines of 45 words or fewer),
// calls the reader to subscribe to the site's newsletter or follow it:
// such a line is the site's, not the story's, wherever it sits.
func isNewsletterCall(lower string) bool {
	if !strings.Contains(lower, "newsletter") && !strings.Contains(lower, "follow us on") &&
		!strings.Contains(lower, "mailing list") && !strings.Contains(lower, "email list") &&
		!strings.Contains(lower, "bolet") {
		return false // cheap test first
	}
	return newsletterCall.MatchString(lower)
}

// agencyStems are lower-case parts of every name creditAgency matches.
var agencyStems = []string{"getty", "shutterstock", "istock", "unsplash", "pexels", "pixabay", "picture",
	"alamy", "stock", "imago", "keystone", "ap photo", "reuters", "afp", "dpa", "ansa", "efe"}

// mayNameAgency reports whether a lower-case line may name an agency of
// creditAgency.
func mayNameAgency(lower string) bool {
	for _, s := range agencyStems {
		if strings.Contains(lower, s) {
			return true
		}
	}
	return false
}

// filenameCaption matches an image file name used as a caption:
// "shangri la 326122 1280" (name, a long id, a pixel width).
var filenameCaption = regexp.MustCompile(`^[\p{Ll}][\p{Ll}\d]*( [\p{Ll}\d]+){0,8} \d{5,} \d{3,4}$`)

var (
	months = `(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?|` +
		`januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|` +
		`enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\.?`
	dateLine = regexp.MustCompile(`^((published|updated|posted|last updated|modified|veröffentlicht|aktualisiert|stand|publié|mis à jour|publicado|actualizado)( on| am| le| el)?\s*:?\s*)?` +
		`((mon|tue|wed|thu|fri|sat|sun)[a-z]*,? |(montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag),? )?` +
		`(` + months + ` \d{1,2}(st|nd|rd|th)?,? \d{4}|\d{1,2}(st|nd|rd|th)?\.? (de )?` + months + `( de)?,? \d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})` +
		`(,? (at |um |à |a las )?\d{1,2}[:.h]\d{2}( ?[ap]\.?m\.?)?( uhr)?( [a-z]{2,4})?)?$`)
	// datedIn finds a date anywhere in a line, as dateLine reads one; a
	// date of digits stands apart (not "2015/03/24" in a web address).
	datedIn = regexp.MustCompile(`(` + months + ` \d{1,2}(st|nd|rd|th)?,? \d{4}|\d{1,2}(st|nd|rd|th)?\.? (de )?` + months + `( de)?,? \d{4}|(^|[^\d/])(\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})($|[^\d/]))`)
	// readingTimeIn finds a reading time in a line ("5 min read",
	// "8 minutes de lecture"), which a template prints beside the byline.
	readingTimeIn = regexp.MustCompile(`(^|[^\p{L}\d])\d+\s*(min|mins|minute|minutes|minuten)\.?\s+(read|lesezeit|de lecture|de lectura)($|[^\p{L}])`)
	relativeDate  = regexp.MustCompile(`^(published|updated|posted)?\s*\d+ (seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?) ago$`)
	byline        = regexp.MustCompile(`^(?i:by|von|par|por|di|written by|posted by|text:|von:|autor:|author:)\s+\p{Lu}[\p{L}.'’-]*( (\p{Lu}[\p{L}.'’-]*|van|von|de|der|da|del|la|le|and|und|et|y|&)){0,6}( ?[,|•·⋅–—-] .{0,80})?$`)
	titlePrefix   = regexp.MustCompile(`^(?i)(title|titel|titre|título|titolo)\s*:\s*`)
	crumbSep      = regexp.MustCompile(`\s*[»›→]\s*|\s+[>/|\\]\s+|\s+::\s+`)
)

var homeWords = makeSet("home", "homepage", "home page", "start", "startseite", "accueil", "inicio", "início",
	"news", "nachrichten", "actualités", "noticias", "you are here", "sie sind hier")

// bioNouns are the self-descriptions that author-bio generators string together.
var bioNouns = []string{"aficionado", "specialist", "evangelist", "enthusiast", "creator", "fan", "lover",
	"expert", "advocate", "ninja", "guru", "fanatic", "junkie", "geek", "nerd", "maven", "practitioner",
	"scholar", "writer", "thinker", "buff", "trailblazer", "pioneer", "explorer", "organizer", "introvert",
	"communicator", "student", "solver", "addict", "aholic", "holic", "analyst", "entrepreneur", "gamer",
	"reader", "coffee", "bacon", "beer", "music", "travel", "food", "web", "internet", "tv", "twitter",
	"zombie", "alcohol", "social media", "pop culture", "hardcore", "devoted", "friendly", "incurable",
	"unapologetic", "certified", "wannabe", "typical", "passionate", "avid", "subtly charming", "award-winning"}

func union(a, b map[string]struct{}) map[string]struct{} {
	m := make(map[string]struct{}, len(a)+len(b))
	for k := range a {
		m[k] = struct{}{}
	}
	for k := range b {
		m[k] = struct{}{}
	}
	return m
}

func makeSet(words ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		m[w] = struct{}{}
	}
	return m
}

func in(set map[string]struct{}, k string) bool {
	_, ok := set[k]
	return ok
}

// trimJunkChars are stripped from both ends of a line before junk matching.
const trimJunkChars = " \t:;|–—-•·»«›‹<>→←↑↓▲▼►▶*#()[]{}\"'“”‘’„‚.,!…?=+~_/\\"

// junkKey lower-cases a line and strips surrounding punctuation.
func junkKey(line string) string {
	return junkKeyLower(strings.ToLower(line))
}

// junkKeyLower is junkKey of a line already lower-cased.
func junkKeyLower(lower string) string { return strings.Trim(lower, trimJunkChars) }

// wordCount returns len(strings.Fields(s)) without building the fields:
// it runs for many lines of every page.
func wordCount(s string) int {
	n, inWord := 0, false
	for i := 0; i < len(s); {
		space, size := spaceAt(s, i)
		if !space && !inWord {
			n++
		}
		inWord = !space
		i += size
	}
	return n
}

// junkKind classifies a whole line.
type junkKind int

const (
	notJunk junkKind = iota
	junkLine
	junkHead // junk that starts a block of teaser links or comments
	junkTail // a heading after which, late in the text, nothing is story
)

// classify reports whether a whole line is boilerplate. Only whole short
// lines match: every rule is anchored at both ends.
func classify(line string) junkKind {
	lowered := strings.ToLower(line) // once for both keys below
	k := junkKeyLower(lowered)
	if k == "" {
		return junkLine // only punctuation or symbols
	}
	if utf8.RuneCountInString(k) > 700 {
		return notJunk
	}
	if in(tailHeads, k) {
		return junkTail
	}
	if in(junkPhrases, k) {
		if in(relatedHeads, k) {
			return junkHead
		}
		return junkLine
	}
	if isMoreFromHead(line, k) {
		return junkLine
	}
	lower := strings.Trim(lowered, " \t-–—•·*|»«›‹→←↑")
	words := wordCount(lower)
	if words <= 60 && mayMatchPattern(lower) || strings.Contains(lower, "cookie") {
		if junkPatternIndex.MatchString(lower) {
			return junkLine
		}
	}
	if words <= 45 && isNewsletterCall(lower) {
		return junkLine
	}
	if copyrightLine(lower, words) { // copyrightlines.go
		return junkLine
	}
	if words == 1 && imageAddress.MatchString(strings.TrimSpace(line)) {
		return junkLine
	}
	if words <= 12 {
		if isSocialBar(k) || isFilenameCaption(k) || isCreditLine(line) || dateLine.MatchString(k) || relativeDate.MatchString(k) {
			return junkLine
		}
	}
	return notJunk
}

// imageAddress matches a line that is only the address of an image file:
// a shop template's field (a thumbnail per colour) or a gallery's data
// left visible, not text anyone writes on its own line. An address
// inside a sentence stays: only a whole line matches.
var imageAddress = regexp.MustCompile(`(?i)^(https?:)?//\S+\.(jpe?g|png|gif|webp|avif|svg)(\?\S*)?$`)

func isSocialBar(k string) bool {
	f := strings.FieldsFunc(k, func(r rune) bool {
		return unicode.IsSpace(r) || r == '|' || r == '/' || r == '·' || r == '•' || r == ','
	})
	if len(f) < 2 {
		return false
	}
	for _, w := range f {
		if !in(socialWords, strings.Trim(w, trimJunkChars)) {
			return false
		}
	}
	return true
}

// filenameSeparators turns the word separators of a file name into
// spaces, for isFilenameCaption. A Replacer is safe for concurrent use.
var filenameSeparators = strings.NewReplacer("-", " ", "_", " ")

func isFilenameCaption(k string) bool {
	k = filenameSeparators.Replace(k)
	return filenameCaption.MatchString(collapseSpace(k))
}

// titleKey reduces a title-like line to lower-case letters, digits and
// single spaces, for comparing titles regardless of quotes and punctuation.
func titleKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case r == '\'' || r == '’' || r == '.' || r == '\u00b4':
			// apostrophes and abbreviation dots: "U.S.’s" == "US's"
		default:
			space = true
		}
	}
	return b.String()
}

// splitTitle splits "Headline | Site" into its parts.
var titleSep = regexp.MustCompile(`\s+[|–—·:»«-]\s+|\s+::\s+`)

// cleanTitle strips a site name from a document title: of the parts
// separated by " | ", " - " and the like, it keeps the longest when the
// others are short.
func cleanTitle(t string) string {
	t = collapseSpace(t)
	parts := titleSep.Split(t, -1)
	if len(parts) < 2 {
		return t
	}
	best := 0
	for i, p := range parts {
		if utf8.RuneCountInString(p) > utf8.RuneCountInString(parts[best]) {
			best = i
		}
	}
	for i, p := range parts {
		if i != best && wordCount(p) > 5 {
			return t
		}
	}
	if wordCount(parts[best]) < 2 {
		return t
	}
	return parts[best]
}

// titleSet holds the keys of the known titles of an article.
type titleSet []string

func newTitleSet(titles ...string) titleSet {
	var ts titleSet
	for _, t := range titles {
		for _, v := range []string{t, cleanTitle(t)} {
			k := titleKey(v)
			if k == "" || wordCount(k) < 2 && len(k) < 8 {
				continue
			}
			dup := false
			for _, o := range ts {
				if o == k {
					dup = true
				}
			}
			if !dup {
				ts = append(ts, k)
			}
		}
	}
	return ts
}

// matches reports whether line repeats a known title, allowing quotes
// around it, a "Title:" prefix and a short site name after a separator.
func (ts titleSet) matches(line string) bool {
	if len(ts) == 0 {
		return false
	}
	cands := []string{line, titlePrefix.ReplaceAllString(line, "")}
	cands = append(cands, titleSep.Split(line, -1)...)
	for _, c := range cands {
		k := titleKey(c)
		if k == "" {
			continue
		}
		for _, t := range ts {
			if k == t {
				return true
			}
		}
	}
	return false
}

// isBreadcrumb reports whether line is a trail such as "Home » World » Title".
func isBreadcrumb(line string) bool {
	parts := crumbSep.Split(line, -1)
	if len(parts) < 2 {
		return false
	}
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			return false
		}
		if i < len(parts)-1 && (wordCount(p) > 5 || utf8.RuneCountInString(p) > 50) {
			return false
		}
		if i == len(parts)-1 && wordCount(p) > 30 {
			return false
		}
	}
	first := junkKey(parts[0])
	return in(homeWords, first) || len(parts) >= 3
}

// isBodyLine reports whether line reads like story text rather than a
// label, title or byline.
func isBodyLine(line string) bool {
	w := wordCount(line)
	if w >= 25 {
		return true
	}
	return w >= 12 && endsSentence(line)
}

// endsSentence reports whether line ends with sentence punctuation,
// possibly followed by closing quotes or brackets.
func endsSentence(line string) bool {
	line = strings.TrimRight(line, "\"”»’')] ")
	r, _ := utf8.DecodeLastRuneInString(line)
	return strings.ContainsRune(".!?…:", r)
}

// isLabel reports whether line is a short section label such as "Business".
func isLabel(line string) bool {
	if wordCount(line) > 3 || utf8.RuneCountInString(line) > 30 || endsSentence(line) {
		return false
	}
	for _, r := range line {
		if unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// isHeadingLike reports whether line could be a title: short, not a sentence.
func isHeadingLike(line string) bool {
	w := wordCount(line)
	if w < 3 || w > 25 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(line)
	return !strings.ContainsRune(".!…:", r)
}

// isAuthorBio reports whether line is a generated author bio such as
// "“Travel aficionado. Incurable bacon specialist. Tv evangelist.”":
// three or more very short sentences of self-description.
func isAuthorBio(line string) bool {
	s := strings.TrimSpace(line)
	quoted := false
	if f, _ := utf8.DecodeRuneInString(s); strings.ContainsRune("\"“„«'‘", f) {
		quoted = true
	}
	s = strings.Trim(s, "\"“”„«»'‘’ ")
	if wordCount(s) > 40 || strings.ContainsAny(s, "0123456789") {
		return false
	}
	sentences := strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '!' || r == '?' })
	n, bio := 0, 0
	for _, sen := range sentences {
		sen = strings.TrimSpace(sen)
		if sen == "" {
			continue
		}
		n++
		if wordCount(sen) > 5 {
			return false
		}
		ls := strings.ToLower(sen)
		for _, w := range bioNouns {
			if strings.Contains(ls, w) {
				bio++
				break
			}
		}
	}
	if n < 3 || bio == 0 {
		return false
	}
	return quoted || bio*2 >= n
}

// cleanLines normalises lines and drops the junk ones. It returns the kept
// lines and, when the first line carried a "Title:" label, the title found
// there.
func cleanLines(raw []string, ts titleSet) (kept []string, labelled string) {
	return cleanLinesRepeats(raw, ts, true)
}

// markJunkLines marks in drop the lines that are junk wherever they
// stand (classify), and in heads those of them that head what follows;
// a closing heading (junkTail) in the second half of the text, or a
// paragraph labelled with one (taillabel.go), drops what follows it too
// when that is short (shortTail). Code lines (isPre) are never junk.
// total is the length of all the lines.
func markJunkLines(lines []string, drop, heads []bool, isPre func(int) bool, total int) {
	seen := 0
	for i, l := range lines {
		if isPre(i) {
			seen += len(l)
			continue
		}
		switch classify(l) {
		case junkLine:
			drop[i] = true
		case junkHead:
			drop[i] = true
			heads[i] = true
		case junkTail:
			drop[i] = true
			if seen*2 >= total && shortTail(total-seen-len(l), total) {
				for j := i + 1; j < len(lines); j++ {
					drop[j] = true
				}
			}
		default:
			// A bio box's heading written as its paragraph's label (taillabel.go).
			if seen*2 >= total && shortTail(total-seen, total) && tailLabelled(l) {
				for j := i; j < len(lines); j++ {
					drop[j] = true
				}
			}
		}
		seen += len(l)
	}
}

// cleanLinesRepeats is cleanLines, which drops repeated lines (see
// dropRepeats) only when repeats is set.
func cleanLinesRepeats(raw []string, ts titleSet, repeats bool) (kept []string, labelled string) {
	lines := make([]string, 0, len(raw))
	heads := make([]bool, 0, len(raw))
	var pre []bool // lines of a <pre> element: never junk
	var hd []bool  // headings h1–h6
	var it []bool  // list items and table cells
	var ow []bool  // paragraphs repeating one of their container (ownMark)
	for _, l := range raw {
		// A post's date or writer (postMark) is never junk either, as code is not.
		code, heading, item := strings.HasPrefix(l, preMark) || strings.HasPrefix(l, postMark), strings.HasPrefix(l, headMark), strings.HasPrefix(l, itemMark)
		own := strings.HasPrefix(l, ownMark)
		l = normalize(stripMarks(l)) // also marks inside text joined by splitParagraphs
		if l == "" {
			continue
		}
		if code && pre == nil {
			pre = make([]bool, len(lines), len(raw))
		}
		if pre != nil {
			pre = append(pre, code)
		}
		if heading && hd == nil {
			hd = make([]bool, len(lines), len(raw))
		}
		if hd != nil {
			hd = append(hd, heading)
		}
		if own && ow == nil {
			ow = make([]bool, len(lines), len(raw))
		}
		if ow != nil {
			ow = append(ow, own)
		}
		if item && it == nil {
			it = make([]bool, len(lines), len(raw))
		}
		if it != nil {
			it = append(it, item)
		}
		lines = append(lines, l)
		heads = append(heads, false)
	}
	isPre := func(i int) bool { return pre != nil && pre[i] }
	isHead := func(i int) bool { return hd != nil && hd[i] }
	isItem := func(i int) bool { return it != nil && it[i] }
	isOwn := func(i int) bool { return ow != nil && ow[i] }
	if len(lines) == 0 {
		return nil, ""
	}
	// "Title: Headline" on the first line: strip the label.
	if loc := titlePrefix.FindStringIndex(lines[0]); loc != nil && loc[1] < len(lines[0]) {
		labelled = strings.TrimSpace(lines[0][loc[1]:])
		lines[0] = labelled
		if len(ts) == 0 {
			ts = newTitleSet(labelled)
			// The label names the title; the line stays unless it is repeated.
			ts = ts.withoutFirstMatch(lines)
		}
	}
	if len(ts) == 0 {
		ts = inferTitle(lines)
	}

	drop := make([]bool, len(lines))
	total := 0
	for _, l := range lines {
		total += len(l)
	}
	markJunkLines(lines, drop, heads, isPre, total)

	// Top of the article: breadcrumb, repeated titles, section labels,
	// bylines and dates, up to the first line of story text.
	top := 0
	for top < len(lines) && !isBodyLine(lines[top]) && top < 12 {
		top++
	}
	lastTitle := -1
	for i := 0; i < top; i++ {
		if drop[i] || isPre(i) {
			continue
		}
		l := lines[i]
		switch {
		case ts.matches(l):
			drop[i] = true
			lastTitle = i
		case isBreadcrumb(l) && (i < 3 || i < top):
			drop[i] = true
		case !isItem(i) && isDatedLine(l):
			drop[i] = true
		}
	}
	// Bylines, also below a standfirst.
	for i := 0; i < min(len(lines), max(top, 5)); i++ {
		if !drop[i] && !isPre(i) && byline.MatchString(lines[i]) && wordCount(lines[i]) <= 16 && !strings.HasSuffix(lines[i], ".") {
			drop[i] = true
		}
	}
	for i := 0; i < lastTitle; i++ {
		if !drop[i] && !isPre(i) && isLabel(lines[i]) {
			drop[i] = true
		}
	}
	if lastTitle < 0 && len(lines) > 2 && !isPre(0) && wordCount(lines[0]) <= 2 && isLabel(lines[0]) && isHeadingLike(lines[1]) {
		drop[0] = true
	}

	// Teaser and comment blocks after a "Related posts"-style heading.
	inBlock := false
	for i, l := range lines {
		if heads[i] && i >= top {
			inBlock = true
			continue
		}
		if !inBlock {
			continue
		}
		if isBodyLine(l) || isPre(i) {
			inBlock = false
			continue
		}
		if !endsSentence(l) || wordCount(l) <= 20 && !strings.HasSuffix(l, ".") {
			drop[i] = true
		}
	}

	dropEmptyTail(lines, drop, isHead)
	if repeats {
		dropRepeats(lines, drop, func(i int) bool { return isPre(i) || isItem(i) }, isOwn)
	}

	last := -1 // the last kept line
	for i, l := range lines {
		if !drop[i] {
			kept = append(kept, l)
			last = i
		}
	}
	// A generated author bio closing the article.
	for len(kept) > 1 && !isPre(last) && isAuthorBio(kept[len(kept)-1]) {
		kept = kept[:len(kept)-1]
	}
	kept = dropBioBox(kept)
	return kept, labelled
}

// isDatedLine reports whether line, above the story's first sentence,
// is its dateline: 12 words or fewer, not a sentence, holding a date
// among other words, such as a byline, a section name or a reading time
// ("Posted on May 2, 2024 by Jo Roe", "Health | 12.03.2024 | 6 min
// read"), or a reading time without a date ("Harbour Desk | 6 min
// read"); a line that is only a date is junk anywhere (dateLine).
func isDatedLine(line string) bool {
	if wordCount(line) > 12 || endsSentence(line) {
		return false
	}
	l := strings.ToLower(line)
	return datedIn.MatchString(l) || readingTimeIn.MatchString(l)
}

// dropBioBox drops the author box that closes many article templates: a
// name on a line of its own, then a short paragraph that starts with that
// name ("Ana Ruiz covers ..."), as the last two lines of the text.
func dropBioBox(kept []string) []string {
	n := len(kept)
	if n < 4 {
		return kept
	}
	name, bio := kept[n-2], kept[n-1]
	if w := wordCount(name); w < 2 || w > 6 || endsSentence(name) || wordCount(bio) > 80 ||
		!strings.HasPrefix(bio, name+" ") {
		return kept
	}
	for _, f := range strings.Fields(name) {
		if r, _ := utf8.DecodeRuneInString(f); !unicode.IsUpper(r) {
			return kept
		}
	}
	return kept[:n-2]
}

// dropEmptyTail drops the short headings that close the text with
// nothing under them, after the story: the title of a box (related links,
// a newsletter or donation form, a product carousel) whose content was
// pruned. A section of the story always says something under its heading.
// Short dated lines closing the text go too (isDatedLine): a "last
// updated" or "fact-checked" stamp under the story.
func dropEmptyTail(lines []string, drop []bool, isHead func(int) bool) {
	end := len(lines)
	for end > 0 && (drop[end-1] || isHead(end-1) && wordCount(lines[end-1]) <= 10 || isDatedLine(lines[end-1])) {
		end--
	}
	for i := end - 1; i >= 0; i-- {
		if !drop[i] && isBodyLine(lines[i]) {
			for j := end; j < len(lines); j++ {
				drop[j] = true
			}
			return
		}
	}
}

// withoutFirstMatch keeps a title set built from a "Title:" label only if
// the title is repeated further down; otherwise the labelled line is the
// only copy and must not be dropped.
func (ts titleSet) withoutFirstMatch(lines []string) titleSet {
	for _, l := range lines[1:min(len(lines), 6)] {
		if ts.matches(l) {
			return ts
		}
	}
	return nil
}

// inferTitle finds a title repeated among the first lines of a text
// without a known title: the same heading-like line twice, with or
// without quotes, or as the end of a breadcrumb.
func inferTitle(lines []string) titleSet {
	n := min(len(lines), 6)
	for i := 0; i < n; i++ {
		if isBodyLine(lines[i]) {
			break
		}
		ki := titleKey(lines[i])
		if wordCount(ki) < 3 {
			continue
		}
		for j := i + 1; j < n; j++ {
			kj := titleKey(lines[j])
			if kj == ki || strings.HasSuffix(ki, " "+kj) && isBreadcrumb(lines[i]) {
				return newTitleSet(lines[j])
			}
		}
	}
	return nil
}

// CleanText cleans plain text, such as a feed's content given as text: it
// splits the text into paragraphs and drops junk lines with the same rules
// Extract applies to a page's paragraphs. opts.Title, when set, lets a
// repeated title be dropped. Paragraphs are separated by line breaks;
// hard-wrapped lines inside a blank-line separated block are joined.
func CleanText(text string, opts Options) []string {
	if len(text) > MaxInputSize {
		text = text[:MaxInputSize]
	}
	text = stripMarks(text) // only emit marks lines
	kept, _ := cleanLinesRepeats(splitParagraphs(text), newTitleSet(opts.Title), false)
	return kept
}

// splitParagraphs splits plain text into paragraphs: every line is one,
// except that the lines of a hard-wrapped block are joined.
func splitParagraphs(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var out []string
	for block := range strings.SplitSeq(text, "\n\n") {
		lines := strings.Split(strings.Trim(block, "\n"), "\n")
		if isHardWrapped(lines) {
			out = append(out, strings.Join(lines, " "))
			continue
		}
		out = append(out, lines...)
	}
	return out
}

// isHardWrapped reports whether a block's lines look like one paragraph
// wrapped at a fixed width: several lines, all but the last of similar
// length between 40 and 100 characters, mostly not ending a sentence.
func isHardWrapped(lines []string) bool {
	if len(lines) < 3 {
		return false
	}
	ends := 0
	for _, l := range lines[:len(lines)-1] {
		n := utf8.RuneCountInString(strings.TrimSpace(l))
		if n < 40 || n > 100 {
			return false
		}
		if endsSentence(strings.TrimSpace(l)) {
			ends++
		}
	}
	return ends*2 < len(lines)-1
}

// patternStarts are the first words of junkPatterns; longer lines that
// start otherwise cannot match, and skip the regular expressions.
var patternStarts = makeSet("quelle", "quellen", "bildnachweis", "fotonachweis", "crédits", "fuente", "źródło", "source", "share", "click", "follow", "like", "find", "subscribe", "sign", "register", "get",
	"join", "©", "(c)", "copyright", "tags", "tag", "tagged", "topics", "themen", "schlagwörter", "schlagworter",
	"schlagworte", "stichworte", "étiquettes", "mots-clés", "etiquetas", "temas", "posted", "published", "filed",
	"categorized", "category", "categories", "kategorie", "kategorien", "rubrique", "categoría", "read",
	"continue", "weiterlesen", "lire", "leer", "leggi", "leia", "related", "see", "also", "more", "lesen", "mehr",
	"à", "lee", "te", "we", "this", "our", "by", "wir", "diese", "ce", "nous", "este", "esta", "utilizamos",
	"usamos", "photo", "image", "picture", "pictured", "foto", "fotos", "bild", "credit", "crédit", "bildquelle",
	"(photo", "(image", "(picture", "(foto", "lesezeit", "reading", "temps", "tiempo", "one", "two", "three",
	"story", "article", "content", "text", "advertisement", "anzeige", "publicité", "publicidad", "previous",
	"next", "prev", "originally", "photo:", "image:", "foto:", "bild:", "credit:", "tags:", "tag:", "topics:",
	"themen:", "categories:", "category:", "kategorie:", "related:", "©2024", "written", "reviewed", "edited",
	"fact-checked", "fact", "medically", "recent", "latest", "other", "receive", "last", "updated", "modified",
	"disclosure", "disclosure:", "affiliate", "advertiser", "advertising", "jump", "skip", "did", "page",
	"comment", "you")

func mayMatchPattern(lower string) bool {
	if len(lower) <= 120 {
		return true
	}
	first, _, _ := strings.Cut(lower, " ")
	if in(patternStarts, first) || strings.HasPrefix(first, "©") || strings.Trim(first, "0123456789") == "" {
		return true
	}
	for _, s := range []string{"rights reserved", "vorbehalten", "réservés", "reservados"} {
		if strings.Contains(lower, s) {
			return true
		}
	}
	return false
}

// authorBoxMaxWords bounds the author box dropAuthorBox cuts.
const authorBoxMaxWords = 100

// dropAuthorBox drops the author box closing the text: from the first
// paragraph in the second half of the text that starts with the name of
// the page's author (as its metadata gives it: two to five words), to
// the end, when that is short (authorBoxMaxWords words at most, under a
// fifth of the text). It is the template's box about the writer ("Ana
// Ruiz is a reporter who …", "Ana Ruiz has no position in …"), not the
// story, which does not open a paragraph with its own byline.
func dropAuthorBox(paras []string, author string) []string {
	author = strings.TrimSpace(author)
	if w := wordCount(author); w < 2 || w > 5 || len(paras) < 4 {
		return paras
	}
	return cutClosingBox(paras, authorBoxMaxWords, func(i int) (int, bool) {
		return i, paras[i] == author || strings.HasPrefix(paras[i], author+" ")
	})
}

// cutClosingBox cuts paras at a box closing the text: from the first
// paragraph in the second half of the text that opens the box (opens
// reports it, and the index where the box starts, at or before that
// paragraph) to the end, when that holds maxWords words at most and
// under a fifth of the text. Otherwise, or with no such paragraph, paras
// is returned whole.
func cutClosingBox(paras []string, maxWords int, opens func(i int) (start int, ok bool)) []string {
	total := 0
	for _, p := range paras {
		total += len(p)
	}
	seen := 0
	for i, p := range paras {
		if seen*2 >= total {
			if start, ok := opens(i); ok {
				words, chars := 0, 0
				for _, q := range paras[start:] {
					words += wordCount(q)
					chars += len(q)
				}
				if words <= maxWords && chars*5 < total {
					return paras[:start]
				}
				return paras
			}
		}
		seen += len(p)
	}
	return paras
}
