package cli

// FormatVersion is formatVersion, for the table test of the version line.
var FormatVersion = formatVersion
