package extracteval

// TokenPRF exposes tokenPRF to the external tests (the page dump).
var TokenPRF = tokenPRF
