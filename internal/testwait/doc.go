// Package testwait is the one way feedsift's tests wait for something to
// happen: a message on a stream, a story in a store, a log line, a node
// back in a cluster.
//
// Tests wait on conditions, never on a clock. A fixed sleep is either too
// short on a busy machine (the test flakes) or too long everywhere else
// (the suite crawls). The helpers here poll a condition with a short
// backoff, starting at a few milliseconds and growing to about 100ms, so a
// condition that holds at once costs almost nothing and a slow one is not
// hammered. The limit each caller passes is only a failure bound: it is
// generous, and reaching it means the test fails.
//
//   - [Until] waits for a condition and fails the test with
//     "<what>: not within <limit>" when the limit passes.
//   - [UntilNil] retries an operation until it returns nil and, on
//     timeout, fails the test with the last error it returned.
//   - [Poll] waits and only reports whether the condition held, for
//     callers that write a richer failure report themselves.
//   - [Progress] has no overall limit: it waits as long as a measure of
//     progress keeps changing and gives up when it has not changed for a
//     stated time, so a slow machine that is still getting there is
//     waited for (the fault tests use it).
//   - [Advance] is for tests on a fake clock (testing/synctest): it moves
//     the bubble's clock on and waits until the bubble is idle again.
//
// The condition runs on the calling goroutine, so it may call t.Fatal.
// What these helpers cannot do is show that something does NOT happen:
// a check for the absence of an event still needs a bounded wait of its
// own, written and commented where it is used.
//
// The package imports only the standard library and testing, so that any
// test in the module can use it.
package testwait
