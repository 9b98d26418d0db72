package extract

// hexGroup reports whether part, a part of a class or id word that holds
// a hash (hashPart), is written in hexadecimal digits, a digit among
// them: a group of a UUID or of a hash split by hyphens
// ("5e1c07b2-ad34-4f10-9b2e-81c4d0e6a7f3", as content management systems
// set ids). Beside a hash such a group is a hash too, however short: its
// letters name nothing, and "ad31" read as a word would be "ad", an
// advertisement's name, removing the element (a story's headline).
func hexGroup(part string) bool {
	digit := false
	for i := 0; i < len(part); i++ {
		switch c := part[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return digit
}
