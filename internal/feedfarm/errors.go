package feedfarm

import "errors"

// ErrInvalidScenario is returned by Scenario.Validate, wrapped with a
// description of the first problem found.
var ErrInvalidScenario = errors.New("feedfarm: invalid scenario")
