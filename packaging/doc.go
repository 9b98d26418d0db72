// Package packaging holds no code: it carries the files that install
// feedsift on a server (systemd/feedsift.service) and the tests that check
// them. The release build itself is scripts/release.sh.
package packaging
